import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError, formatUserError } from '../../errors';
import { diagnosticToUserError } from '../../notebook/userError';
import { PipelineSession, type SessionOptions } from '../../engine/session';
import { ioFault } from '../../graph/faults';
import { readSettings, seedFromEnv } from '../../graph/settings';
import { executorFrom } from '../../engine/executorChoice';
import { settingsCellAt } from '../../engine/executorSettings';
import { createLogger, jsonLinesSink, levelFromEnv, textSink } from '../../log';
import { intFlag, parseFlags } from '../args';
import { codeAllowed, gateCode } from '../codeGate';
import { UsageError, type Command } from '../io';
import { readNotebookArg } from '../notebookArg';
import { formatOutcome, progressLine } from '../render';
import { recordPipelineRun } from '../pipelineRun';
import { SETTINGS_KIND } from '../../spec/registry';
import { readOverrides, type CellOverrides } from '../../notebook/overrides';
import { branchTargets } from '../branchSelect';
import type { AuditReport } from '../../audit/types';

/** One line on the gate's audit: what was checked, and what it cost (the details: `phasebook audit`). */
function auditLine(a: AuditReport): string {
  const by = (v: string) => a.cells.filter((c) => c.verdict === v).map((c) => c.cell);
  const leaks = by('leak');
  const unsure = by('inconclusive');
  const cost = a.recomputed
    ? `${a.recomputed} recomputations on perturbed input, ${(a.durationMs / 1000).toFixed(1)} s`
    : 'from the audit cache';
  const head =
    `causality audit (${a.mode}): ${a.cells.length} cell${a.cells.length === 1 ? '' : 's'} above the model ` +
    `cells, ${a.cuts.length} cuts, ${cost}`;
  const verdict = leaks.length
    ? `look-ahead in ${leaks.join(', ')}${a.downgraded ? ' (audit: warn let the run go on)' : ''}`
    : unsure.length
      ? `no look-ahead found; not decided: ${unsure.join(', ')}`
      : 'every cell causal';
  return `${head} — ${verdict}`;
}

const usage =
  'phasebook run FILE.pipeline [--cell NAME]... [--scenario S] [--model M] [--config OVERRIDES.yaml] ' +
  '[--allow-code] [--force] [--seed N] [--jobs N] [--executor serial|local-pool|bullmq --redis URL --store ' +
  'URL]';

/** The `--config FILE.yaml` overrides, read and parsed (checked against the cells once the notebook is parsed). */
async function overridesFrom(path: string | undefined, cwd: string): Promise<CellOverrides | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UserError('overrides file not found', { file: path }, [
        '--config names a YAML file of cell keys, e.g. `train: { alpha: 0.5 }`',
      ]);
    throw ioFault(e) ?? e;
  }
  return readOverrides(text, path);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a .pipeline notebook headless (all cells, or --cell and what it needs).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        cell: { type: 'string', multiple: true },
        scenario: { type: 'string' },
        model: { type: 'string' },
        config: { type: 'string' },
        force: { type: 'boolean' },
        'allow-code': { type: 'boolean' },
        seed: { type: 'string' },
        jobs: { type: 'string' },
        executor: { type: 'string' },
        redis: { type: 'string' },
        store: { type: 'string' },
      },
      usage,
    );
    const { file, text } = await readNotebookArg(positionals, io.cwd, usage);
    const seed = intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env);
    // The log file lives under the notebook's own roots, known once the session has parsed it.
    const jobs = intFlag(values.jobs, 'jobs', usage);
    const overrides = await overridesFrom(values.config, io.cwd);
    const sessionOpts: SessionOptions = { notebookPath: file, log: createLogger([]), seed, jobs, overrides };
    const session = new PipelineSession(text, sessionOpts);
    // The executor may come from the notebook's settings block, known once the session has parsed it.
    const flagOf = { kind: '--executor', redis: '--redis', store: '--store' } as const;
    const block = settingsCellAt(session.parsed, positionals[0]);
    const chosen = executorFrom(
      [
        { choice: { kind: values.executor, redis: values.redis, store: values.store }, label: (f) => flagOf[f] },
        { choice: readSettings(session.parsed).executor, label: block.label },
      ],
      { cwd: io.cwd, jobs },
      (message, at, details) =>
        at.source === 0 ? new UsageError(message, usage) : block.error(message, at.field, details),
    );
    sessionOpts.executor = chosen.executor;
    const log = createLogger(
      [
        jsonLinesSink(resolve(session.roots.logs, 'pipeline.log')),
        ...(levelFromEnv(io.env) === 'debug' ? [textSink(io.err)] : []),
      ],
      levelFromEnv(io.env),
      { notebook: file },
    );
    session.setLogger(log);
    // A notebook with errors (cycle, unknown `from`, duplicate names, bad keys) runs nothing and
    // records no pipeline run: every diagnostic is listed once, then exit 1.
    const errors = session.parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const lines = errors.map((d) =>
        formatUserError(diagnosticToUserError({ ...session.parsed, file: positionals[0] }, d)),
      );
      throw new UserError(
        `the notebook has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was run`,
        { file: positionals[0] },
        lines,
      );
    }
    if (!session.parsed.cells.some((c) => c.type !== 'markdown' && c.kind !== SETTINGS_KIND)) {
      throw new UserError('nothing to run: the notebook has no phase or ts cells', { file: positionals[0] }, [
        'add a cell such as `# %% load prices` with `source: data.csv`',
      ]);
    }
    const cells = values.cell;
    for (const c of cells ?? []) {
      if (!session.parsed.cells.some((x) => x.name === c)) {
        throw new UserError(`no cell named '${c}'`, { file: positionals[0] }, [
          `cells: ${session.parsed.cells
            .filter((x) => x.type !== 'markdown')
            .map((x) => x.name)
            .join(', ')}`,
        ]);
      }
    }
    const note = gateCode(
      session.parsed,
      positionals[0],
      codeAllowed(values['allow-code'], io.env),
      `phasebook run ${positionals[0]}`,
      cells,
    );
    if (note) io.err(note);
    const filter = {
      ...(values.scenario ? { scenario: values.scenario } : {}),
      ...(values.model ? { model: values.model } : {}),
    };
    const branch = branchTargets(session.expansion, session.parsed.cells, cells, filter, usage);
    if (branch?.skipped.length)
      io.out(
        `(${branch.skipped.join(', ')} gather${branch.skipped.length === 1 ? 's' : ''} every branch: not run ` +
          `for one branch)\n`,
      );
    const width = Math.max(8, ...(branch?.cells ?? session.parsed.cells.map((c) => c.name)).map((c) => c.length));
    const started = new Date();
    log.info('pipeline started', { seed: session.seed, cells: branch?.cells ?? cells ?? 'all' });
    // Ctrl-C (SIGINT) cancels: queued cells never start, running ones are signalled (on a fleet:
    // queued jobs removed from Redis, running jobs told to stop), and the run is recorded as
    // cancelled, never complete. A second Ctrl-C quits at once (the listener is gone by then).
    const cancel = new AbortController();
    const onSigint = (): void => {
      io.err(
        '\ncancelling: queued cells will not start, running cells are being stopped (Ctrl-C again to quit at once)\n',
      );
      cancel.abort();
    };
    process.once('SIGINT', onSigint);
    io.signal?.addEventListener('abort', () => cancel.abort(), { once: true });
    const report = await session
      .run({
        cells: branch?.cells ?? cells,
        force: values.force,
        signal: cancel.signal,
        onEvent: (e) => {
          if (io.tty) {
            const p = progressLine(e);
            if (p) io.err(`\r\x1b[2K${p}`);
          }
          if (e.type === 'finished') {
            if (io.tty) io.err('\r\x1b[2K');
            io.out(formatOutcome(e, width) + '\n');
          }
        },
      })
      .finally(() => process.off('SIGINT', onSigint));
    await chosen.store?.close();
    const run = await recordPipelineRun(session, report, {
      started,
      argv: ['run', ...argv],
      overrides,
      branch: filter,
      cancelled: cancel.signal.aborted,
    });
    log.info('pipeline finished', { ok: report.ok, exitCode: report.exitCode, run: run.id });
    if (report.audit) io.out(`\n${auditLine(report.audit)}\n`);
    const counts = report.outcomes.reduce<Record<string, number>>(
      (m, o) => ({ ...m, [o.status]: (m[o.status] ?? 0) + 1 }),
      {},
    );
    io.out(
      `\n${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} — pipeline run ${run.id} (${cancel.signal.aborted ? 'cancelled' : run.status})\n`,
    );
    return report.exitCode as ExitCode;
  },
};
