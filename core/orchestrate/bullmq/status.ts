/** `phasebook fleet status`: queue depth, workers, running jobs and recent failures, read from Redis. */
import { DEFAULT_QUEUE, type CellJobData } from './protocol';
import { parseRedisUrl, redactRedisUrl } from './redisUrl';

export interface FleetStatus {
  redis: string;
  queue: string;
  counts: Record<string, number>;
  workers: { name: string; addr: string; age: number }[];
  running: { cell: string; key: string; worker?: string; attempt: number; startedAt?: string }[];
  failures: { cell: string; key: string; reason: string; attempts: number; at?: string }[];
}

export async function readFleetStatus(
  redis: string,
  queueName = DEFAULT_QUEUE,
  timeoutMs = 5000,
): Promise<FleetStatus> {
  const { Queue } = await import('bullmq');
  const queue = new Queue(queueName, {
    connection: { ...parseRedisUrl(redis), maxRetriesPerRequest: 1, retryStrategy: () => null },
  });
  queue.on('error', () => undefined);
  try {
    let timer: NodeJS.Timeout | undefined;
    const unreachable = (why: string) => new Error(`cannot reach Redis at ${redactRedisUrl(redis)}: ${why}`);
    await Promise.race([
      queue.waitUntilReady().catch((e: Error) => Promise.reject(unreachable(e.message))),
      new Promise(
        (_, no) => (timer = setTimeout(() => no(unreachable(`no answer in ${timeoutMs / 1000} s`)), timeoutMs)),
      ),
    ]).finally(() => clearTimeout(timer));
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    // A worker holds more than one connection: one line per worker name.
    const seen = new Map<string, { name: string; addr: string; age: number }>();
    for (const w of await queue.getWorkers()) {
      const name = (w.rawname ?? '').split(':w:')[1] ?? w.rawname ?? '?';
      if (!seen.has(name)) seen.set(name, { name, addr: w.addr ?? '', age: Number(w.age ?? 0) });
    }
    const workers = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
    const running = (await queue.getActive(0, 99)).map((j) => ({
      cell: (j.data as CellJobData).cell,
      key: String(j.id),
      worker: j.processedBy,
      attempt: j.attemptsStarted,
      startedAt: j.processedOn ? new Date(j.processedOn).toISOString() : undefined,
    }));
    const failures = (await queue.getFailed(0, 9)).map((j) => ({
      cell: (j.data as CellJobData).cell,
      key: String(j.id),
      reason: j.failedReason,
      attempts: j.attemptsMade,
      at: j.finishedOn ? new Date(j.finishedOn).toISOString() : undefined,
    }));
    return { redis: redactRedisUrl(redis), queue: queueName, counts, workers, running, failures };
  } finally {
    await queue.close().catch(() => undefined);
  }
}

export function formatFleetStatus(s: FleetStatus): string {
  const c = s.counts;
  const lines = [
    `fleet on ${s.redis} (queue ${s.queue})`,
    `queue: ${c.waiting ?? 0} waiting, ${c.active ?? 0} running, ${(c.delayed ?? 0) + (c.prioritized ?? 0)} ` +
      `delayed (retry backoff), ${c.completed ?? 0} completed, ${c.failed ?? 0} failed`,
    `workers: ${s.workers.length}`,
    ...s.workers.map((w) => `  ${w.name}  ${w.addr}  connected ${w.age} s`),
  ];
  if (s.running.length)
    lines.push(
      'running:',
      ...s.running.map(
        (r) =>
          `  ${r.cell}  ${r.key.slice(0, 12)}  on ${r.worker ?? '?'}  attempt ` +
          `${r.attempt}${r.startedAt ? `  since ${r.startedAt}` : ''}`,
      ),
    );
  if (s.failures.length)
    lines.push(
      'recent failures:',
      ...s.failures.map((f) => `  ${f.cell}  ${f.key.slice(0, 12)}  after ${f.attempts} attempt(s): ${f.reason}`),
    );
  return lines.join('\n') + '\n';
}
