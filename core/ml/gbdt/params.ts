/**
 * Hyper-parameters of the histogram boosting learner, parsed from the loose `Params` record a
 * pipeline cell or the CLI hands over. Names follow xgboost; a few common aliases are accepted.
 * A bad value is a UserError naming the key.
 */
import { UserError } from '../../errors';
import { closest, didYouMean } from '../../base/schema';
import type { Params } from '../model';

export type GrowPolicy = 'depthwise' | 'lossguide';

export interface GbdtParams {
  nEstimators: number;
  learningRate: number;
  /** 0 = unlimited (only with lossguide growth). */
  maxDepth: number;
  /** 0 = unlimited; > 0 switches the default growth to leaf-wise (lossguide). */
  maxLeaves: number;
  growPolicy: GrowPolicy;
  minChildWeight: number;
  lambda: number;
  gamma: number;
  subsample: number;
  colsampleBytree: number;
  colsampleBynode: number;
  /** Value bins per feature (2..255); one more bin is reserved for missing values. */
  maxBin: number;
  /** 0 = off. Needs FitOptions.valid. */
  earlyStoppingRounds: number;
  /** An early-stopping improvement must beat the best validation loss by more than this (default 0). */
  minDelta: number;
  /** Initial prediction (probability for logloss, mean for regression); undefined = from the labels. */
  baseScore: number | undefined;
}

export const GBDT_DEFAULTS: Params = {
  n_estimators: 100,
  learning_rate: 0.1,
  max_depth: 6,
  max_leaves: 0,
  min_child_weight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 1,
  colsample_bytree: 1,
  colsample_bynode: 1,
  max_bin: 255,
  early_stopping_rounds: 0,
  min_delta: 0,
};

const ALIASES: Record<string, string> = {
  eta: 'learning_rate',
  reg_lambda: 'lambda',
  min_split_gain: 'gamma',
  min_split_loss: 'gamma',
  num_boost_round: 'n_estimators',
  n_trees: 'n_estimators',
  num_leaves: 'max_leaves',
  early_stopping_min_delta: 'min_delta',
};

const KNOWN = [...Object.keys(GBDT_DEFAULTS), 'grow_policy', 'base_score'];

type Range = { min: number; max: number; int?: boolean; minExclusive?: boolean };

const RANGES: Record<string, Range> = {
  n_estimators: { min: 1, max: 1e6, int: true },
  learning_rate: { min: 0, max: 10, minExclusive: true },
  max_depth: { min: 0, max: 24, int: true },
  max_leaves: { min: 0, max: 1 << 20, int: true },
  min_child_weight: { min: 0, max: Infinity },
  lambda: { min: 0, max: Infinity },
  gamma: { min: 0, max: Infinity },
  subsample: { min: 0, max: 1, minExclusive: true },
  colsample_bytree: { min: 0, max: 1, minExclusive: true },
  colsample_bynode: { min: 0, max: 1, minExclusive: true },
  max_bin: { min: 2, max: 255, int: true },
  early_stopping_rounds: { min: 0, max: 1e6, int: true },
  min_delta: { min: 0, max: Infinity },
  base_score: { min: -Infinity, max: Infinity },
};

/** Normalise aliases and check every key and value; `extra` names keys the caller handles itself. */
export function parseGbdtParams(raw: Params, model = 'gbdt', extra: readonly string[] = []): GbdtParams {
  const p: Record<string, number | string | boolean> = { ...GBDT_DEFAULTS };
  for (const [key0, value] of Object.entries(raw)) {
    const key = ALIASES[key0] ?? key0;
    if (extra.includes(key)) continue;
    if (!KNOWN.includes(key)) {
      const near = closest(key0, [...KNOWN, ...Object.keys(ALIASES), ...extra]);
      throw new UserError(`unknown ${model} parameter '${key0}'${didYouMean(near)}`, { key: key0 }, [
        `known: ${KNOWN.join(', ')}`,
      ]);
    }
    p[key] = value;
  }
  const num = (key: string): number => {
    const v = p[key];
    const r = RANGES[key];
    if (typeof v !== 'number' || Number.isNaN(v))
      throw new UserError(`${model} parameter '${key}' must be a number, got ${JSON.stringify(v)}`, { key });
    const low = r.minExclusive ? v <= r.min : v < r.min;
    if (low || v > r.max || (r.int && !Number.isInteger(v))) {
      const kind = r.int ? 'an integer' : 'a number';
      const range = `${r.minExclusive ? '(' : '['}${r.min}, ${r.max}]`;
      throw new UserError(`${model} parameter '${key}' must be ${kind} in ${range}, got ${v}`, { key });
    }
    return v;
  };
  const maxLeaves = num('max_leaves');
  const policy = p.grow_policy ?? (maxLeaves > 0 ? 'lossguide' : 'depthwise');
  if (policy !== 'depthwise' && policy !== 'lossguide') {
    throw new UserError(
      `${model} parameter 'grow_policy' must be 'depthwise' or 'lossguide', got ${JSON.stringify(policy)}`,
      { key: 'grow_policy' },
    );
  }
  const maxDepth = num('max_depth');
  if (maxDepth === 0 && (policy === 'depthwise' || maxLeaves === 0)) {
    throw new UserError(
      `${model} parameter 'max_depth' may be 0 (unlimited) only with leaf-wise growth and max_leaves > 0`,
      { key: 'max_depth' },
    );
  }
  return {
    nEstimators: num('n_estimators'),
    learningRate: num('learning_rate'),
    maxDepth,
    maxLeaves,
    growPolicy: policy,
    minChildWeight: num('min_child_weight'),
    lambda: num('lambda'),
    gamma: num('gamma'),
    subsample: num('subsample'),
    colsampleBytree: num('colsample_bytree'),
    colsampleBynode: num('colsample_bynode'),
    maxBin: num('max_bin'),
    earlyStoppingRounds: num('early_stopping_rounds'),
    minDelta: num('min_delta'),
    baseScore: p.base_score === undefined ? undefined : num('base_score'),
  };
}
