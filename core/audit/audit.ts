/**
 * The causality auditor (issue 12): for the data cells of a notebook, replaces every source row
 * after a cut T with another bar's values (core/audit/perturb.ts), recomputes the cells in
 * memory (artifacts go to a temporary folder: never the runs, never the cache) and reports every
 * output column that moved at a time <= T. See docs/drafts/i12a.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import type { Cell } from '../notebook/types';
import type { Graph } from '../notebook/dag';
import type { Dataset, LabelInfo } from '../frame/dataset';
import { SPLIT, TIMESTAMP } from '../frame/dataset';
import { LabelLeakError } from '../frame/provenance';
import type { PhaseResult } from '../spec/types';
import { runCell } from '../graph/runCell';
import { releaseDroppedFrames } from '../base/nativeMemory';
import { resolveRoots, type ArtifactRoots } from '../runs/roots';
import { labelCutoffs, movedColumns, perturbAfter, type Moved } from './perturb';
import { chooseCuts, fitBoundary } from './cuts';
import { locate } from './locate';
import type { AuditCut, AuditFinding, AuditMode, AuditReport, AuditVerdict, CellAudit } from './types';

/** Phase kinds whose output is a time-stamped dataset the auditor can compare. */
export const DATA_KINDS = new Set([
  'load',
  'import',
  'validate',
  'align',
  'preprocess',
  'features',
  'labels',
  'split',
  'scale',
  'export',
]);

export const isDataCell = (c: Cell | undefined): boolean =>
  !!c && (c.type === 'ts' || (c.type === 'phase' && DATA_KINDS.has(c.kind)));

export interface AuditInput {
  notebookPath: string;
  baseDir: string;
  seed: number;
  cells: ReadonlyMap<string, Cell>;
  graph: Graph;
  /** Data cells to audit (their data ancestors are recomputed with them). */
  targets: readonly string[];
  mode: AuditMode;
  log?: Logger;
  /** How many cuts (default 3). */
  cuts?: number;
  /** A cell's current result when the caller holds it (saves recomputing the unperturbed baseline). */
  baseline?: (cell: string) => PhaseResult | undefined;
}

/** Counters a test can read: how many cell recomputations the auditor has made in this process. */
export const auditCounters = { recomputed: 0 };

const iso = (ms: number) => new Date(ms).toISOString();

/** Every artifact a recomputed cell writes goes under a temporary folder, removed afterwards. */
function tempRoots(dir: string): ArtifactRoots {
  return resolveRoots(dir);
}

interface Computed {
  result?: PhaseResult;
  error?: string;
  cause?: unknown;
  /** Ran with its inputs' labels hidden, because the real run refuses a feature built from a label. */
  guardOff?: boolean;
}

/** Data cells of `targets` and their ancestors, in graph order (a cell below a non-data cell is left out). */
export function auditedCells(graph: Graph, cells: ReadonlyMap<string, Cell>, targets: readonly string[]): string[] {
  const want = new Set<string>();
  for (const t of targets) {
    if (!isDataCell(cells.get(t))) continue;
    const up = graph.ancestors(t);
    if (up.every((a) => isDataCell(cells.get(a)))) [t, ...up].forEach((n) => want.add(n));
  }
  return graph.order.filter((n) => want.has(n));
}

export async function auditNotebook(a: AuditInput): Promise<AuditReport> {
  const t0 = performance.now();
  const log = a.log ?? silentLogger;
  const order = auditedCells(a.graph, a.cells, a.targets);
  const dir = mkdtempSync(join(tmpdir(), 'phasebook-audit-'));
  const roots = tempRoots(dir);
  let recomputed = 0;
  const run = async (name: string, results: Map<string, Computed>, guardOff: boolean): Promise<Computed> => {
    // The frames of the cells and cuts done so far are freed only on a turn of the event loop.
    await releaseDroppedFrames();
    const cell = a.cells.get(name) as Cell;
    const parents = a.graph.parents(name);
    const ins = parents.map((p) => results.get(p)?.result);
    if (ins.some((r) => !r)) return { error: `an input did not compute` };
    const inputs = (ins as PhaseResult[]).map((r) =>
      guardOff && r.dataset ? { ...r, dataset: { ...r.dataset, labels: [] } } : r,
    );
    const upstream = new Map(
      a.graph
        .ancestors(name)
        .flatMap((n) => (results.get(n)?.result ? [[n, results.get(n)?.result as PhaseResult] as const] : [])),
    );
    recomputed++;
    auditCounters.recomputed++;
    const out = await runCell(cell, inputs, {
      notebookPath: a.notebookPath,
      baseDir: a.baseDir,
      roots,
      seed: a.seed,
      log: silentLogger,
      signal: new AbortController().signal,
      upstream,
      emit: () => undefined,
    });
    if (!out.ok) return { error: out.error.message, cause: out.cause };
    if (guardOff && out.result.dataset) {
      const labels = mergeInputLabels(ins as PhaseResult[]).filter((l) =>
        out.result.dataset?.frame.columns.includes(l.column),
      );
      out.result = { ...out.result, dataset: { ...out.result.dataset, labels } };
    }
    return { result: out.result, guardOff };
  };
  try {
    // Baseline, in memory. A cell refused for a feature built from a label runs again with the labels hidden, so its
    // look-ahead is measured too.
    const base = new Map<string, Computed>();
    for (const name of order) {
      const held = a.baseline?.(name);
      if (held) {
        base.set(name, { result: held });
        continue;
      }
      let c = await run(name, base, false);
      if (c.cause instanceof LabelLeakError) c = await run(name, base, true);
      base.set(name, c);
    }
    const boundary = fitBoundary(order, a.cells, base);
    const sources = order.filter((n) => !a.graph.parents(n).length);
    const cuts: AuditCut[] = chooseCuts(
      sources.map((s) => base.get(s)?.result?.dataset?.frame).filter((f): f is pl.DataFrame => !!f),
      boundary,
      a.cuts ?? 3,
    ).map((ms) => ({ ms, iso: iso(ms) }));
    const findings = new Map<string, AuditFinding[]>();
    const reasons = new Map<string, string>();
    for (const n of order) if (base.get(n)?.error) reasons.set(n, `the cell does not run: ${base.get(n)?.error}`);
    if (!cuts.length)
      for (const n of order)
        if (!reasons.has(n)) reasons.set(n, 'no cut time: no rows after the end of the fit window');
    for (const [k, cut] of cuts.entries()) {
      const pert = new Map<string, Computed>();
      const movedNow = new Map<string, string>(); // cell -> the cell whose own leak it shows
      for (const name of order) {
        const b = base.get(name) as Computed;
        if (b.error) continue;
        if (sources.includes(name)) {
          const d = b.result?.dataset;
          pert.set(name, {
            result: d
              ? {
                  ...(b.result as PhaseResult),
                  dataset: { ...d, frame: perturbAfter(d.frame, cut.ms, a.seed + 7919 * (k + 1)) },
                }
              : b.result,
          });
          continue;
        }
        const p = await run(name, pert, b.guardOff ?? false);
        pert.set(name, p);
        const bf = b.result?.dataset?.frame;
        const pf = p.result?.dataset?.frame;
        if (p.error || !bf || !pf) {
          if (!reasons.has(name) && p.error)
            reasons.set(name, `the cell threw on perturbed input (cut ${cut.iso}): ${p.error}`);
          continue;
        }
        if (!bf.columns.includes(TIMESTAMP)) {
          reasons.set(name, "the output has no 'timestamp' column: nothing to compare in time");
          continue;
        }
        const labels = labelCutoffMap(b.result?.dataset as Dataset, cut.ms, a, base);
        const moved = movedColumns(bf, pf, cut.ms, labels);
        if (!moved.length) continue;
        const inherited = a.graph
          .parents(name)
          .map((q) => movedNow.get(q))
          .find((x) => x !== undefined);
        movedNow.set(name, inherited ?? name);
        const list = findings.get(name) ?? [];
        for (const m of moved) {
          const prev = list.findIndex((f) => f.column === m.column);
          if (prev >= 0 && list[prev].firstMovedMs <= m.firstMs) continue;
          const f = finding(a, name, m, cut, labels.has(m.column), inherited);
          if (prev >= 0) list[prev] = f;
          else list.push(f);
        }
        findings.set(name, list);
      }
    }
    const cellAudits: CellAudit[] = order.map((name) => {
      const cell = a.cells.get(name) as Cell;
      const fs = findings.get(name) ?? [];
      const verdict: AuditVerdict = fs.length ? 'leak' : reasons.has(name) ? 'inconclusive' : 'clean';
      return {
        cell: name,
        cellIndex: cell.index,
        cellKind: cell.type === 'ts' ? 'ts' : cell.kind,
        verdict,
        findings: fs,
        ...(reasons.has(name) && !fs.length ? { reason: reasons.get(name) } : {}),
        cached: false,
      };
    });
    const report = finishReport(a, cuts, cellAudits, recomputed, performance.now() - t0);
    log.debug(
      `audit: ${order.length} cell(s), ${cuts.length} cut(s), ${recomputed} recomputation(s), ${report.verdict}`,
      { audit: { cells: order.length, cuts: cuts.map((c) => c.iso), recomputed } },
    );
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function finishReport(
  a: Pick<AuditInput, 'notebookPath' | 'seed' | 'mode'>,
  cuts: AuditCut[],
  cells: CellAudit[],
  recomputed: number,
  durationMs: number,
): AuditReport {
  const verdict: AuditVerdict = cells.some((c) => c.verdict === 'leak')
    ? 'leak'
    : cells.some((c) => c.verdict === 'inconclusive')
      ? 'inconclusive'
      : 'clean';
  return {
    version: 1,
    notebook: a.notebookPath,
    mode: a.mode,
    downgraded: verdict === 'leak' && a.mode !== 'error',
    verdict,
    cuts,
    seed: a.seed,
    cells,
    recomputed,
    durationMs: Math.round(durationMs),
  };
}

function mergeInputLabels(ins: PhaseResult[]): LabelInfo[] {
  const out: LabelInfo[] = [];
  for (const l of ins.flatMap((r) => r.dataset?.labels ?? [])) if (!out.some((x) => x.column === l.column)) out.push(l);
  return out;
}

/** Per label column of `ds`: per-symbol cutoffs, counted in the bars of the frame the label was built on. */
function labelCutoffMap(
  ds: Dataset,
  cutMs: number,
  a: AuditInput,
  base: Map<string, Computed>,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  // A labels cell writes both fwd_ret_h{H} and dir_h{H} but declares only the task's: every column it adds looks H bars
  // ahead.
  const written: LabelInfo[] = [];
  for (const [cellName, c] of base) {
    const cell = a.cells.get(cellName);
    const out = c.result?.dataset;
    const parent = a.graph.parents(cellName)[0];
    const input = parent ? base.get(parent)?.result?.dataset?.frame : undefined;
    if (cell?.type !== 'phase' || cell.kind !== 'labels' || !out || !input) continue;
    const h = Math.max(
      0,
      ...out.labels
        .filter((l) => l.origin?.cell === cellName || !input.columns.includes(l.column))
        .map((l) => l.horizon),
    );
    for (const col of out.frame.columns.filter((x) => !input.columns.includes(x)))
      written.push({ column: col, horizon: h, task: 'regression', origin: { cell: cellName, via: [] } });
  }
  for (const l of [...ds.labels, ...written.filter((w) => !ds.labels.some((l) => l.column === w.column))]) {
    if (!ds.frame.columns.includes(l.column)) continue;
    const born = l.origin?.cell;
    const parent = born && a.cells.has(born) ? a.graph.parents(born)[0] : undefined;
    const bars = (parent && base.get(parent)?.result?.dataset?.frame) || ds.frame;
    out.set(l.column, labelCutoffs(bars, cutMs, l.horizon));
  }
  if (ds.frame.columns.includes(SPLIT)) out.delete(SPLIT);
  return out;
}

function finding(
  a: AuditInput,
  name: string,
  m: Moved,
  cut: AuditCut,
  label: boolean,
  inheritedFrom: string | undefined,
): AuditFinding {
  const cell = a.cells.get(name) as Cell;
  const at = iso(m.firstMs);
  const what = m.column === '(rows)' ? 'the set of rows' : `column '${m.column}'`;
  return {
    cell: name,
    cellIndex: cell.index,
    cellKind: cell.type === 'ts' ? 'ts' : cell.kind,
    column: m.column,
    firstMovedMs: m.firstMs,
    firstMovedIso: at,
    ...(m.symbol !== undefined ? { symbol: m.symbol } : {}),
    cut,
    rowsCompared: m.rowsCompared,
    rowsMoved: m.rowsMoved,
    label,
    ...(inheritedFrom ? { inheritedFrom } : {}),
    location: locate(cell, m.column, a.notebookPath),
    message:
      `${what} at ${at}${m.symbol ? ` (${m.symbol})` : ''} moved when the rows after ${cut.iso} were replaced: ` +
      `it reads the ` +
      `future${inheritedFrom && inheritedFrom !== name ? ` (through cell '${inheritedFrom}')` : ''}`,
  };
}
