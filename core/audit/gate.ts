/**
 * The gate (issue 12): before a cv, train, walk_forward or backtest cell runs, the data cells
 * above it are audited. A verdict is cached by cell key under {cache}/audit/{key}.json, so an
 * unchanged notebook is audited once. A leak refuses the model cell (exit 2) naming the cell
 * and column; `audit: warn` lets it run and the report says it was downgraded; `audit: off`
 * skips the audit.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../errors';
import type { CellError } from '../graph/events';
import type { Cell } from '../notebook/types';
import { auditedCells, auditNotebook, finishReport, isDataCell, type AuditInput } from './audit';
import type { AuditCut, AuditMode, AuditReport, CellAudit } from './types';

export const GATED_KINDS = new Set(['cv', 'train', 'walk_forward', 'backtest']);

export interface GateInput extends Omit<AuditInput, 'targets' | 'mode'> {
  mode: AuditMode;
  keys: ReadonlyMap<string, string>;
  /** Cells about to run (or be served from the cache). */
  plan: readonly string[];
  /** The cell cache root; the audit verdicts live under {cacheRoot}/audit. Undefined: no audit cache. */
  cacheRoot?: string;
}

export interface GateOutcome {
  report?: AuditReport;
  /** Model cells refused, with the error to show on each. */
  blocked: Map<string, CellError>;
}

interface CacheEntry {
  cuts: AuditCut[];
  audit: CellAudit;
}

/** Bump when the auditor's rules change, so no verdict of older rules is served. */
export const AUDIT_RULES = 2;
const entryPath = (root: string, key: string) => join(root, 'audit', `r${AUDIT_RULES}-${key}.json`);

function readEntry(root: string | undefined, key: string | undefined): CacheEntry | undefined {
  if (!root || !key) return undefined;
  try {
    return JSON.parse(readFileSync(entryPath(root, key), 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
}

function writeEntry(root: string, key: string, e: CacheEntry): void {
  const path = entryPath(root, key);
  mkdirSync(join(root, 'audit'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(e) + '\n');
  renameSync(tmp, path);
}

/** Audits `targets` (data cells), serving each cell's verdict from the audit cache when its key is unchanged. */
export async function auditCached(g: Omit<GateInput, 'plan'>, targets: readonly string[]): Promise<AuditReport> {
  const t0 = performance.now();
  const order = auditedCells(g.graph, g.cells, targets);
  const hits = order.map((n) => readEntry(g.cacheRoot, g.keys.get(n)));
  if (order.length && hits.every((h) => h)) {
    g.log?.debug(`audit: ${order.length} cell(s) served from the audit cache`, {
      audit: { cached: order.length, recomputed: 0 },
    });
    const cuts = (hits[0] as CacheEntry).cuts;
    return finishReport(
      g,
      cuts,
      hits.map((h) => ({ ...(h as CacheEntry).audit, cached: true })),
      0,
      performance.now() - t0,
    );
  }
  const report = await auditNotebook({ ...g, targets: order });
  for (const c of report.cells) {
    const key = g.keys.get(c.cell);
    c.cacheKey = key;
    if (g.cacheRoot && key) {
      try {
        writeEntry(g.cacheRoot, key, { cuts: report.cuts, audit: c });
      } catch (e) {
        g.log?.warn(`could not cache the audit of cell '${c.cell}': ${(e as Error).message}`);
      }
    }
  }
  return report;
}

/** The gate of an execution: audits the data cells above the planned model cells. */
export async function auditGate(g: GateInput): Promise<GateOutcome> {
  const blocked = new Map<string, CellError>();
  if (g.mode === 'off') return { blocked };
  const models = g.plan.filter((n) => {
    const c = g.cells.get(n);
    return c?.type === 'phase' && GATED_KINDS.has(c.kind);
  });
  const targets = new Set<string>();
  for (const m of models) {
    const up = g.graph.ancestors(m).filter((a) => isDataCell(g.cells.get(a)));
    // A cell above without a key has errors: the model cell is blocked by it anyway.
    if (up.some((a) => !g.keys.has(a))) continue;
    up.forEach((a) => targets.add(a));
  }
  if (!targets.size) return { blocked };
  let report: AuditReport;
  try {
    report = await auditCached(g, [...targets]);
  } catch (e) {
    // A bug in the auditor must not stop a run: it is logged with its stack.
    g.log?.warn(`the causality audit failed: ${(e as Error).message}`, { stack: (e as Error).stack });
    return { blocked };
  }
  if (report.verdict !== 'leak') return { report, blocked };
  for (const m of models) {
    const up = new Set(g.graph.ancestors(m));
    const own = report.cells.filter((c) => up.has(c.cell)).flatMap((c) => c.findings.filter((f) => !f.inheritedFrom));
    if (!own.length || g.mode !== 'error') continue;
    const cell = g.cells.get(m) as Cell;
    const f = own[0];
    blocked.set(m, {
      message:
        `not run: cell '${f.cell}' looks ahead — its column '${f.column}' at ${f.firstMovedIso} changed when ` +
        `the rows after ${f.cut.iso} were replaced (causality audit; \`phasebook audit\` shows every finding; ` +
        `\`audit: warn\` in the settings cell lets the run go on)`,
      location: { file: g.notebookPath, cell: m, line: cell.headerLine + 1 },
      details: own
        .slice(0, 5)
        .map(
          (x) =>
            `${x.location ? `line ${x.location.line}: ` : ''}cell '${x.cell}' column '${x.column}' first ` +
            `moved at ${x.firstMovedIso} (cut ${x.cut.iso})`,
        ),
      exitCode: ExitCode.Validation,
    });
  }
  return { report, blocked };
}
