import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { metricsDbPath, queryMetrics, type TableResult } from '../../orchestrate/metricsDb';
import { resolveRoots } from '../../runs/roots';
import { renderTable } from '../../runs/table';
import { parseFlags } from '../args';
import type { Command } from '../io';

const usage = 'phasebook query "SQL" [--json] [--db FILE] [--dir PROJECT]';

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return String(v);
}

/** Rows as objects (the --json form and the palette command's table). */
export function tableRecords(t: TableResult): Record<string, unknown>[] {
  return t.rows.map((r) =>
    Object.fromEntries(
      t.columns.map((c, i) => [
        c,
        r[i] instanceof Uint8Array ? Buffer.from(r[i] as Uint8Array).toString('base64') : r[i],
      ]),
    ),
  );
}

export function formatQueryTable(t: TableResult): string {
  if (!t.columns.length) return '(no rows)';
  return `${renderTable(
    t.columns,
    t.rows.map((r) => r.map(cellText)),
  )}(${t.rows.length} row${t.rows.length === 1 ? '' : 's'})`;
}

export const queryCommand: Command = {
  name: 'query',
  summary: 'Run SQL on artifacts/metrics.db (tables executions, cells, metrics; view latest_metrics).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { json: { type: 'boolean' }, db: { type: 'string' }, dir: { type: 'string' } },
      usage,
    );
    if (positionals.length !== 1)
      throw new UserError('give exactly one SQL statement (quote it)', {}, [
        `usage: ${usage}`,
        "e.g. phasebook query \"SELECT scenario, model, value FROM latest_metrics WHERE metric = 'rmse' " +
          'ORDER BY value"',
      ]);
    const db = values.db
      ? resolve(io.cwd, values.db)
      : metricsDbPath(resolveRoots(resolve(io.cwd, values.dir ?? '.')).artifacts);
    const t = await queryMetrics(db, positionals[0]);
    io.out(values.json ? `${JSON.stringify(tableRecords(t), null, 2)}\n` : `${formatQueryTable(t)}\n`);
    return ExitCode.Ok;
  },
};
