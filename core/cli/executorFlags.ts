/**
 * `--executor serial|local-pool|bullmq [--redis URL --store URL]`, or the notebook's
 * `executor:` settings block (the flags win): the executor a CLI run hands its computed cells to.
 */
import { BullmqExecutor } from '../orchestrate/bullmq/executor';
import type { Executor } from '../orchestrate/executor';
import { LocalPoolExecutor } from '../orchestrate/pool';
import { SerialExecutor } from '../orchestrate/serial';
import { openJobSession } from '../engine/session';
import { openStore } from '../store/open';
import type { ArtifactStore } from '../store/types';
import { UsageError } from './io';

export const EXECUTOR_KINDS = ['serial', 'local-pool', 'bullmq'] as const;

export interface ExecutorChoice {
  kind?: string;
  redis?: string;
  store?: string;
}

export function executorFrom(
  flags: ExecutorChoice,
  settings: ExecutorChoice | undefined,
  opts: { cwd: string; jobs?: number; usage: string },
): { executor?: Executor; store?: ArtifactStore } {
  const kind = flags.kind ?? settings?.kind;
  const redis = flags.redis ?? settings?.redis;
  const storeUrl = flags.store ?? settings?.store;
  if (kind === undefined) {
    if (flags.redis || flags.store) throw new UsageError('--redis and --store go with --executor bullmq', opts.usage);
    return {};
  }
  if (!(EXECUTOR_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`--executor takes ${EXECUTOR_KINDS.join(', ')}; got '${kind}'`, opts.usage);
  if (kind === 'serial') return { executor: new SerialExecutor(openJobSession) };
  if (kind === 'local-pool') return { executor: new LocalPoolExecutor({ size: opts.jobs }) };
  if (!redis || !storeUrl)
    throw new UsageError(
      `the bullmq executor needs ${!redis ? '--redis URL' : '--store URL'} (or redis:/store: in the ` +
        `notebook's executor settings)`,
      opts.usage,
    );
  const store = openStore(storeUrl, opts.cwd);
  return { executor: new BullmqExecutor({ redis, store }), store };
}
