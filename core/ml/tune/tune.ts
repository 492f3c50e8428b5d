/**
 * Hyper-parameter search: random search, or TPE after `nStartup` random trials. Deterministic
 * for a seed. A trial whose objective throws TrainingFailure or returns a non-finite value is
 * recorded as failed and ranks last; any other error (a user mistake, a cancel, a bug) stops the search.
 */
import { CancelledError, UserError } from '../../errors';
import { TrainingFailure, type Params } from '../model';
import { SeededRng } from '../rng';
import { checkSpace, sampleUniform, type SearchSpace } from './space';
import { suggestTpe, TPE_DEFAULTS, type Observation } from './tpe';

export type TuneMethod = 'random' | 'tpe';

export interface Trial {
  /** 0-based trial number. */
  number: number;
  params: Params;
  /** Objective value (NaN when failed). */
  value: number;
  state: 'ok' | 'failed';
  seconds: number;
  /** Why the trial failed. */
  error?: string;
}

export interface TuneOptions {
  space: SearchSpace;
  objective: (params: Params, trial: number) => Promise<number>;
  direction: 'max' | 'min';
  nTrials: number;
  method: TuneMethod;
  seed: number;
  /** Random trials before TPE starts modelling (default min(10, nTrials)). */
  nStartup?: number;
  /** TPE: share of trials counted as good (default 0.1, as Optuna; 0.25 searched worse on our test functions). */
  gamma?: number;
  /** TPE: candidates drawn from l(x) per suggestion (default 24). */
  nCandidates?: number;
  signal?: AbortSignal;
  onTrial?: (trial: Trial, best: Trial | undefined) => void;
}

export interface TuneResult {
  best: Trial;
  trials: Trial[];
  method: TuneMethod;
  direction: 'max' | 'min';
  seed: number;
}

function checkTuneOptions(o: TuneOptions): void {
  if (!Number.isInteger(o.nTrials) || o.nTrials < 1)
    throw new UserError(`n_trials must be a whole number >= 1, got ${o.nTrials}`, { key: 'n_trials' });
  if (o.method !== 'random' && o.method !== 'tpe')
    throw new UserError(`method must be 'random' or 'tpe', got '${String(o.method)}'`, { key: 'method' });
  if (o.nStartup !== undefined && (!Number.isInteger(o.nStartup) || o.nStartup < 1)) {
    throw new UserError(`n_startup must be a whole number >= 1, got ${o.nStartup}`, { key: 'n_startup' });
  }
  if (o.gamma !== undefined && !(o.gamma > 0 && o.gamma < 1))
    throw new UserError(`gamma must be in (0, 1), got ${o.gamma}`, { key: 'gamma' });
  checkSpace(o.space);
}

function better(a: Trial, b: Trial | undefined, direction: 'max' | 'min'): boolean {
  if (a.state !== 'ok') return false;
  if (!b) return true;
  return direction === 'max' ? a.value > b.value : a.value < b.value;
}

export async function tune(opts: TuneOptions): Promise<TuneResult> {
  checkTuneOptions(opts);
  const { space, direction, method } = opts;
  const rng = new SeededRng(opts.seed);
  // a space without parameters has one point: evaluate it once
  const nTrials = Object.keys(space).length === 0 ? 1 : opts.nTrials;
  const nStartup = Math.min(opts.nStartup ?? 10, nTrials);
  const tpe = { gamma: opts.gamma ?? TPE_DEFAULTS.gamma, nCandidates: opts.nCandidates ?? TPE_DEFAULTS.nCandidates };
  const trials: Trial[] = [];
  const history: Observation[] = [];
  let best: Trial | undefined;

  for (let n = 0; n < nTrials; n++) {
    if (opts.signal?.aborted) throw new CancelledError();
    const params = method === 'tpe' && n >= nStartup ? suggestTpe(space, history, rng, tpe) : sampleUniform(space, rng);
    const t0 = performance.now();
    let value = NaN;
    let error: string | undefined;
    try {
      value = await opts.objective(params, n);
      if (!Number.isFinite(value)) error = `objective returned ${value}`;
    } catch (e) {
      if (!(e instanceof TrainingFailure)) throw e;
      error = e.message;
    }
    const trial: Trial = {
      number: n,
      params,
      value: error ? NaN : value,
      state: error ? 'failed' : 'ok',
      seconds: (performance.now() - t0) / 1000,
      ...(error ? { error } : {}),
    };
    trials.push(trial);
    history.push({ params, loss: trial.state === 'ok' ? (direction === 'max' ? -value : value) : NaN });
    if (better(trial, best, direction)) best = trial;
    opts.onTrial?.(trial, best);
  }
  if (!best) {
    throw new UserError(`all ${trials.length} tuning trials failed; the first: ${trials[0].error}`, {
      key: 'n_trials',
    });
  }
  return { best, trials, method, direction, seed: opts.seed };
}
