import { relative, resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { seedFromEnv } from '../../graph/settings';
import { createLogger, jsonLinesSink, levelFromEnv } from '../../log';
import { trainStacking } from '../../ml/stacking/train';
import { resolveRoots } from '../../runs/roots';
import { intFlag, listFlag, parseFlags } from '../args';
import type { Command } from '../io';
import { formatStackingResult } from '../stackingReport';
import { cvCommand } from './cv';
import { runTrainCell } from './trainCell';

const usage =
  'phasebook train --model stacking --horizon 20 (--stacking-data CV_RUN_ID | --base-models a,b (--data FILE ' +
  '| --pipeline FILE)) [--meta-learner nonneg|logistic|ridge|gbdt] [--seed N] [--dir PROJECT] ' +
  '[--stacking-root DIR] [--runs-root DIR]\n' +
  '       phasebook train (--top-n N [--checkpoint-metric val_loss] | --from-checkpoint RUN_ID[@STEP]|FILE) ' +
  '[--pipeline FILE] [--cell NAME] [--allow-code] [--seed N] [--dir PROJECT]';

export const trainCommand: Command = {
  name: 'train',
  summary:
    "Train a stacking meta-learner on a CV run's out-of-fold predictions, or a notebook train cell with " +
    'top-N checkpoints / from a checkpoint.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        model: { type: 'string' },
        horizon: { type: 'string' },
        'stacking-data': { type: 'string' },
        'meta-learner': { type: 'string' },
        'base-models': { type: 'string' },
        data: { type: 'string' },
        pipeline: { type: 'string' },
        seed: { type: 'string' },
        dir: { type: 'string' },
        'n-splits': { type: 'string' },
        'top-n': { type: 'string' },
        'checkpoint-metric': { type: 'string' },
        'from-checkpoint': { type: 'string' },
        cell: { type: 'string' },
        'stacking-root': { type: 'string' },
        'runs-root': { type: 'string' },
        'allow-code': { type: 'boolean' },
      },
      usage,
    );
    if (values['top-n'] !== undefined || values['from-checkpoint'] !== undefined || values.cell !== undefined) {
      if (values.model !== undefined && values.model !== 'stacking')
        throw new UserError("--model is the train cell's own key here: leave it out", {}, [`usage: ${usage}`]);
      const topN = intFlag(values['top-n'], 'top-n', usage);
      if (topN !== undefined && topN < 1)
        throw new UserError(`--top-n takes a whole number >= 1, got ${topN}`, {}, [`usage: ${usage}`]);
      return runTrainCell(
        {
          pipeline: values.pipeline,
          cell: values.cell,
          topN,
          metric: values['checkpoint-metric'],
          fromCheckpoint: values['from-checkpoint'],
          seed: intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env),
          dir: values.dir,
          argv,
          allowCode: values['allow-code'],
        },
        io,
        usage,
      );
    }
    if (values.model !== 'stacking')
      throw new UserError(
        values.model
          ? `--model '${values.model}' is not trainable from the command line yet; use a notebook \`train\` cell`
          : '--model is required',
        {},
        [`usage: ${usage}`],
      );
    const horizon = intFlag(values.horizon, 'horizon', usage);
    if (horizon === undefined) throw new UserError('--horizon is required', {}, [`usage: ${usage}`]);
    const seed = intFlag(values.seed, 'seed', usage) ?? seedFromEnv(io.env) ?? 42;
    const base = resolve(io.cwd, values.dir ?? '.');
    // Roots other than the defaults under --dir (a notebook's `roots:`), relative to --dir or absolute.
    const roots = resolveRoots(base, {
      ...(values['stacking-root'] ? { stacking: values['stacking-root'] } : {}),
      ...(values['runs-root'] ? { runs: values['runs-root'] } : {}),
    });
    let cvRunId = values['stacking-data'];
    if (!cvRunId) {
      const baseModels = listFlag(values['base-models']);
      if (!baseModels?.length)
        throw new UserError(
          'give --stacking-data CV_RUN_ID, or --base-models a,b with --data/--pipeline to generate the OOF ' +
            'predictions first',
          {},
          [`usage: ${usage}`],
        );
      io.err('No --stacking-data: generating out-of-fold predictions with a CV run first (slower path).\n');
      const cvArgs = ['--models', baseModels.join(','), '--horizons', String(horizon), '--seed', String(seed)];
      if (values.data) cvArgs.push('--data', values.data);
      if (values.pipeline) cvArgs.push('--pipeline', values.pipeline);
      if (values['n-splits']) cvArgs.push('--n-splits', values['n-splits']);
      let out = '';
      const code = await cvCommand.run(cvArgs, {
        ...io,
        out: (s) => {
          out += s;
          io.err(s);
        },
      });
      if (code !== ExitCode.Ok) return code;
      cvRunId = /CV Run ID: (\S+)/.exec(out)?.[1];
      if (!cvRunId) throw new Error('cv did not report a run id');
    }
    const log = createLogger([jsonLinesSink(resolve(roots.logs, 'pipeline.log'))], levelFromEnv(io.env), {
      command: 'train',
    });
    const r = await trainStacking({
      stackingRoot: roots.stacking,
      runsRoot: roots.runs,
      cvRunId,
      horizon,
      metaLearner: values['meta-learner'],
      seed,
      source: { cli: ['train', ...argv] },
      baseDir: base,
      log,
      progress: io.tty ? (f, m) => io.err(`\r\x1b[2K▶ stacking ${Math.round(f * 100)}% ${m ?? ''}`) : undefined,
    });
    if (io.tty) io.err('\r\x1b[2K');
    io.out(formatStackingResult(r, (p) => relative(io.cwd, p) || '.'));
    return ExitCode.Ok;
  },
};
