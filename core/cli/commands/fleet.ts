import { DEFAULT_QUEUE } from '../../orchestrate/bullmq/protocol';
import { formatFleetStatus, readFleetStatus } from '../../orchestrate/bullmq/status';
import { ExitCode, UserError } from '../../errors';
import { parseFlags } from '../args';
import { UsageError, type Command } from '../io';

const usage = 'phasebook fleet status --redis URL [--queue NAME] [--json]';

export const fleetCommand: Command = {
  name: 'fleet',
  summary: 'Show a worker fleet: queue depth, workers, running jobs, failures.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { redis: { type: 'string' }, queue: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    if (positionals[0] !== 'status' || positionals.length !== 1)
      throw new UsageError(
        positionals.length ? `unknown fleet command '${positionals.join(' ')}'` : 'give a fleet command: status',
        usage,
      );
    const redis = values.redis ?? io.env.PHASEBOOK_REDIS;
    if (!redis) throw new UsageError('give --redis URL (or set PHASEBOOK_REDIS)', usage);
    let s;
    try {
      s = await readFleetStatus(redis, values.queue ?? DEFAULT_QUEUE);
    } catch (e) {
      throw new UserError((e as Error).message, {}, ['start redis-server, or check --redis']);
    }
    io.out(values.json ? JSON.stringify(s, null, 2) + '\n' : formatFleetStatus(s));
    return ExitCode.Ok;
  },
};
