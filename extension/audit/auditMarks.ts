/**
 * A causality audit report (core/audit/types.ts) as marks on the editor cells: a diagnostic on
 * each leaking cell at the line of its key (phase cells) or of the ts code naming the column,
 * a "look-ahead" badge on it, a check on the cells that audited clean. Findings a cell only
 * inherited from an upstream leak (`inheritedFrom`) mark nothing: the leak is upstream. Pure.
 */
import type { AuditFinding, AuditReport } from '../../core/audit/types';
import type { NotebookModel } from '../notebook/cellText';

export interface AuditMark {
  editorIndex: number;
  /** 0-based line in the editor cell's text. */
  line: number;
  message: string;
  finding: AuditFinding;
}

export type AuditBadge = 'look-ahead' | 'clean' | 'inconclusive';

export interface AuditMarks {
  diagnostics: AuditMark[];
  /** Per editor cell index. */
  badges: Map<number, { badge: AuditBadge; tooltip: string }>;
}

/**
 * The editor line of a 1-based whole-file line inside parsed cell `cellIndex` (0 when it falls outside the cell's
 * text).
 */
function editorLine(model: NotebookModel, cellIndex: number, fileLine: number | undefined): number {
  const cell = model.parsed.cells[cellIndex];
  const place = model.places[cellIndex];
  if (!cell || !place || fileLine === undefined) return Math.max(0, place?.headerValueLine ?? 0);
  const l = fileLine - 1;
  const rel = place.headerValueLine >= 0 ? place.headerValueLine + (l - cell.headerLine) : l - cell.bodyLine;
  return Math.max(0, rel);
}

function describe(f: AuditFinding): string {
  const where = f.symbol ? ` (${f.symbol})` : '';
  return (
    `look-ahead: ${f.column === '(rows)' ? 'the rows' : `column '${f.column}'`} at ` +
    `${f.firstMovedIso}${where} changed when every input row after ${f.cut.iso} was replaced ` +
    `(${f.rowsMoved.toLocaleString('en-US')} of ${f.rowsCompared.toLocaleString('en-US')} rows at or before ` +
    `the cut moved): this cell reads the future`
  );
}

export function auditMarks(report: AuditReport, model: NotebookModel): AuditMarks {
  const diagnostics: AuditMark[] = [];
  const badges = new Map<number, { badge: AuditBadge; tooltip: string }>();
  for (const c of report.cells) {
    const place = model.places[c.cellIndex];
    if (!place) continue;
    const own = c.findings.filter((f) => !f.inheritedFrom);
    if (c.verdict === 'leak' && own.length) {
      for (const f of own)
        diagnostics.push({
          editorIndex: place.editorIndex,
          line: editorLine(model, c.cellIndex, f.location?.line),
          message: describe(f),
          finding: f,
        });
      badges.set(place.editorIndex, {
        badge: 'look-ahead',
        tooltip:
          `Causality audit: ${own.map((f) => `'${f.column}'`).join(', ')} read${own.length === 1 ? 's' : ''} ` +
          `rows after the cut (first moved ${own[0].firstMovedIso}, cut ${own[0].cut.iso}).`,
      });
    } else if (c.verdict === 'clean' && !badges.has(place.editorIndex)) {
      badges.set(place.editorIndex, {
        badge: 'clean',
        tooltip:
          `Causality audit: clean — output at or before each of ${report.cuts.length} cuts unchanged when the ` +
          `rows after it were replaced.`,
      });
    } else if (c.verdict === 'inconclusive' && !badges.has(place.editorIndex)) {
      badges.set(place.editorIndex, {
        badge: 'inconclusive',
        tooltip: `Causality audit inconclusive: ${c.reason ?? 'no reason given'}`,
      });
    }
  }
  return { diagnostics, badges };
}

/**
 * The audit report in a run.json (top-level `audit`, or `meta.audit` where the run store keeps it), when it is of a
 * known version.
 */
export function auditOfManifest(json: unknown): AuditReport | undefined {
  const m = json as { audit?: unknown; meta?: { audit?: unknown } } | null;
  const a = (m?.audit ?? m?.meta?.audit) as Partial<AuditReport> | undefined;
  if (!a || typeof a !== 'object' || a.version !== 1 || typeof a.notebook !== 'string' || !Array.isArray(a.cells))
    return undefined;
  return a as AuditReport;
}
