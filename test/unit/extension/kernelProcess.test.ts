import { tableFromIPC } from 'apache-arrow';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import pl from 'nodejs-polars';
import type { KernelEvent } from '../../../core/kernel/protocol';
import { describeKernelExit } from '../../../extension/kernel/exitReason';
import { KernelGoneError, KernelRequestError } from '../../../extension/kernel/kernelClient';
import { KernelProcess, type KernelCall } from '../../../extension/kernel/kernelProcess';

const dir = mkdtempSync(join(tmpdir(), 'pb-kernel-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const stub = join(__dirname, 'fixtures', 'stubKernel.cjs');
const repo = join(__dirname, '..', '..', '..');
const realKernel = join(repo, 'core', 'kernel', 'server.ts');
/** tsx by absolute URL: the kernel runs in the notebook's folder, outside the repository. */
const tsxLoader = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Requests the stub understands, outside the real protocol. */
const stubCall = (type: string, extra: Record<string, unknown> = {}) => ({ type, ...extra }) as unknown as KernelCall;

test('a request is answered; a kernel error arrives as a KernelRequestError with its location', async () => {
  const k = new KernelProcess({ modulePath: stub, cwd: dir });
  try {
    assert.equal((await k.request(stubCall('echo', { value: 42 }))) as unknown, 42);
    await assert.rejects(
      k.request(stubCall('fail')),
      (e: unknown) => e instanceof KernelRequestError && e.error.location.key === 'k',
    );
    assert.equal(k.state, 'idle');
  } finally {
    await k.shutdown();
  }
  assert.equal(k.state, 'stopped');
});

test(
  'a kernel killed with SIGKILL rejects its pending ' + 'requests with a clear message and reports the crash',
  async () => {
    const k = new KernelProcess({ modulePath: stub, cwd: dir });
    await k.start();
    const crashes: string[] = [];
    k.onCrash.on((c) => crashes.push(c.message));
    const pending = k.request(stubCall('run'));
    process.kill(k.pid!, 'SIGKILL');
    await assert.rejects(pending, (e: unknown) => e instanceof KernelGoneError && /killed \(SIGKILL/.test(e.message));
    assert.equal(k.state, 'dead');
    assert.equal(crashes.length, 1);
    await assert.rejects(k.request(stubCall('echo', { value: 1 })), /not running; restart it/);
  },
);

test('a kernel that runs out of heap is reported as out of memory, naming the limit setting', async () => {
  const k = new KernelProcess({ modulePath: stub, cwd: dir, memoryLimitMb: 48 });
  const pending = k.request(stubCall('hog'));
  await assert.rejects(
    pending,
    (e: unknown) =>
      e instanceof KernelGoneError &&
      /ran out of memory \(limit 48 MB, setting phasebook\.kernel\.memoryLimitMb\)/.test(e.message),
  );
});

test('exit descriptions: signal, exit code with the last stderr line', () => {
  assert.match(describeKernelExit({ code: null, signal: 'SIGTERM', stderrTail: '' }), /stopped on signal SIGTERM/);
  assert.match(
    describeKernelExit({ code: 3, signal: null, stderrTail: 'x\nTypeError: nope\n' }),
    /exit code 3\): TypeError: nope/,
  );
});

test(
  'the real kernel opens a notebook, runs it with events per cell, serves a cache hit, marks edits stale and ' +
    'previews a table',
  async () => {
    writeFileSync(
      join(dir, 'prices.csv'),
      'ts,symbol,close\n2024-01-01T00:00:00Z,BTC,100\n2024-01-01T01:00:00Z,BTC,101\n2024-01-01T02:00:00Z,BTC,99\n',
    );
    const nb = join(dir, 'k.pipeline');
    const text = '# %% load prices\nsource: prices.csv\ntimestamp: ts\n';
    const k = new KernelProcess({
      modulePath: realKernel,
      cwd: dir,
      execArgv: ['--import', tsxLoader],
      startTimeoutMs: 60_000,
    });
    const events: KernelEvent[] = [];
    k.onEvent.on((e) => events.push(e));
    try {
      const open = await k.request({ type: 'open', notebookPath: nb, text });
      assert.equal(open.diagnostics, 0);
      const first = await k.request({ type: 'run' });
      const failure = events.find((e) => e.type === 'finished' && e.error);
      assert.deepEqual(first.cells, [{ cell: 'prices', status: 'ok' }], JSON.stringify(failure));
      assert.deepEqual(
        events.map((e) => e.type).filter((t) => t !== 'progress'),
        // cellsDone comes after the last finished event and before the reply (the host shows idle there).
        ['queued', 'started', 'finished', 'cellsDone'],
      );
      const fin = events.find((e) => e.type === 'finished') as Extract<KernelEvent, { type: 'finished' }>;
      assert.equal(fin.output?.dataset?.rows, 3);
      events.length = 0;
      await k.request({ type: 'run', cells: ['prices'] });
      assert.equal(
        (events.find((e) => e.type === 'finished') as Extract<KernelEvent, { type: 'finished' }>).status,
        'cached',
      );
      events.length = 0;
      await k.request({ type: 'update', text: text.replace('timestamp: ts', 'timestamp: ts\nsymbol: symbol') });
      assert.deepEqual(events, [{ type: 'stale', cells: ['prices'] }]);
      pl.DataFrame({ a: [1, 2, 3], b: ['x', 'y', 'z'] }).writeParquet(join(dir, 't.parquet'));
      const table = await k.request({ type: 'readTable', path: join(dir, 't.parquet'), limit: 2 });
      assert.equal(table.rows, 3);
      assert.deepEqual(table.columns, ['a', 'b']);
      assert.equal(tableFromIPC(table.ipc).numRows, 2);
      await assert.rejects(
        k.request({ type: 'readTable', path: join(dir, 'nope.parquet') }),
        (e: unknown) => e instanceof KernelRequestError && /cannot read .*nope\.parquet/.test(e.message),
      );
    } finally {
      await k.shutdown();
    }
  },
);
