import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../../../core/errors';
import { ENGINE_VERSION } from '../../../core/version';
import { readRun } from '../../../core/runs/scan';
import { beginRun, withRun } from '../../../core/runs/store';
import type { RunManifest } from '../../../core/runs/types';

const REPO = resolve(__dirname, '../../..');

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const readManifest = (dir: string): RunManifest => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

test('a run is running from the start and complete only after complete(), with hashes of its artifacts', async (t) => {
  const root = join(tempRoot(t), 'runs');
  const run = await beginRun({
    root,
    kind: 'training',
    config: { model: 'ridge', alpha: 1, nested: { b: 2, a: 1 } },
    seed: 42,
    source: { notebook: 'demo.pipeline', cell: 'train' },
    featureSetId: 'abc123def456',
    meta: { model: 'ridge', horizon: 5 },
    baseDir: REPO,
  });
  assert.match(run.id, /^\d{8}_\d{6}_\d{6}_[0-9a-f]{4}$/);
  assert.equal(run.dir, join(root, run.id));
  const started = readManifest(run.dir);
  assert.equal(started.status, 'running');
  assert.equal(started.engine_version, ENGINE_VERSION);
  assert.match(started.git_commit ?? '', /^[0-9a-f]{40}$/);
  assert.equal(started.feature_set_id, 'abc123def456');
  assert.equal(started.seed, 42);

  const csv = 'y,pred\n1,0.5\n0,0.25\n';
  const entry = await run.writeArtifact('out/predictions.csv', csv, { rows: 2 });
  assert.deepEqual(entry, { path: 'out/predictions.csv', bytes: Buffer.byteLength(csv), sha256: sha(csv), rows: 2 });
  assert.equal(readFileSync(join(run.dir, 'out/predictions.csv'), 'utf8'), csv);

  const parquet = await run.artifactPath('predictions.parquet');
  pl.DataFrame({ y: [1, 0, 1], pred: [0.9, 0.2, 0.7] }).writeParquet(parquet);
  const pq = await run.addArtifact(parquet, 3);
  assert.equal(pq.path, 'predictions.parquet');
  assert.equal(pq.sha256, sha(readFileSync(parquet)));
  run.setMetrics({ rmse: 0.31 });
  run.setMetrics({ r2: 0.12 });
  assert.equal(readManifest(run.dir).status, 'running', 'nothing is complete before complete()');

  const done = await run.complete();
  const onDisk = readManifest(run.dir);
  assert.deepEqual(onDisk, done);
  assert.equal(onDisk.status, 'complete');
  assert.ok(onDisk.finished && onDisk.finished >= onDisk.created);
  assert.deepEqual(onDisk.metrics, { rmse: 0.31, r2: 0.12 });
  assert.deepEqual(
    onDisk.artifacts.map((a) => a.path),
    ['out/predictions.csv', 'predictions.parquet'],
  );
  assert.deepEqual(onDisk.meta, { model: 'ridge', horizon: 5 });
  // no temp files are left behind
  assert.deepEqual(readdirSync(run.dir).sort(), ['out', 'predictions.parquet', 'run.json']);
  await assert.rejects(() => run.writeArtifact('late.txt', 'x'), /already complete/);
});

test('config_hash ignores key order and changes with any value', async (t) => {
  const root = tempRoot(t);
  const a = await beginRun({ root, kind: 'cv', config: { b: [1, { y: 2, x: 1 }], a: 'x' }, seed: 1, source: {} });
  const b = await beginRun({ root, kind: 'cv', config: { a: 'x', b: [1, { x: 1, y: 2 }] }, seed: 1, source: {} });
  const c = await beginRun({ root, kind: 'cv', config: { a: 'x', b: [1, { x: 1, y: 3 }] }, seed: 1, source: {} });
  assert.equal(a.manifest().config_hash, b.manifest().config_hash);
  assert.notEqual(a.manifest().config_hash, c.manifest().config_hash);
  assert.equal(a.manifest().config_hash, sha('{"a":"x","b":[1,{"x":1,"y":2}]}'));
});

test('outside a git work tree the manifest simply has no commit', async (t) => {
  const root = tempRoot(t);
  const run = await beginRun({ root, kind: 'pipeline', config: {}, seed: 0, source: {}, baseDir: root });
  assert.equal(readManifest(run.dir).git_commit, undefined);
});

test('an existing run is never overwritten', async (t) => {
  const root = tempRoot(t);
  const first = await beginRun({ root, kind: 'cv', outputName: 'xgb_tuned_v1', config: { v: 1 }, seed: 1, source: {} });
  await first.writeArtifact('cv_results.json', '{"v":1}');
  await first.complete();
  const before = readFileSync(join(first.dir, 'run.json'), 'utf8');
  await assert.rejects(
    () => beginRun({ root, kind: 'cv', outputName: 'xgb_tuned_v1', config: { v: 2 }, seed: 2, source: {} }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message === `run 'xgb_tuned_v1' already exists in ${root}` &&
      e.location.key === 'output_name',
  );
  assert.equal(readFileSync(join(first.dir, 'run.json'), 'utf8'), before);
  assert.equal(readFileSync(join(first.dir, 'cv_results.json'), 'utf8'), '{"v":1}');
});

test('two processes racing for the same name: exactly one gets it', async (t) => {
  const root = tempRoot(t);
  const results = await Promise.allSettled(
    Array.from({ length: 6 }, (_, i) =>
      beginRun({ root, kind: 'cv', outputName: 'shared', config: { i }, seed: i, source: {} }),
    ),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof UserError).length, 5);
});

test('a bad output_name is refused before anything is created', async (t) => {
  const root = join(tempRoot(t), 'stacking');
  await assert.rejects(
    () => beginRun({ root, kind: 'cv', outputName: '../../etc', config: {}, seed: 0, source: {} }),
    (e: unknown) => e instanceof UserError && e.location.key === 'output_name',
  );
  assert.equal(existsSync(root), false);
});

test('artifacts cannot be written outside the run directory or over run.json', async (t) => {
  const root = tempRoot(t);
  const run = await beginRun({ root, kind: 'training', config: {}, seed: 0, source: {} });
  await assert.rejects(() => run.writeArtifact('../evil.txt', 'x'), /outside the run directory/);
  await assert.rejects(() => run.writeArtifact('run.json', '{}'), /written by the run store/);
  assert.equal(existsSync(join(root, 'evil.txt')), false);
});

test('a failed run says failed with the reason; withRun marks a throwing body failed', async (t) => {
  const root = tempRoot(t);
  const run = await beginRun({ root, kind: 'training', config: {}, seed: 0, source: {} });
  await run.fail('singular matrix');
  assert.equal(readManifest(run.dir).status, 'failed');
  assert.equal(readManifest(run.dir).error, 'singular matrix');

  await assert.rejects(
    () =>
      withRun({ root, kind: 'cv', outputName: 'boom', config: {}, seed: 0, source: {} }, async () => {
        throw new UserError('column close missing');
      }),
    /column close missing/,
  );
  const m = readManifest(join(root, 'boom'));
  assert.equal(m.status, 'failed');
  assert.equal(m.error, 'column close missing');

  const ok = await withRun({ root, kind: 'cv', outputName: 'fine', config: {}, seed: 0, source: {} }, async (r) => {
    r.setMetrics({ auc: 0.6 });
    return 3;
  });
  assert.equal(ok.result, 3);
  assert.equal(readManifest(join(root, 'fine')).status, 'complete');
});

test(
  'a process killed between begin and complete leaves run.json running, never complete; the index shows it ' +
    'interrupted',
  async (t) => {
    const root = tempRoot(t);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '../../fixtures/runs/crash-mid-run.ts'), root],
      { encoding: 'utf8' },
    );
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    const dir = child.stdout.trim();
    assert.equal(dir, join(root, 'crashed'));
    assert.equal(readManifest(dir).status, 'running');
    assert.equal(readFileSync(join(dir, 'predictions.csv'), 'utf8'), 'y\n1\n');
    const summary = await readRun(dir);
    assert.equal(summary?.status, 'interrupted');
    assert.match(summary?.error ?? '', /is no longer running/);
  },
);
