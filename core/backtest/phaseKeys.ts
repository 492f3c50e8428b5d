/**
 * Cell keys shared by the backtest, walk_forward and monte_carlo phases, and their parsing into
 * portfolio settings and the results folder name.
 */
import { basename, extname } from 'node:path';
import { UserError } from '../errors';
import { t } from '../base/schema';
import type { PhaseContext } from '../spec/types';
import { EVENT_TYPES } from './events';
import type { PortfolioGrid } from './grid';
import { DEFAULT_PERIODS_PER_YEAR, periodsPerYearFromTimes } from './metrics';
import { RESULTS_STORAGES } from './resultsSettings';
import { RETENTION_POLICIES } from './tracer';
import {
  DEFAULT_PORTFOLIO,
  DIRECTIONS,
  POSITION_MODES,
  type Direction,
  type PortfolioSettings,
  type PositionMode,
} from './types';

const settingsKeys = {
  results_storage: {
    type: t.string(RESULTS_STORAGES),
    doc: 'memory: keep results for the next phase; disk: write them and keep a summary.',
  },
  event_tracing: { type: t.list(t.string(EVENT_TYPES)), doc: `Events to trace: ${EVENT_TYPES.join(', ')}.` },
  retention_policy: {
    type: t.string(RETENTION_POLICIES),
    doc:
      "trade_complete: drop a trade's events when it closes; sliding_window: keep the last N; minimal: open " +
      'positions only.',
  },
  sliding_window_size: { type: t.integer({ min: 1 }), doc: 'Events kept by sliding_window (default 1000).' },
};

export const RESULTS_KEYS = {
  results_dir: {
    type: t.string(),
    doc: 'Folder under the results root that holds workflow runs: results/{results_dir}/{workflow}/{phase}/.',
  },
  workflow: {
    type: t.string(),
    doc:
      'Workflow id, the run folder (default: the notebook name under a results_dir, else {notebook}_{cell}); ' +
      'cells with the same results_dir and workflow form one workflow run.',
  },
  phase: { type: t.string(), doc: 'Name of this phase inside the results folder (default: the cell name).' },
  ...settingsKeys,
  phase_overrides: {
    type: t.object(undefined, t.object(settingsKeys)),
    doc: 'Per phase: results_storage, event_tracing, retention_policy, sliding_window_size.',
  },
} as const;

export const PORTFOLIO_KEYS = {
  mode: {
    type: t.string(POSITION_MODES),
    doc:
      'sign (default): long above center, short below; threshold: flat inside center +- threshold; ' +
      'probability: size 2p - 1.',
  },
  center: { type: t.number(), doc: 'Neutral prediction (default 0, or 0.5 for probabilities).' },
  threshold: { type: t.number({ min: 0 }), doc: 'Dead band around center for mode threshold (default 0).' },
  direction: { type: t.string(DIRECTIONS), doc: 'long_short (default), long_only or short_only.' },
  fee_bps: { type: t.number({ min: 0 }), doc: 'Fee per unit of traded notional, in basis points (default 0).' },
  slippage_bps: {
    type: t.number({ min: 0 }),
    doc: 'Slippage per unit of traded notional, in basis points (default 0).',
  },
  initial_capital: { type: t.number({ min: 0 }), doc: 'Starting capital (default 100000).' },
  periods_per_year: {
    type: t.number({ min: 0 }),
    doc: 'Bars per year for CAGR, Sharpe and Sortino (default: from the bar times).',
  },
  grid: {
    type: t.object(undefined, t.list(t.oneOf(t.number(), t.string()))),
    doc: 'Parameter search: lists of values for mode, center, threshold, direction, fee_bps, slippage_bps.',
  },
} as const;

export const SERIES_KEYS = {
  prediction: {
    type: t.string(),
    doc: 'Prediction column (default: prediction, pred, y_pred, signal, prob..., or the single *_pred / *_prob_1).',
  },
  returns: { type: t.string(), doc: 'Column of bar returns (default: computed from price).' },
  returns_type: { type: t.string(['simple', 'log']), doc: 'simple (default) or log returns in the returns column.' },
  price: { type: t.string(), doc: 'Price column bar returns are computed from (default close).' },
  split: { type: t.string(), doc: 'Only rows of this split (train, val, test).' },
} as const;

export interface PortfolioKeys {
  mode?: PositionMode;
  center?: number;
  threshold?: number;
  direction?: Direction;
  fee_bps?: number;
  slippage_bps?: number;
  initial_capital?: number;
  periods_per_year?: number;
  grid?: PortfolioGrid;
}

export interface NamingKeys {
  results_dir?: string;
  workflow?: string;
  phase?: string;
}

/** Base portfolio settings; center defaults to 0.5 when the signal is a probability. */
export function baseSettings(c: PortfolioKeys, probabilitySignal: boolean): PortfolioSettings {
  const mode = c.mode ?? DEFAULT_PORTFOLIO.mode;
  return {
    mode,
    center: c.center ?? (probabilitySignal || mode === 'probability' ? 0.5 : 0),
    threshold: c.threshold ?? DEFAULT_PORTFOLIO.threshold,
    direction: c.direction ?? DEFAULT_PORTFOLIO.direction,
    fee_bps: c.fee_bps ?? DEFAULT_PORTFOLIO.fee_bps,
    slippage_bps: c.slippage_bps ?? DEFAULT_PORTFOLIO.slippage_bps,
    initial_capital: c.initial_capital ?? DEFAULT_PORTFOLIO.initial_capital,
  };
}

/** A column name that reads as a probability (prob, y_prob, gbdt_prob_1...). */
export function looksLikeProbability(column: string): boolean {
  return /prob/i.test(column);
}

/** periods_per_year from the key, else the bar times, else 252 (with a warning). */
export function periodsPerYear(c: PortfolioKeys, barTimes: Float64Array, warnings: string[]): number {
  if (c.periods_per_year !== undefined) {
    if (!(c.periods_per_year > 0)) throw new UserError('periods_per_year must be > 0', { key: 'periods_per_year' });
    return c.periods_per_year;
  }
  const p = periodsPerYearFromTimes(barTimes);
  if (p !== undefined) return p;
  warnings.push(
    `the bars carry no time span: annualising with ${DEFAULT_PERIODS_PER_YEAR} periods per year (set periods_per_year)`,
  );
  return DEFAULT_PERIODS_PER_YEAR;
}

/**
 * Where a cell's phase goes (notes/002): results/[{results_dir}/]{workflow_id}/{phase}/. The run is
 * the workflow folder; its id is `{results_dir}/{workflow_id}` (or `{workflow_id}` alone).
 * workflow_id defaults to the notebook's name under a results_dir (so the cells of one notebook
 * sharing a results_dir form one workflow run), else to {notebook}_{cell}.
 */
export function resultsNaming(c: NamingKeys, ctx: Pick<PhaseContext, 'notebookPath' | 'cell'>): ResultsNaming {
  const stem = basename(ctx.notebookPath, extname(ctx.notebookPath)) || 'pipeline';
  const workflow = c.workflow ?? (c.results_dir !== undefined ? stem : `${stem}_${ctx.cell.name}`);
  return {
    ...(c.results_dir !== undefined ? { resultsDir: c.results_dir } : {}),
    workflow,
    name: c.results_dir !== undefined ? `${c.results_dir}/${workflow}` : workflow,
    phase: c.phase ?? ctx.cell.name,
    owner: `${basename(ctx.notebookPath)}#${ctx.cell.name}`,
  };
}

export interface ResultsNaming {
  /** The results_dir key, when set: a folder of workflow runs under the results root. */
  resultsDir?: string;
  /** The workflow id: the run folder. */
  workflow: string;
  /** The run id: `{results_dir}/{workflow}` or `{workflow}`. */
  name: string;
  phase: string;
  owner: string;
}
