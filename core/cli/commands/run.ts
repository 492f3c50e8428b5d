import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError, formatUserError } from '../../errors';
import { diagnosticToUserError } from '../../notebook/userError';
import { PipelineSession, type SessionOptions } from '../../engine/session';
import { ioFault } from '../../graph/faults';
import { readSettings, seedFromEnv } from '../../graph/settings';
import { executorFrom } from '../executorFlags';
import { createLogger, jsonLinesSink, levelFromEnv, textSink } from '../../log';
import { intFlag, parseFlags } from '../args';
import { codeAllowed, gateCode } from '../codeGate';
import type { Command } from '../io';
import { formatOutcome, progressLine } from '../render';
import { recordPipelineRun } from '../pipelineRun';
import { SETTINGS_KIND } from '../../spec/registry';

const usage = 'phasebook run FILE.pipeline [--cell NAME]... [--allow-code] [--force] [--seed N] [--jobs N] [--executor serial|local-pool|bullmq --redis URL --store URL]';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a .pipeline notebook headless (all cells, or --cell and what it needs).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      cell: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      'allow-code': { type: 'boolean' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      executor: { type: 'string' },
      redis: { type: 'string' },
      store: { type: 'string' },
    }, usage);
    if (positionals.length !== 1) throw new UserError('give exactly one .pipeline file', {}, [`usage: ${usage}`]);
    const file = resolve(io.cwd, positionals[0]);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError('notebook not found', { file: positionals[0] });
      throw ioFault(e) ?? e;
    }
    const seed = intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env);
    // The log file lives under the notebook's own roots, known once the session has parsed it.
    const jobs = intFlag(values.jobs, 'jobs', usage);
    const sessionOpts: SessionOptions = { notebookPath: file, log: createLogger([]), seed, jobs };
    const session = new PipelineSession(text, sessionOpts);
    // The executor may come from the notebook's settings block, known once the session has parsed it.
    const chosen = executorFrom({ kind: values.executor, redis: values.redis, store: values.store }, readSettings(session.parsed).executor, { cwd: io.cwd, jobs, usage });
    sessionOpts.executor = chosen.executor;
    const log = createLogger(
      [jsonLinesSink(resolve(session.roots.logs, 'pipeline.log')), ...(levelFromEnv(io.env) === 'debug' ? [textSink(io.err)] : [])],
      levelFromEnv(io.env),
      { notebook: file },
    );
    session.setLogger(log);
    // A notebook with errors (cycle, unknown `from`, duplicate names, bad keys) runs nothing and
    // records no pipeline run: every diagnostic is listed once, then exit 1.
    const errors = session.parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const lines = errors.map((d) => formatUserError(diagnosticToUserError({ ...session.parsed, file: positionals[0] }, d)));
      throw new UserError(`the notebook has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was run`, { file: positionals[0] }, lines);
    }
    if (!session.parsed.cells.some((c) => c.type !== 'markdown' && c.kind !== SETTINGS_KIND)) {
      throw new UserError('nothing to run: the notebook has no phase or ts cells', { file: positionals[0] }, ['add a cell such as `# %% load prices` with `source: data.csv`']);
    }
    const cells = values.cell;
    for (const c of cells ?? []) {
      if (!session.parsed.cells.some((x) => x.name === c)) {
        throw new UserError(`no cell named '${c}'`, { file: positionals[0] }, [`cells: ${session.parsed.cells.filter((x) => x.type !== 'markdown').map((x) => x.name).join(', ')}`]);
      }
    }
    const note = gateCode(session.parsed, positionals[0], codeAllowed(values['allow-code'], io.env), `phasebook run ${positionals[0]}`, cells);
    if (note) io.err(note);
    const width = Math.max(8, ...session.parsed.cells.map((c) => c.name.length));
    const started = new Date();
    log.info('pipeline started', { seed: session.seed, cells: cells ?? 'all' });
    const report = await session.run({
      cells,
      force: values.force,
      onEvent: (e) => {
        if (io.tty) {
          const p = progressLine(e);
          if (p) io.err(`\r\x1b[2K${p}`);
        }
        if (e.type === 'finished') {
          if (io.tty) io.err('\r\x1b[2K');
          io.out(formatOutcome({ cell: e.cell, status: e.status, durationMs: e.durationMs, result: e.result, error: e.error, note: e.note }, width) + '\n');
        }
      },
    });
    await chosen.store?.close();
    const run = await recordPipelineRun(session, report, { started, argv: ['run', ...argv] });
    log.info('pipeline finished', { ok: report.ok, exitCode: report.exitCode, run: run.id });
    const counts = report.outcomes.reduce<Record<string, number>>((m, o) => ({ ...m, [o.status]: (m[o.status] ?? 0) + 1 }), {});
    io.out(`\n${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')} — pipeline run ${run.id} (${run.status})\n`);
    return report.exitCode as ExitCode;
  },
};
