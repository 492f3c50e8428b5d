/**
 * The fleet tests' machinery: a real redis-server on 127.0.0.1 on a free port (started and
 * stopped by pid), fleet workers as `phasebook worker` processes on this machine, and an S3
 * stand-in (s3rver) on loopback. Everything is torn down by the pids this file started.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkerProcess, type WorkerHandle } from '../../shared/fleet';

export { hasRedis, startRedis, type RedisHandle, type WorkerHandle } from '../../shared/fleet';

const WORKER_MAIN = join(__dirname, 'workerMain.ts');

/** `phasebook worker ...` from the sources (tsx), as its own process (as another user when `as` is given). */
export function startWorker(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  as?: { uid: number; gid: number },
): Promise<WorkerHandle> {
  return startWorkerProcess({ file: process.execPath, args: ['--import', 'tsx', WORKER_MAIN] }, args, env, as);
}

/** A local S3-compatible server (s3rver) on loopback with one bucket: a stand-in for S3 in tests only. */
export async function startS3(bucket: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { default: S3rver } = await import('s3rver');
  const srv = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: mkdtempSync(join(tmpdir(), 'pb-s3-')),
    configureBuckets: [{ name: bucket }],
  });
  const addr = await srv.run();
  return { endpoint: `http://127.0.0.1:${addr.port}`, close: () => srv.close() };
}
