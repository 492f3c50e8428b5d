import { relative } from 'node:path';
import { ExitCode, UserError, formatUserError, isUserError } from '../../errors';
import { requireModel } from '../../ml/models/registry';
import { pathSegmentProblem } from '../../runs/name';
import { diagnosticToUserError } from '../../notebook/userError';
import { PipelineSession } from '../../engine/session';
import { seedFromEnv } from '../../graph/settings';
import { createLogger, jsonLinesSink, levelFromEnv } from '../../log';
import type { CvValue } from '../../phases/cv';
import { formatCellError } from '../../graph/cellError';
import { intFlag, listFlag, numberFlag, parseFlags } from '../args';
import { codeAllowed, gateCode } from '../codeGate';
import { UsageError, type Command } from '../io';
import { formatOutcome } from '../render';
import { CLI_VALIDATE_CELL, featureSource } from '../synthetic';

const usage =
  'phasebook cv (--data OHLCV.csv|.parquet | --pipeline FILE.pipeline) --models ridge,gbdt,logistic ' +
  '--horizons 5,10,20 [--n-splits 5] [--task classification|regression] [--tune --n-trials 100] ' +
  '[--output-name NAME] [--seed N] [--allow-code]';

export const cvCommand: Command = {
  name: 'cv',
  summary: 'Cross-validate base models (purged k-fold) and keep their OOF predictions as stacking datasets.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        data: { type: 'string' },
        pipeline: { type: 'string' },
        models: { type: 'string' },
        horizons: { type: 'string' },
        'n-splits': { type: 'string' },
        task: { type: 'string' },
        tune: { type: 'boolean' },
        'n-trials': { type: 'string' },
        'output-name': { type: 'string' },
        seed: { type: 'string' },
        'pct-embargo': { type: 'string' },
        'allow-code': { type: 'boolean' },
      },
      usage,
    );
    const models = listFlag(values.models);
    if (!models?.length) throw new UserError('--models is required', {}, [`usage: ${usage}`]);
    const horizons = (listFlag(values.horizons) ?? ['20']).map((h) => {
      const n = Number(h);
      if (!Number.isInteger(n) || n < 1)
        throw new UserError(`--horizons takes whole numbers, got '${h}'`, {}, [`usage: ${usage}`]);
      return n;
    });
    // Checked before any data is read; the cells check again (the same words, from the flags).
    for (const m of models) {
      try {
        requireModel(m);
      } catch (e) {
        throw isUserError(e)
          ? new UserError(`--models '${values.models}': ${e.message}`, {}, [...e.details, `usage: ${usage}`])
          : e;
      }
    }
    const badName = values['output-name'] !== undefined ? pathSegmentProblem(values['output-name']) : undefined;
    if (badName) throw new UsageError(`--output-name '${values['output-name']}': ${badName}`, usage);
    const src = await featureSource(io, values, usage);
    const nb = src.nb
      .add(
        'labels',
        '__cli_labels',
        { from: src.featuresCell, horizons },
        { horizons: ['--horizons', values.horizons] },
      )
      .add(
        'cv',
        '__cli_cv',
        {
          from: '__cli_labels',
          models,
          horizons,
          task: values.task,
          n_splits: intFlag(values['n-splits'], 'n-splits', usage),
          pct_embargo:
            values['pct-embargo'] !== undefined ? numberFlag(values['pct-embargo'], 'pct-embargo', usage) : undefined,
          tune: values.tune
            ? { n_trials: intFlag(values['n-trials'], 'n-trials', usage) ?? 100, method: 'tpe' }
            : undefined,
          output_name: values['output-name'],
          rows: 'all',
        },
        {
          models: ['--models', values.models],
          horizons: ['--horizons', values.horizons],
          task: ['--task', values.task],
          n_splits: ['--n-splits', values['n-splits']],
          pct_embargo: ['--pct-embargo', values['pct-embargo']],
          tune: ['--n-trials', values['n-trials']],
          output_name: ['--output-name', values['output-name']],
        },
      );
    const seed = intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env);
    const session = new PipelineSession(nb.text, {
      notebookPath: src.notebookPath,
      baseDir: src.baseDir,
      log: createLogger([]),
      seed,
    });
    // A flag the cells reject is a usage error before any data is read; errors in the user's
    // notebook (--pipeline) are listed as `phasebook run` lists them.
    const flagged = nb.fromDiagnostics(session.parsed);
    if (flagged) throw new UsageError(flagged.message, usage);
    const own = session.parsed.diagnostics.find((d) => d.severity === 'error');
    if (own) throw diagnosticToUserError({ ...session.parsed, file: values.pipeline }, own);
    const note = gateCode(
      session.parsed,
      values.pipeline ?? 'phasebook-cli.pipeline',
      codeAllowed(values['allow-code'], io.env),
      `phasebook cv ${argv.join(' ')}`,
      ['__cli_cv'],
    );
    if (note) io.err(note);
    session.setLogger(
      createLogger([jsonLinesSink(`${session.roots.logs}/pipeline.log`)], levelFromEnv(io.env), { command: 'cv' }),
    );
    let quarantine: string[] = [];
    const report = await session.run({
      cells: ['__cli_cv'],
      onEvent: (e) => {
        if (e.type === 'progress' && io.tty)
          io.err(`\r\x1b[2K▶ ${e.cell} ${Math.round(e.fraction * 100)}% ${e.message ?? ''}`);
        if (e.type === 'finished') {
          if (io.tty) io.err('\r\x1b[2K');
          // The error is printed once, below, in the flag's words.
          io.err(
            formatOutcome(
              {
                cell: e.cell,
                status: e.status,
                durationMs: e.durationMs,
                result: e.result,
                error: e.status === 'failed' || (e.status === 'skipped' && nb.cells.has(e.cell)) ? undefined : e.error,
              },
              14,
            ) + '\n',
          );
          if (src.validated && e.cell === CLI_VALIDATE_CELL && e.result) quarantine = e.result.warnings;
        }
      },
    });
    const cv = report.outcomes.find((o) => o.cell === '__cli_cv');
    const value = cv?.result?.value as CvValue | undefined;
    if (!report.ok || !value) {
      const failed =
        report.outcomes.find((o) => o.error && o.status === 'failed') ?? report.outcomes.find((o) => o.error);
      if (failed?.error) {
        const flag = nb.fromCellError(failed.error);
        io.err(`phasebook cv: ${flag ? formatUserError(flag) : formatCellError(failed.error)}\n`);
      }
      return report.exitCode || ExitCode.Error;
    }
    const rel = (p: string) => relative(io.cwd, p) || '.';
    const h = value.horizons[value.horizons.length - 1];
    io.out(
      [
        ...(src.validated
          ? [
              `Validated ${values.data} against the ohlcv contract: ` +
                `${quarantine.length ? `quarantined ${quarantine.join('; ')}` : 'nothing quarantined'}`,
            ]
          : []),
        `CV Run ID: ${value.cvRunId}`,
        `Results saved to: ${rel(value.dir)}`,
        `Stacking datasets saved to: ${rel(value.dir)}/stacking`,
        ...Object.entries(cv?.result?.metrics ?? {}).map(([k, v]) => `  ${k}: ${v.toFixed(4)}`),
        '',
        'To train stacking on it:',
        `  phasebook train --model stacking --horizon ${h} --stacking-data ${value.cvRunId}`,
        '',
      ].join('\n'),
    );
    return ExitCode.Ok;
  },
};
