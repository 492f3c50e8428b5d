import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gbdtFactory } from '../../../core/ml/models/gbdt';
import { auc, matrix } from './data';

/**
 * Fixture from bench/gbdt/make_fixture.py (xgboost 1.7 `hist`, same parameters, base_score 0.5).
 * Its features have fewer distinct values than max_bin, so both libraries consider exactly the
 * same splits and grow the same trees; predictions then agree up to xgboost's float32
 * gradients and output. Feature 3 is 10% NaN, so the learned default direction is compared too.
 */
interface Fixture {
  params: Record<string, number>;
  train: { columns: (number | null)[][]; y: number[] };
  test: { columns: (number | null)[][]; y: number[] };
  xgb_test_pred: number[];
  xgb_test_auc: number;
}

const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'xgb_small.json'), 'utf8')) as Fixture;
const toMatrix = (cols: (number | null)[][]) =>
  matrix(cols.map((c) => Float64Array.from(c, (v) => (v === null ? NaN : v))));

test('matches xgboost hist predictions on the committed fixture', async () => {
  const m = await gbdtFactory.fit(toMatrix(fx.train.columns), Float64Array.from(fx.train.y), fx.params, {
    seed: 1,
    task: 'classification',
    threads: 1,
  });
  const p = m.predict(toMatrix(fx.test.columns));
  let worst = 0;
  for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - fx.xgb_test_pred[i]));
  assert.ok(worst < 1e-5, `max |p - p_xgb| = ${worst}`);
  assert.ok(Math.abs(auc(p, fx.test.y) - fx.xgb_test_auc) < 0.005);
});
