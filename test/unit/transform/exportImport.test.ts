import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { featuresPhase } from '../../../core/phases/features';
import { labelsPhase } from '../../../core/phases/labels';
import { splitPhase } from '../../../core/phases/split';
import { scalePhase } from '../../../core/phases/scale';
import { exportPhase, type ExportMeta } from '../../../core/phases/export';
import { importPhase } from '../../../core/phases/import';
import { UserError } from '../../../core/errors';
import type { PhaseResult } from '../../../core/spec/types';
import { context, dataset, input, priceFrame, tempDir } from './helpers';

let shared: Promise<{ dir: string; scaled: PhaseResult }> | undefined;

/** features -> labels -> split -> scale, computed once for this file (the tests only read it). */
function prepared(): Promise<{ dir: string; scaled: PhaseResult }> {
  shared ??= (async () => {
    const dir = tempDir();
    const ctx = context(dir);
    let r = await featuresPhase.run(
      { returns: 'close', lags: [1, 2], rolling: { windows: [6], stats: ['mean', 'std'] } },
      input(dataset(priceFrame(['A', 'B'], 120))),
      ctx,
    );
    r = await labelsPhase.run({ horizon: 3, threshold: 0.001 }, [r], ctx);
    r = await splitPhase.run({}, [r], ctx);
    return { dir, scaled: await scalePhase.run({ method: 'robust' }, [r], ctx) };
  })();
  return shared;
}

test('export then import gives back identical values, features, labels and scaler path', async () => {
  const { dir, scaled } = await prepared();
  const ds = scaled.dataset!;
  const exp = await exportPhase.run({}, [scaled], context(dir));
  const out = join(dir, 'artifacts', `datasets_${ds.featureSetId}`);
  for (const f of ['X_train', 'y_train', 'X_val', 'y_val', 'X_test', 'y_test'])
    assert.ok(existsSync(join(out, `${f}.parquet`)), f);
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as ExportMeta;
  assert.equal(meta.feature_set_id, ds.featureSetId);
  assert.equal(meta.seed, 42);
  assert.equal(meta.scaler_path, `../scaler_${ds.featureSetId}.json`);
  assert.deepEqual(meta.features, ds.features);
  assert.equal(meta.rows.train + meta.rows.val + meta.rows.test, ds.frame.height);
  assert.equal(exp.summary.train_rows, meta.rows.train);
  assert.match(meta.versions.nodejs_polars, /^0\.26\./);

  const imp = await importPhase.run({ feature_set_id: ds.featureSetId }, [], context(dir));
  const back = imp.dataset!;
  assert.deepEqual(back.features, ds.features);
  assert.deepEqual(back.labels, ds.labels);
  assert.equal(back.featureSetId, ds.featureSetId);
  assert.equal(back.scalerPath, ds.scalerPath);
  const cols = ['timestamp', 'symbol', ...ds.features, ...ds.labels.map((l) => l.column), 'split'];
  const want = ds.frame.select(...cols).sort(['split', 'symbol', 'timestamp']);
  const got = back.frame.select(...cols).sort(['split', 'symbol', 'timestamp']);
  assert.ok(got.frameEqual(want), 'imported frame differs from the exported one');
  assert.deepEqual(got.dtypes.map(String), want.dtypes.map(String));

  // by path, relative to the notebook folder
  const byPath = await importPhase.run({ path: `artifacts/datasets_${ds.featureSetId}` }, [], context(dir));
  assert.ok(byPath.dataset!.frame.frameEqual(back.frame));
});

test('exports are byte-identical when run twice on the same data', async () => {
  const { dir, scaled } = await prepared();
  await exportPhase.run({}, [scaled], context(dir));
  const metaPath = join(dir, 'artifacts', `datasets_${scaled.dataset!.featureSetId}`, 'meta.json');
  const first = readFileSync(metaPath, 'utf8');
  await exportPhase.run({}, [scaled], context(dir));
  assert.equal(readFileSync(metaPath, 'utf8'), first);
});

test('importing a missing feature set lists the ones that exist; export needs a split', async () => {
  const { dir, scaled } = await prepared();
  await exportPhase.run({}, [scaled], context(dir));
  await assert.rejects(
    importPhase.run({ feature_set_id: 'abcdefabcdef' }, [], context(dir)),
    (e: unknown) =>
      e instanceof UserError &&
      e.location.key === 'feature_set_id' &&
      e.details[0].includes(scaled.dataset!.featureSetId!),
  );
  await assert.rejects(
    importPhase.run({}, [], context(dir)),
    (e: unknown) => e instanceof UserError && /exactly one/.test(e.message),
  );
  const unsplit = { ...scaled.dataset!, frame: scaled.dataset!.frame.drop('split') };
  await assert.rejects(
    exportPhase.run({}, input(unsplit), context(dir)),
    (e: unknown) => e instanceof UserError && /no 'split' column/.test(e.message),
  );
  assert.equal(
    pl
      .readParquet(join(dir, 'artifacts', `datasets_${scaled.dataset!.featureSetId}`, 'y_val.parquet'))
      .columns.join(','),
    'timestamp,symbol,fwd_ret_h3,dir_h3',
  );
});
