/**
 * The selection report of a study: from every (non-excluded) trial's per-period returns, the
 * deflated Sharpe of the selected trial, PBO by CSCV over the trials aligned on their common
 * periods, and the minimum backtest length for that many trials. Pure; inputs shown in the output.
 */
import { probabilityOfBacktestOverfitting, type PboResult } from './pbo';
import { deflatedSharpe, minBacktestYears, returnMoments, type DeflatedSharpe } from './sharpe';

export interface SelectionTrial {
  name: string;
  /** Bar times (ms), for aligning trials; may be empty when every trial has the same periods. */
  times: Float64Array;
  returns: Float64Array;
  periodsPerYear: number;
}

export interface SelectionReport {
  /** Trials counted, and how many distinct return series they have: N in the statistics is the distinct count. */
  trials: number;
  distinct: number;
  selected: string;
  /** Annualised Sharpe of the selected trial (per-period Sharpe × √periods_per_year). */
  sharpe: number;
  periodsPerYear: number;
  deflated: DeflatedSharpe;
  /** PBO over the trials on their common periods; absent with the reason when it cannot be computed. */
  pbo?: PboResult;
  pboSkipped?: string;
  /** Years of data below which the best of N unskilled trials reaches this Sharpe by chance. */
  minBacktestYears: number;
  /** Years the selected trial's returns span (periods / periods_per_year). */
  backtestYears: number;
}

/** Returns of every trial on the periods all of them have (by time), in time order. */
export function alignTrials(trials: readonly SelectionTrial[]): Float64Array[] {
  const sameLength = trials.every((t) => t.returns.length === trials[0].returns.length);
  if (trials.some((t) => t.times.length !== t.returns.length)) {
    return sameLength ? trials.map((t) => t.returns) : [];
  }
  let common = new Set(trials[0].times);
  for (const t of trials.slice(1)) {
    const next = new Set<number>();
    for (const x of t.times) if (common.has(x)) next.add(x);
    common = next;
  }
  const times = [...common].sort((a, b) => a - b);
  return trials.map((t) => {
    const at = new Map<number, number>();
    t.times.forEach((x, i) => at.set(x, t.returns[i]));
    return Float64Array.from(times, (x) => at.get(x) ?? 0);
  });
}

/**
 * Trials with identical times and returns (e.g. two models giving the same positions) are one trial: the first of each
 * kept.
 */
export function distinctTrials(trials: readonly SelectionTrial[]): SelectionTrial[] {
  const seen = new Set<string>();
  return trials.filter((t) => {
    const k = `${Array.from(t.times).join(',')}|${Array.from(t.returns).join(',')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function selectionReport(all: readonly SelectionTrial[], selected?: string): SelectionReport | undefined {
  if (!all.length) return undefined;
  const chosen = selected === undefined ? undefined : all.find((t) => t.name === selected);
  const unique = distinctTrials(all);
  // the selected trial stands for its duplicates
  const trials =
    chosen && !unique.includes(chosen)
      ? unique.map((t) =>
          t.returns.join() === chosen.returns.join() && t.times.join() === chosen.times.join() ? chosen : t,
        )
      : unique;
  const moments = trials.map((t) => returnMoments(t.returns));
  const sharpes = moments.map((m) => m.sharpe);
  let idx = chosen ? trials.indexOf(chosen) : -1;
  if (idx < 0) idx = sharpes.indexOf(Math.max(...sharpes));
  const sel = trials[idx];
  const deflated = deflatedSharpe(sel.returns, sharpes);
  const sharpe = moments[idx].sharpe * Math.sqrt(sel.periodsPerYear);
  let pbo: PboResult | undefined;
  let pboSkipped: string | undefined;
  if (trials.length < 2) pboSkipped = 'PBO needs at least 2 distinct trials';
  else {
    const aligned = alignTrials(trials);
    const T = aligned[0]?.length ?? 0;
    if (T < 8) pboSkipped = `the trials share ${T} periods; PBO needs at least 8`;
    else pbo = probabilityOfBacktestOverfitting(aligned);
  }
  return {
    trials: all.length,
    distinct: trials.length,
    selected: sel.name,
    sharpe,
    periodsPerYear: sel.periodsPerYear,
    deflated,
    pbo,
    pboSkipped,
    minBacktestYears: minBacktestYears(trials.length, sharpe),
    backtestYears: sel.returns.length / sel.periodsPerYear,
  };
}

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** "Sharpe 1.42 · deflated 0.31 after 48 trials · PBO 0.37"; "Sharpe 1.42 · 1 trial: no selection adjustment". */
export function selectionLine(r: SelectionReport): string {
  const distinct = r.distinct < r.trials ? ` (${r.distinct} distinct)` : '';
  // one distinct trial: nothing was selected, so there is nothing to deflate (DSR would equal PSR against 0)
  if (r.distinct === 1)
    return `Sharpe ${f2(r.sharpe)} · ${r.trials} trial${r.trials === 1 ? '' : 's'}${distinct}: no selection adjustment`;
  const parts = [
    `Sharpe ${f2(r.sharpe)}`,
    `deflated ${f2(r.deflated.dsr)} after ${r.trials} trial${r.trials === 1 ? '' : 's'}${distinct}`,
  ];
  if (r.pbo) parts.push(`PBO ${f2(r.pbo.pbo)}`);
  return parts.join(' · ');
}
