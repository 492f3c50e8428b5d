import { relative, resolve } from 'node:path';
import { ExitCode, UserError, formatUserError } from '../../errors';
import { diagnosticToUserError } from '../../notebook/userError';
import { PipelineSession } from '../../engine/session';
import { seedFromEnv } from '../../graph/settings';
import { createLogger, jsonLinesSink, levelFromEnv, textSink } from '../../log';
import { intFlag, parseFlags } from '../args';
import type { Command } from '../io';
import { readNotebookArg } from '../notebookArg';
import { codeAllowed, gateCode } from '../codeGate';
import { recordPipelineRun } from '../pipelineRun';
import type { AuditReport } from '../../audit/types';
import { isDataCell } from '../../audit/audit';

const usage = 'phasebook audit FILE.pipeline [--cell NAME]... [--seed N] [--json] [--allow-code]';

/** The report, one block per cell: verdict, then each finding with its line. */
export function formatAudit(r: AuditReport, cwd: string): string {
  const lines = [
    `causality audit: ${r.cuts.length} cut${r.cuts.length === 1 ? '' : 's'} ` +
      `(${r.cuts.map((c) => c.iso).join(', ') || 'none'}), ${r.recomputed} cell ` +
      `recomputation${r.recomputed === 1 ? '' : 's'}${r.recomputed === 0 ? ' (audit cache)' : ''}`,
  ];
  const w = Math.max(8, ...r.cells.map((c) => c.cell.length));
  for (const c of r.cells) {
    const mark = c.verdict === 'clean' ? '✓' : c.verdict === 'leak' ? '✗' : '?';
    lines.push(
      `${mark} ${c.cell.padEnd(w)}  ` +
        `${c.verdict === 'leak' ? 'look-ahead' : c.verdict}${c.reason ? ` — ${c.reason}` : ''}`,
    );
    for (const f of c.findings) {
      const at = f.location
        ? `${relative(cwd, f.location.file) || f.location.file}:${f.location.line}` +
          `${f.location.key ? ` key '${f.location.key}'` : ''}: `
        : '';
      lines.push(
        `    ${at}column '${f.column}' first moved at ${f.firstMovedIso}${f.symbol ? ` (${f.symbol})` : ''}, ` +
          `cut ${f.cut.iso}, ${f.rowsMoved}/${f.rowsCompared} rows` +
          `${f.label ? ' (label: compared up to the cut minus its horizon)' : ''}` +
          `${f.inheritedFrom ? ` — inherited from cell '${f.inheritedFrom}'` : ''}`,
      );
    }
  }
  const leaks = r.cells.filter((c) => c.verdict === 'leak').length;
  lines.push(
    '',
    leaks
      ? `${leaks} cell${leaks === 1 ? '' : 's'} look${leaks === 1 ? 's' : ''} ahead`
      : r.verdict === 'clean'
        ? 'every cell is causal'
        : 'no look-ahead found; some cells could not be audited',
  );
  return lines.join('\n') + '\n';
}

export const auditCommand: Command = {
  name: 'audit',
  summary:
    "Audit a notebook's data cells for look-ahead (perturb the future, recompute, compare the past); exit 2 on a leak.",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        cell: { type: 'string', multiple: true },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        'allow-code': { type: 'boolean' },
      },
      usage,
    );
    const { file, text } = await readNotebookArg(positionals, io.cwd, usage);
    const seed = intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env);
    const session = new PipelineSession(text, { notebookPath: file, log: createLogger([]), seed });
    session.setLogger(
      createLogger(
        [
          jsonLinesSink(resolve(session.roots.logs, 'pipeline.log')),
          ...(levelFromEnv(io.env) === 'debug' ? [textSink(io.err)] : []),
        ],
        levelFromEnv(io.env),
        { notebook: file, command: 'audit' },
      ),
    );
    const errors = session.parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const lines = errors.map((d) =>
        formatUserError(diagnosticToUserError({ ...session.parsed, file: positionals[0] }, d)),
      );
      throw new UserError(
        `the notebook has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was audited`,
        { file: positionals[0] },
        lines,
      );
    }
    for (const c of values.cell ?? []) {
      const cell = session.parsed.cells.find((x) => x.name === c);
      if (!cell)
        throw new UserError(`no cell named '${c}'`, { file: positionals[0] }, [
          `cells: ${session.parsed.cells
            .filter((x) => x.type !== 'markdown')
            .map((x) => x.name)
            .join(', ')}`,
        ]);
      if (!isDataCell(cell))
        throw new UserError(
          `--cell ${c}: a '${cell.kind}' cell makes no time-stamped data to audit; audit a data cell (load, ` +
            `validate, align, preprocess, features, labels, split, scale, export, import, ts)`,
          { file: positionals[0] },
        );
    }
    // The audit recomputes the cells, ts cells included: the same gate as `phasebook run`.
    const note = gateCode(
      session.parsed,
      positionals[0] as string,
      codeAllowed(values['allow-code'], io.env),
      `phasebook audit ${positionals[0]}`,
      values.cell,
    );
    if (note) io.err(note);
    const started = new Date();
    const report = await session.audit(values.cell);
    if (!report.cells.length)
      throw new UserError('nothing to audit: the notebook has no data cells', { file: positionals[0] });
    const exitCode = report.verdict === 'leak' ? ExitCode.Validation : ExitCode.Ok;
    const run = await recordPipelineRun(
      session,
      { ok: exitCode === ExitCode.Ok, exitCode, outcomes: [], audit: report },
      { started, argv: ['audit', ...argv] },
    );
    if (values.json) io.out(JSON.stringify(report, null, 2) + '\n');
    else io.out(formatAudit(report, io.cwd) + `pipeline run ${run.id} (${run.status})\n`);
    return exitCode;
  },
};
