/**
 * The `phasebook train` command line that reproduces a stacking run trained outside the CLI (the
 * "Train stacking" CodeLens, through the kernel): its lineage shows this instead of a command that
 * does not exist. Roots other than the defaults under `baseDir` are passed explicitly. Pure.
 */
import { resolve } from 'node:path';
import { resolveRoots } from '../../runs/roots';
import type { TrainStackingOptions } from './train';

export type ReproducibleStacking = Pick<
  TrainStackingOptions,
  'cvRunId' | 'horizon' | 'metaLearner' | 'seed' | 'baseDir' | 'stackingRoot' | 'runsRoot'
>;

/** Arguments after `phasebook` (RunSource.cli). */
export function trainStackingArgs(o: ReproducibleStacking): string[] {
  const defaults = resolveRoots(o.baseDir);
  const args = [
    'train',
    '--model',
    'stacking',
    '--horizon',
    String(o.horizon),
    '--stacking-data',
    o.cvRunId,
    ...(o.metaLearner ? ['--meta-learner', o.metaLearner] : []),
    '--seed',
    String(o.seed),
    '--dir',
    o.baseDir,
  ];
  if (resolve(o.baseDir, o.stackingRoot) !== defaults.stacking)
    args.push('--stacking-root', resolve(o.baseDir, o.stackingRoot));
  if (resolve(o.baseDir, o.runsRoot) !== defaults.runs) args.push('--runs-root', resolve(o.baseDir, o.runsRoot));
  return args;
}
