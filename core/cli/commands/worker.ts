import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../errors';
import { startFleetWorker } from '../../orchestrate/bullmq/fleetWorker';
import { parseRedisUrl } from '../../orchestrate/bullmq/redisUrl';
import { openStore } from '../../store/open';
import { intFlag, parseFlags } from '../args';
import { UsageError, type Command } from '../io';

const usage = 'phasebook worker --redis URL --store URL [--concurrency N] [--cache DIR] [--queue NAME] [--lock-ms N]';

/**
 * `phasebook worker`: one member of a fleet. Runs until SIGINT/SIGTERM, then finishes nothing
 * more (BullMQ hands its running jobs to other workers once their locks expire). Logs JSON lines
 * on stdout.
 */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run cells for `phasebook run --executor bullmq` coordinators (a fleet worker on Redis).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        redis: { type: 'string' },
        store: { type: 'string' },
        concurrency: { type: 'string' },
        cache: { type: 'string' },
        queue: { type: 'string' },
        'lock-ms': { type: 'string' },
      },
      usage,
    );
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`, usage);
    if (!values.redis || !values.store)
      throw new UsageError(`give ${!values.redis ? '--redis URL' : '--store URL'}`, usage);
    parseRedisUrl(values.redis);
    const concurrency = intFlag(values.concurrency, 'concurrency', usage) ?? 1;
    if (concurrency < 1) throw new UsageError('--concurrency takes a whole number >= 1', usage);
    const lockMs = intFlag(values['lock-ms'], 'lock-ms', usage);
    if (lockMs !== undefined && lockMs < 1000) throw new UsageError('--lock-ms takes at least 1000', usage);
    const store = openStore(values.store, io.cwd);
    const cacheDir = values.cache
      ? resolve(io.cwd, values.cache)
      : join(tmpdir(), `phasebook-worker-cache-${process.pid}`);
    const w = await startFleetWorker({
      redis: values.redis,
      store,
      cacheDir,
      concurrency,
      queue: values.queue,
      lockMs,
      log: (rec) => io.out(JSON.stringify(rec) + '\n'),
    });
    await new Promise<void>((ok) => {
      process.once('SIGINT', ok);
      process.once('SIGTERM', ok);
    });
    await w.close();
    return ExitCode.Ok;
  },
};
