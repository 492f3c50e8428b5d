import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../core/errors';
import {
  executorFrom,
  resolveExecutor,
  type ExecutorFail,
  type ExecutorSource,
} from '../../../core/engine/executorChoice';
import { kernelExecutorSources } from '../../../core/engine/executorSettings';
import { parseNotebook } from '../../../core/notebook/parse';

const flagOf = { kind: '--executor', redis: '--redis', store: '--store' } as const;
const cli = (flags: ExecutorSource['choice'], block: ExecutorSource['choice']): ExecutorSource[] => [
  { choice: flags, label: (f) => flagOf[f] },
  { choice: block, label: (f) => `executor.${f}` },
];
const fail: ExecutorFail = (message, at) => new Error(`[${at.source}:${at.field}] ${message}`);

test('the first source wins field by field: a flag over the notebook block, the block filling what flags leave', () => {
  assert.deepEqual(resolveExecutor(cli({}, undefined), fail), { kind: undefined });
  assert.deepEqual(resolveExecutor(cli({ kind: 'serial' }, { kind: 'bullmq' }), fail), { kind: 'serial' });
  assert.deepEqual(
    resolveExecutor(cli({ kind: 'bullmq', redis: 'redis://h:1' }, { redis: 'redis://x:2', store: 'st' }), fail),
    { kind: 'bullmq', redis: 'redis://h:1', store: 'st', from: { redis: 0, store: 1 } },
  );
  // An empty value is not a choice (an empty VS Code setting, `--executor ''`).
  assert.deepEqual(resolveExecutor(cli({ kind: '  ' }, { kind: 'local-pool' }), fail), { kind: 'local-pool' });
});

test("a bad choice is reported through the caller's factory, naming the field as its source calls it", () => {
  assert.throws(() => resolveExecutor(cli({ kind: 'cluster' }, undefined), fail), {
    message: "[0:kind] --executor takes serial, local-pool, bullmq; got 'cluster'",
  });
  assert.throws(() => resolveExecutor(cli({}, { kind: 'pool' }), fail), {
    message: "[1:kind] executor.kind takes serial, local-pool, bullmq; got 'pool'",
  });
  assert.throws(() => resolveExecutor(cli({ kind: 'bullmq', store: 'st' }, undefined), fail), {
    message: '[0:redis] the bullmq executor needs a Redis URL: set --redis or executor.redis',
  });
  assert.throws(() => resolveExecutor(cli({ redis: 'redis://h:1' }, undefined), fail), {
    message: '[0:redis] --redis goes with --executor bullmq',
  });
  // Redis from a later source with no kind anywhere is only a default.
  assert.deepEqual(resolveExecutor(cli({}, { redis: 'redis://h:1' }), fail), { kind: undefined });
});

const NB = (executor: string) => `# %% settings
seed: 1
executor:
${executor}

# %% prices ts
ts: a
`;

test("the kernel: the notebook's block wins over the VS Code settings, field by field", () => {
  const parsed = parseNotebook(NB('  kind: serial'));
  const { sources, fail: kfail } = kernelExecutorSources(parsed, '/p/nb.pipeline', {
    kind: 'bullmq',
    redis: 'redis://127.0.0.1:1',
  });
  assert.deepEqual(resolveExecutor(sources, kfail), { kind: 'serial' });
  const both = kernelExecutorSources(parseNotebook(NB('  store: ./shared')), '/p/nb.pipeline', {
    kind: 'bullmq',
    redis: 'redis://127.0.0.1:1',
    store: '/elsewhere',
  });
  assert.deepEqual(resolveExecutor(both.sources, both.fail), {
    kind: 'bullmq',
    redis: 'redis://127.0.0.1:1',
    store: './shared',
    from: { redis: 1, store: 0 },
  });
});

test("the kernel's errors name the settings cell's line for the block and the setting's id for VS Code", () => {
  const parsed = parseNotebook(NB('  kind: bullmq\n  redis: redis://127.0.0.1:1'));
  const k = kernelExecutorSources(parsed, '/p/nb.pipeline', undefined);
  const e = (() => {
    try {
      resolveExecutor(k.sources, k.fail);
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof UserError);
  assert.match(
    e.message,
    /the bullmq executor needs an artifact store: set executor.store or phasebook.executor.store/,
  );
  assert.equal(e.location.file, '/p/nb.pipeline');
  assert.equal(e.location.cell, 'settings');
  assert.equal(e.location.key, 'executor.store');
  assert.equal(e.location.line, 3, 'the executor: line of the settings cell');
  const badKind = kernelExecutorSources(parseNotebook('# %% prices ts\nts: a\n'), '/p/nb.pipeline', { kind: 'pool' });
  assert.throws(
    () => resolveExecutor(badKind.sources, badKind.fail),
    (err: unknown) =>
      err instanceof UserError &&
      err.location.key === 'phasebook.executor.kind' &&
      /phasebook.executor.kind takes serial, local-pool, bullmq; got 'pool' \(VS Code settings\)/.test(err.message),
  );
  const line = kernelExecutorSources(parseNotebook(NB('  kind: cluster')), '/p/nb.pipeline', undefined);
  assert.throws(
    () => resolveExecutor(line.sources, line.fail),
    (err: unknown) => err instanceof UserError && err.location.key === 'executor.kind' && err.location.line === 4,
  );
});

test('a bad Redis URL or store is told as the source that gave it, not as a flag', () => {
  const k = kernelExecutorSources(parseNotebook('# %% prices ts\nts: a\n'), '/p/nb.pipeline', {
    kind: 'bullmq',
    redis: 'http://127.0.0.1:6379',
    store: '/tmp/pb-store-never-written',
  });
  assert.throws(
    () => executorFrom(k.sources, { cwd: '/tmp' }, k.fail),
    (err: unknown) =>
      err instanceof UserError &&
      err.location.key === 'phasebook.executor.redis' &&
      err.message.startsWith("phasebook.executor.redis: 'http://127.0.0.1:6379' is not a redis:// URL"),
  );
  const s = kernelExecutorSources(parseNotebook(NB('  kind: bullmq\n  store: ftp://x/y')), '/p/nb.pipeline', {
    redis: 'redis://127.0.0.1:6379',
  });
  assert.throws(
    () => executorFrom(s.sources, { cwd: '/tmp' }, s.fail),
    (err: unknown) =>
      err instanceof UserError &&
      err.location.key === 'executor.store' &&
      err.message.startsWith("executor.store: unsupported store 'ftp://x/y'"),
  );
});
