import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { createBackend } from '../../../core/ml/gbdt/backend';
import { binMatrix, computeAllCuts } from '../../../core/ml/gbdt/binning';
import { findWorkerEntry } from '../../../core/ml/gbdt/worker-path';
import type { FitOptions, Params } from '../../../core/ml/model';
import { forestFactory } from '../../../core/ml/models/forest';
import { gbdtFactory } from '../../../core/ml/models/gbdt';
import { makeData } from './data';

// Enough features that every thread owns several, with NaNs and all the sampling switched on.
const tr = makeData(1500, 9, 21, (x, r) => (x[0] * x[1] + Math.sin(3 * x[2]) + 0.3 * r() > 0.2 ? 1 : 0));
for (let i = 0; i < tr.X.rows; i += 7) tr.X.columns[4][i] = NaN;
const params: Params = { n_estimators: 8, max_depth: 5, subsample: 0.8, colsample_bytree: 0.8, colsample_bynode: 0.7 };

async function modelBytes(threads: number, extra: Partial<FitOptions> = {}, p: Params = params): Promise<string> {
  const m = await gbdtFactory.fit(tr.X, tr.y, p, { seed: 11, task: 'classification', threads, ...extra });
  return JSON.stringify(m.toJSON());
}

test('the worker loads from sources under tsx and a 2-thread backend really uses it', async () => {
  const entry = findWorkerEntry();
  assert.ok(entry, 'worker entry not found');
  const cuts = computeAllCuts(tr.X.columns, 255, undefined);
  const bins = binMatrix(tr.X.columns, tr.X.rows, cuts, true);
  const notes: string[] = [];
  const backend = await createBackend(
    bins,
    Int32Array.from(cuts, (c) => c.length + 1),
    { lambda: 1, minChildWeight: 1 },
    2,
    (m) => notes.push(m),
  );
  try {
    assert.equal(backend.workers, 1, notes.join('; '));
  } finally {
    await backend.close();
  }
});

test('same model bytes with 1, 2 and 3 threads (depth-wise and leaf-wise)', async () => {
  const one = await modelBytes(1);
  assert.equal(await modelBytes(2), one);
  assert.equal(await modelBytes(3), one);
  const leafwise = { ...params, max_leaves: 12, max_depth: 0 };
  assert.equal(await modelBytes(2, {}, leafwise), await modelBytes(1, {}, leafwise));
});

test('multiclass and forest models are thread-count independent too', async () => {
  const y3 = tr.y.map((v, i) => (v === 1 ? (tr.X.columns[3][i] > 0 ? 2 : 1) : 0));
  const fit = async (threads: number) =>
    JSON.stringify(
      (
        await gbdtFactory.fit(
          tr.X,
          y3,
          { n_estimators: 4, max_depth: 4 },
          { seed: 2, task: 'classification', nClasses: 3, threads },
        )
      ).toJSON(),
    );
  assert.equal(await fit(2), await fit(1));
  const forest = async (threads: number) =>
    JSON.stringify(
      (
        await forestFactory.fit(
          tr.X,
          tr.y,
          { n_estimators: 8, max_depth: 6 },
          { seed: 2, task: 'classification', threads },
        )
      ).toJSON(),
    );
  assert.equal(await forest(2), await forest(1));
});

test('the bundled worker (as in dist/) is found next to the bundle and gives the same model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gbdt-worker-'));
  try {
    await esbuild.build({
      entryPoints: [join(__dirname, '../../../core/ml/gbdt/worker.ts')],
      outfile: join(dir, 'gbdt-worker.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'error',
    });
    assert.deepEqual(findWorkerEntry({}, dir), { file: join(dir, 'gbdt-worker.js'), typescript: false });
    const before = process.env.PHASEBOOK_GBDT_WORKER;
    process.env.PHASEBOOK_GBDT_WORKER = join(dir, 'gbdt-worker.js');
    try {
      assert.deepEqual(findWorkerEntry(), { file: join(dir, 'gbdt-worker.js'), typescript: false });
      assert.equal(await modelBytes(2), await modelBytes(1));
    } finally {
      if (before === undefined) delete process.env.PHASEBOOK_GBDT_WORKER;
      else process.env.PHASEBOOK_GBDT_WORKER = before;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken worker file falls back to one thread with a note, same model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gbdt-worker-'));
  const before = process.env.PHASEBOOK_GBDT_WORKER;
  try {
    writeFileSync(join(dir, 'gbdt-worker.js'), 'throw new Error("boom")');
    process.env.PHASEBOOK_GBDT_WORKER = join(dir, 'gbdt-worker.js');
    const cuts = computeAllCuts(tr.X.columns, 255, undefined);
    const notes: string[] = [];
    const backend = await createBackend(
      binMatrix(tr.X.columns, tr.X.rows, cuts, true),
      Int32Array.from(cuts, (c) => c.length + 1),
      { lambda: 1, minChildWeight: 1 },
      2,
      (m) => notes.push(m),
    );
    assert.equal(backend.workers, 0);
    await backend.close();
    assert.match(notes.join('\n'), /could not start worker threads.*boom/s);
    assert.equal(await modelBytes(2), await modelBytes(1));
  } finally {
    if (before === undefined) delete process.env.PHASEBOOK_GBDT_WORKER;
    else process.env.PHASEBOOK_GBDT_WORKER = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
