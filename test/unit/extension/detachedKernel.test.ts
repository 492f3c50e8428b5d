// The detached kernel as a window sees it (docs/design.md §8): a run goes on while no window is
// attached; the next window reattaches and gets the run's cell states, then the rest of its events;
// a wrong token or another engine version never attaches; a kernel nobody comes back to exits.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import type { KernelEvent } from '../../../core/kernel/protocol';
import { encodeFrame, FrameDecoder, type DetachedKernelInfo } from '../../../core/kernel/wire';
import { DetachedKernel, kernelFiles, type DetachedKernelOptions } from '../../../extension/kernel/detachedKernel';

const dir = mkdtempSync(join(tmpdir(), 'pb-detached-'));
const repo = join(__dirname, '..', '..', '..');
const tsxLoader = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const kernelsDir = join(dir, '.phasebook', 'kernels');
const live: DetachedKernel[] = [];
after(async () => {
  for (const k of live) await k.shutdown().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

writeFileSync(join(dir, 'prices.csv'), 'ts,close\n2024-01-01T00:00:00Z,100\n2024-01-01T01:00:00Z,101\n');
/** A ts cell that takes a while (its leakage probe may call it a second time). */
const notebookText = (ms: number): string =>
  `# %% load prices\nsource: prices.csv\ntimestamp: ts\n\n# %% ts slow\n// from: prices\nexport default ` +
  `async function (inputs: any) {\n  await new Promise((r) => setTimeout(r, ${ms}));\n  return ` +
  `inputs.prices;\n}\n`;

const uriOf = (notebook: string): string => pathToFileURL(join(dir, notebook)).href;
const filesOf = (notebook: string) => kernelFiles(kernelsDir, uriOf(notebook));

function kernel(notebook: string, extra: Partial<DetachedKernelOptions> = {}): DetachedKernel {
  const k = new DetachedKernel({
    modulePath: join(repo, 'core', 'kernel', 'server.ts'),
    cwd: dir,
    kernelsDir,
    notebookUri: uriOf(notebook),
    idleMinutes: 5,
    execArgv: ['--import', tsxLoader],
    startTimeoutMs: 60_000,
    ...extra,
  });
  live.push(k);
  return k;
}

function next(k: DetachedKernel, match: (e: KernelEvent) => boolean, timeoutMs = 60_000): Promise<KernelEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such event within the timeout')), timeoutMs);
    const sub = k.onEvent.on((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

const isFinished = (cell: string) => (e: KernelEvent) => e.type === 'finished' && e.cell === cell;
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function openAndRun(k: DetachedKernel, nb: string, ms: number): Promise<void> {
  await k.request({ type: 'open', notebookPath: join(dir, nb), text: notebookText(ms) });
  const startedSlow = next(k, (e) => e.type === 'started' && e.cell === 'slow');
  k.request({ type: 'run' }).catch(() => undefined); // its reply goes to a window that is gone
  await startedSlow;
}

test('a run goes on after the window lets go; the next window gets the running cell, then its finish', async () => {
  const first = kernel('a.pipeline');
  await openAndRun(first, 'a.pipeline', 2500);
  const pid = first.pid!;
  first.detach();
  const second = kernel('a.pipeline');
  await second.start();
  assert.equal(second.reattached, true);
  assert.equal(second.pid, pid, 'the same process');
  const w = second.welcome!;
  assert.equal(w.busy, true);
  assert.equal(second.state, 'busy', 'a window that reattaches mid-run shows the kernel busy');
  assert.equal(w.text, notebookText(2500));
  assert.deepEqual(
    w.replay.filter((e) => e.type !== 'progress').map((e) => `${e.type}:${(e as { cell: string }).cell}`),
    ['finished:prices', 'started:slow'],
  );
  const done = await next(second, isFinished('slow'));
  assert.equal((done as Extract<KernelEvent, { type: 'finished' }>).status, 'ok');
  const state = (): string => second.state;
  for (let i = 0; i < 50 && state() !== 'idle'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(state(), 'idle', 'the run it did not ask for ended: idle again');
  // The reattached window can go on asking.
  const again = await second.request({ type: 'run', cells: ['slow'] });
  assert.deepEqual(again.cells, [{ cell: 'slow', status: 'cached' }]);
});

test('a run that finished while no window was attached shows its outputs on reattach', async () => {
  const first = kernel('b.pipeline');
  await openAndRun(first, 'b.pipeline', 300);
  first.detach();
  const info = JSON.parse(readFileSync(filesOf('b.pipeline').info, 'utf8')) as DetachedKernelInfo;
  for (let i = 0; i < 200 && !(await idleKernel(info)); i++) await new Promise((r) => setTimeout(r, 100));
  const second = kernel('b.pipeline');
  await second.start();
  const w = second.welcome!;
  assert.equal(w.busy, false);
  const slow = w.replay.find(isFinished('slow')) as Extract<KernelEvent, { type: 'finished' }> | undefined;
  assert.equal(slow?.status, 'ok');
  assert.equal(slow.output?.dataset?.rows, 2, 'the finished cell comes with its outputs');
});

/** Says hello with the token and reads the welcome: is the kernel done with its run? */
async function idleKernel(info: DetachedKernelInfo, token = info.token): Promise<boolean> {
  const reply = await hello(info, token);
  return reply.type === 'welcome' && reply.busy === false;
}

function hello(info: DetachedKernelInfo, token: string): Promise<{ type: string; busy?: boolean; reason?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(info.socketPath, () =>
      socket.write(encodeFrame({ type: 'hello', token, engineVersion: info.engineVersion })),
    );
    const d = new FrameDecoder();
    socket.on('data', (c: Buffer) => {
      const [m] = d.push(c) as { type: string }[];
      if (!m) return;
      socket.destroy();
      resolve(m);
    });
    socket.on('error', reject);
  });
}

test('a wrong token is refused; the info file and socket are private to the user', async () => {
  const k = kernel('c.pipeline');
  await k.start();
  const files = filesOf('c.pipeline');
  const info = JSON.parse(readFileSync(files.info, 'utf8')) as DetachedKernelInfo;
  assert.deepEqual(await hello(info, 'not-the-token'), { type: 'refused', reason: 'wrong token' });
  const { statSync } = await import('node:fs');
  assert.equal(statSync(files.info).mode & 0o777, 0o600);
  if (process.platform !== 'win32') assert.equal(statSync(files.socket).mode & 0o777, 0o600);
  assert.equal(k.state, 'idle', 'the refused stranger did not disturb the attached window');
  // A second window of the workspace takes the kernel over; the first is told why it lost it.
  const lost = new Promise<string>((resolve) => k.onCrash.on((c) => resolve(c.message)));
  const other = kernel('c.pipeline');
  await other.start();
  assert.equal(other.reattached, true);
  assert.match(await lost, /another window took over this notebook's kernel \(pid \d+\)/);
});

test('a kernel of another engine version is stopped and a fresh one started, saying why', async () => {
  const old = kernel('d.pipeline');
  await old.start();
  const files = filesOf('d.pipeline');
  const info = JSON.parse(readFileSync(files.info, 'utf8')) as DetachedKernelInfo;
  writeFileSync(files.info, JSON.stringify({ ...info, engineVersion: '0.0.1' }), { mode: 0o600 });
  old.detach();
  const fresh = kernel('d.pipeline');
  await fresh.start();
  assert.equal(fresh.reattached, false);
  assert.match(fresh.notice ?? '', /has engine 0\.0\.1, this Phasebook has .*stopped and a fresh kernel started/);
  assert.notEqual(fresh.pid, info.pid);
  assert.equal(alive(info.pid), false, 'the old kernel is gone');
});

test('a kernel no window comes back to exits after the idle timeout and removes its files', async () => {
  const k = kernel('e.pipeline', { idleMinutes: 0.01 });
  await k.start();
  const pid = k.pid!;
  const files = filesOf('e.pipeline');
  k.detach();
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(pid), false, 'still running 10 s after a 0.6 s idle timeout');
  assert.equal(existsSync(files.info), false);
});
