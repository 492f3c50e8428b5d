/** Runs cases in a child process (runAll.ts); as root, as user nobody so permissions apply. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Captured } from './harness';

export interface ChildRun {
  raw: string;
  results: Map<string, Omit<Captured, 'dir'>>;
  status: number | null;
}

export function runChild(ids: string[] = []): ChildRun {
  const root = process.getuid?.() === 0;
  const node = [process.execPath, '--import', 'tsx', join(__dirname, 'runAll.ts'), ...ids];
  const [cmd, ...args] = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  const r = spawnSync(cmd, args, {
    cwd: join(__dirname, '..', '..', '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, HOME: '/tmp', PHASEBOOK_LOG_LEVEL: '' },
    maxBuffer: 64 << 20,
  });
  const raw = `${r.stdout}\n${r.stderr}`;
  const results = new Map<string, Omit<Captured, 'dir'>>();
  for (const m of r.stdout.matchAll(/^@@result (.*)$/gm)) {
    const x = JSON.parse(m[1]) as { id: string; code: number; out: string; err: string };
    results.set(x.id, { code: x.code, out: x.out, err: x.err });
  }
  return { raw, results, status: r.status };
}
