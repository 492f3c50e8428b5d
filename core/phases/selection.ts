/**
 * Selection-adjusted numbers for the cells that show a headline Sharpe (backtest, walk_forward,
 * scenario_compare): record the cell's trials in the ledger (artifacts/metrics.db), then compute the
 * study's statistics from every non-excluded trial the ledger holds. A ledger that cannot be
 * written or read is a warning, never a failed cell.
 */
import type { BacktestValue } from '../backtest/value';
import { metricsDbPath } from '../orchestrate/metricsDb';
import { defaultStudy, ledgerState, listTrials, originOf, recordTrials, type TrialInput } from '../runs/trials';
import { selectionLine, selectionReport, type SelectionReport } from '../stats';
import type { PhaseContext, PhaseSpec } from '../spec/types';

/**
 * keyState of the cells that compute statistics from the ledger: the notebook's ledger state, so
 * `phasebook trials --exclude/--include` or a trial recorded by another run recomputes them (and
 * everything downstream, the report) instead of serving the numbers cached before.
 */
export const ledgerKeyState: NonNullable<PhaseSpec['keyState']> = (_config, ctx) =>
  ctx.notebookPath ? ledgerState(metricsDbPath(ctx.roots.artifacts), ctx.notebookPath) : 'no notebook';

export const SELECTION_METRIC = 'sharpe_ratio';

export interface SelectionOutcome {
  study: string;
  report: SelectionReport;
  line: string;
  /** Trials of the study left out by `phasebook trials --exclude`. */
  excluded: number;
  /** Names of the trials this cell recorded. */
  recorded: string[];
}

export interface CellTrial {
  cell: string;
  branch: Record<string, string>;
  value: number;
  times: Float64Array;
  returns: Float64Array;
  periodsPerYear: number;
}

/**
 * Records `trials` under the study of `origin` (default: `<notebook>/<origin>/sharpe_ratio`) and
 * reports the study; `selected` is the index in `trials` of the one the cell shows (default: best Sharpe).
 */
export async function recordAndSelect(
  ctx: Pick<PhaseContext, 'notebookPath' | 'roots' | 'log'>,
  origin: string,
  trials: readonly CellTrial[],
  selected?: number,
  warnings?: string[],
): Promise<SelectionOutcome | undefined> {
  const usable = trials.filter((t) => t.returns.length > 1);
  if (!usable.length) return undefined;
  const study = defaultStudy(ctx.notebookPath, origin, SELECTION_METRIC);
  const db = metricsDbPath(ctx.roots.artifacts);
  const inputs: TrialInput[] = usable.map((t) => ({
    study,
    cell: t.cell,
    origin: originOf(t.cell),
    branch: t.branch,
    notebook: ctx.notebookPath,
    metric: SELECTION_METRIC,
    value: t.value,
    periodsPerYear: t.periodsPerYear,
    times: t.times,
    returns: t.returns,
  }));
  try {
    const recorded = await recordTrials(db, inputs);
    const all = await listTrials(db, study);
    const kept = all.filter((t) => !t.excluded);
    const chosen = selected !== undefined && trials[selected] ? recorded[usable.indexOf(trials[selected])] : undefined;
    const report = selectionReport(
      kept.map((t) => ({ name: t.trial, times: t.times, returns: t.returns, periodsPerYear: t.periodsPerYear })),
      chosen,
    );
    if (!report) return undefined;
    return { study, report, line: selectionLine(report), excluded: all.length - kept.length, recorded };
  } catch (e) {
    const msg = `selection statistics not computed: ${(e as Error).message}`;
    if (warnings) warnings.push(msg);
    else ctx.log.warn(msg);
    return undefined;
  }
}

/**
 * The headline of a backtest / walk_forward cell: its shown result (the best container) recorded as
 * one trial of the cell's study (`<notebook>/<cell>/sharpe_ratio`), then the study's statistics.
 * A re-run with the same returns is the same trial; a changed cell with new returns is a new one.
 */
export async function cellSelection(
  ctx: Pick<PhaseContext, 'notebookPath' | 'roots' | 'log' | 'cell'>,
  v: BacktestValue,
  warnings: string[],
): Promise<SelectionOutcome | undefined> {
  const cell = ctx.cell.name;
  const trial: CellTrial = {
    cell,
    branch: {},
    value: Number(v.best.metrics.sharpe_ratio ?? NaN),
    times: v.times,
    returns: v.returns,
    periodsPerYear: v.periodsPerYear,
  };
  return recordAndSelect(ctx, originOf(cell), [trial], 0, warnings);
}

/** Without PBO's per-split IS/OOS details (the logits stay, for the chart): what a cell hands downstream. */
export function compactSelection(s: SelectionOutcome): SelectionOutcome {
  const pbo = s.report.pbo;
  return pbo ? { ...s, report: { ...s.report, pbo: { ...pbo, isSharpe: [], oosSharpe: [], winner: [] } } } : s;
}

/** Flat metrics for metrics.db and the dashboards. */
export function selectionMetrics(s: SelectionOutcome): Record<string, number> {
  const r = s.report;
  const out: Record<string, number> = {
    trials: r.trials,
    distinct_trials: r.distinct,
    deflated_sharpe: r.deflated.dsr,
    probabilistic_sharpe: r.deflated.psr,
    expected_max_sharpe: r.deflated.expectedMax * Math.sqrt(r.periodsPerYear),
    min_backtest_years: r.minBacktestYears,
  };
  if (r.pbo) out.pbo = r.pbo.pbo;
  return out;
}

/** The Markdown section on selection (scenario summary, report). */
export function selectionMarkdown(s: SelectionOutcome): string {
  const r = s.report;
  const d = r.deflated;
  const n = (x: number, p = 4) => (Number.isFinite(x) ? x.toFixed(p) : 'n/a');
  const lines = [
    '## Selection',
    '',
    `${s.line}.`,
    '',
    `Study \`${s.study}\`: ${r.trials} trial${r.trials === 1 ? '' : 's'} in artifacts/metrics.db, ` +
      `${r.distinct} with distinct returns (N = ${r.distinct} below)` +
      `${s.excluded ? ` (${s.excluded} excluded by name, see \`phasebook trials --study "${s.study}"\`)` : ''}` +
      `; selected \`${r.selected}\`.`,
    '',
    '| statistic | value | inputs |',
    '| --- | --- | --- |',
    `| Sharpe (annualised) | ${n(r.sharpe, 3)} | per-period SR ${n(d.selected.sharpe, 5)} × ` +
      `√${n(r.periodsPerYear, 1)} |`,
    `| Probabilistic Sharpe (vs 0) | ${n(d.psr)} | T = ${d.selected.n}, skew ${n(d.selected.skew, 3)}, ` +
      `kurtosis ${n(d.selected.kurtosis, 3)} |`,
    `| Expected max Sharpe of ${r.distinct} unskilled trials | ` +
      `${n(d.expectedMax * Math.sqrt(r.periodsPerYear), 3)} | V[SR] of the trials ${n(d.sharpeVariance, 8)} ` +
      `(per period) |`,
    `| Deflated Sharpe | ${n(d.dsr)} | PSR against that expected maximum |`,
    r.pbo
      ? `| PBO (CSCV) | ${n(r.pbo.pbo)} | ${r.pbo.groups} groups, ${r.pbo.logits.length} splits, ` +
        `${r.pbo.periods} common periods; P(OOS Sharpe < 0) ${n(r.pbo.probOosLoss)} |`
      : `| PBO (CSCV) | n/a | ${r.pboSkipped ?? ''} |`,
    `| Minimum backtest length | ${n(r.minBacktestYears, 2)} years | for ${r.distinct} trials at Sharpe ` +
      `${n(r.sharpe, 2)}; this backtest spans ${n(r.backtestYears, 2)} years |`,
    '',
    'Deflated Sharpe: Bailey & López de Prado (2014); PBO: Bailey, Borwein, López de Prado & Zhu (2015); ' +
      'MinBTL: Bailey et al. (2014). A deflated Sharpe below 0.95 means the headline Sharpe is not significant ' +
      'once the number of trials is counted.',
    '',
  ];
  return lines.join('\n');
}

/** The selection statistics as `selection_*` metrics of a backtest or walk_forward cell. */
export function cellSelectionMetrics(sel: SelectionOutcome): Record<string, number> {
  return Object.fromEntries(Object.entries(selectionMetrics(sel)).map(([k, x]) => [`selection_${k}`, x]));
}
