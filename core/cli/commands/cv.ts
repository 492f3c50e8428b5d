import { relative } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { PipelineSession } from '../../engine/session';
import { seedFromEnv } from '../../graph/settings';
import { createLogger, jsonLinesSink, levelFromEnv } from '../../log';
import type { CvValue } from '../../phases/cv';
import { formatCellError } from '../../graph/cellError';
import { intFlag, listFlag, parseFlags } from '../args';
import type { Command } from '../io';
import { formatOutcome } from '../render';
import { appendCell, featureSource } from '../synthetic';

const usage = 'phasebook cv (--data OHLCV.csv|.parquet | --pipeline FILE.pipeline) --models ridge,gbdt,logistic --horizons 5,10,20 [--n-splits 5] [--task classification|regression] [--tune --n-trials 100] [--output-name NAME] [--seed N]';

export const cvCommand: Command = {
  name: 'cv',
  summary: 'Cross-validate base models (purged k-fold) and keep their OOF predictions as stacking datasets.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      data: { type: 'string' }, pipeline: { type: 'string' }, models: { type: 'string' }, horizons: { type: 'string' },
      'n-splits': { type: 'string' }, task: { type: 'string' }, tune: { type: 'boolean' }, 'n-trials': { type: 'string' },
      'output-name': { type: 'string' }, seed: { type: 'string' }, 'pct-embargo': { type: 'string' },
    }, usage);
    const models = listFlag(values.models);
    if (!models?.length) throw new UserError('--models is required', {}, [`usage: ${usage}`]);
    const horizons = (listFlag(values.horizons) ?? ['20']).map((h) => {
      const n = Number(h);
      if (!Number.isInteger(n) || n < 1) throw new UserError(`--horizons takes whole numbers, got '${h}'`, {}, [`usage: ${usage}`]);
      return n;
    });
    const src = await featureSource(io, values, usage);
    let text = appendCell(src.text, 'labels __cli_labels', { from: src.featuresCell, horizons });
    text = appendCell(text, 'cv __cli_cv', {
      from: '__cli_labels',
      models,
      horizons,
      task: values.task,
      n_splits: intFlag(values['n-splits'], 'n-splits', usage),
      pct_embargo: values['pct-embargo'] !== undefined ? Number(values['pct-embargo']) : undefined,
      tune: values.tune ? { n_trials: intFlag(values['n-trials'], 'n-trials', usage) ?? 100, method: 'tpe' } : undefined,
      output_name: values['output-name'],
      rows: 'all',
    });
    const seed = intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env);
    const session = new PipelineSession(text, { notebookPath: src.notebookPath, baseDir: src.baseDir, log: createLogger([]), seed });
    session.setLogger(createLogger([jsonLinesSink(`${session.roots.logs}/pipeline.log`)], levelFromEnv(io.env), { command: 'cv' }));
    const report = await session.run({
      cells: ['__cli_cv'],
      onEvent: (e) => {
        if (e.type === 'progress' && io.tty) io.err(`\r\x1b[2K▶ ${e.cell} ${Math.round(e.fraction * 100)}% ${e.message ?? ''}`);
        if (e.type === 'finished') {
          if (io.tty) io.err('\r\x1b[2K');
          io.err(formatOutcome({ cell: e.cell, status: e.status, durationMs: e.durationMs, result: e.result, error: e.error }, 14) + '\n');
        }
      },
    });
    const cv = report.outcomes.find((o) => o.cell === '__cli_cv');
    const value = cv?.result?.value as CvValue | undefined;
    if (!report.ok || !value) {
      const failed = report.outcomes.find((o) => o.error && o.status === 'failed') ?? report.outcomes.find((o) => o.error);
      if (failed?.error) io.err(`phasebook cv: ${formatCellError(failed.error)}\n`);
      return report.exitCode || ExitCode.Error;
    }
    const rel = (p: string) => relative(io.cwd, p) || '.';
    const h = value.horizons[value.horizons.length - 1];
    io.out([
      `CV Run ID: ${value.cvRunId}`,
      `Results saved to: ${rel(value.dir)}`,
      `Stacking datasets saved to: ${rel(value.dir)}/stacking`,
      ...Object.entries(cv?.result?.metrics ?? {}).map(([k, v]) => `  ${k}: ${v.toFixed(4)}`),
      '',
      'To train stacking on it:',
      `  phasebook train --model stacking --horizon ${h} --stacking-data ${value.cvRunId}`,
      '',
    ].join('\n'));
    return ExitCode.Ok;
  },
};
