import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitWithFallback, getModel, modelFromJSON, modelKinds, requireModel } from '../../../core/ml/models/registry';
import type { FeatureMatrix } from '../../../core/ml/model';
import { createLogger, type LogRecord } from '../../../core/log';
import { UserError } from '../../../core/errors';
import { mulberry32 } from '../../../core/ml/rng';

function data(n: number, seed: number): { X: FeatureMatrix; yReg: Float64Array; yBin: Float64Array; y3: Float64Array } {
  const r = mulberry32(seed);
  const a = Float64Array.from({ length: n }, () => r() * 2 - 1);
  const b = Float64Array.from({ length: n }, () => r() * 2 - 1);
  const yReg = a.map((v, i) => 2 * v - b[i] + 0.1 * (r() - 0.5));
  return {
    X: { rows: n, columns: [a, b], names: ['a', 'b'] },
    yReg,
    yBin: yReg.map((v) => (v > 0 ? 1 : 0)),
    y3: yReg.map((v) => (v < -0.5 ? 0 : v < 0.5 ? 1 : 2)),
  };
}

function capture() {
  const records: LogRecord[] = [];
  return { records, log: createLogger([(rec) => records.push(rec)], 'debug') };
}

test('the registry lists the linear family and unknown kinds get a suggestion', () => {
  for (const k of ['linear', 'ridge', 'logistic', 'svr', 'poly2']) assert.ok(modelKinds().includes(k), k);
  assert.equal(getModel('ridgee'), undefined);
  assert.throws(
    () => requireModel('ridgee'),
    (e: unknown) =>
      e instanceof UserError && /did you mean 'ridge'/.test(e.message) && /models: linear/.test(e.details[0]),
  );
});

test('every registered kind fits, predicts, and reloads from JSON with identical predictions', async () => {
  const { X, yReg, yBin, y3 } = data(300, 1);
  // nonneg combines base-model outputs (probabilities for classification): test/unit/ml/nonneg.test.ts
  for (const kind of modelKinds().filter((k) => k !== 'nonneg')) {
    const f = requireModel(kind);
    for (const task of f.tasks) {
      const cases =
        task === 'regression'
          ? [{ y: yReg, k: undefined }]
          : [
              { y: yBin, k: 2 },
              { y: y3, k: 3 },
            ];
      for (const c of cases) {
        const m = await f.fit(X, c.y, {}, { seed: 7, task, nClasses: c.k, threads: 1 });
        const p = m.predict(X);
        assert.equal(p.length, X.rows * (c.k && c.k > 2 ? c.k : 1), `${kind} ${task}`);
        const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
        assert.deepEqual(back.predict(X), p, `${kind} ${task} k=${c.k} reload`);
      }
    }
  }
});

test('a singular OLS fit falls back to ridge, records why, warns, and keeps the record when saved', async () => {
  const { X, yReg } = data(200, 2);
  const dup = { rows: X.rows, columns: [...X.columns, X.columns[0]], names: [...X.names, 'a_again'] };
  const { records, log } = capture();
  const m = await fitWithFallback('linear', dup, yReg, {}, { seed: 1, task: 'regression', log });
  assert.equal(m.kind, 'ridge');
  assert.equal(m.fallback?.from, 'linear');
  assert.match(m.fallback?.reason ?? '', /singular at feature 'a_again'/);
  assert.equal(records.filter((r) => r.level === 'warn').length, 1);
  assert.match(records[0].msg, /model 'linear' could not be trained .* fitted ridge instead/);
  const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.fallback, m.fallback);
});

test('a classifier that does not converge falls back to strongly penalised logistic', async () => {
  const { X, y3 } = data(200, 3);
  const m = await fitWithFallback(
    'logistic',
    X,
    y3,
    { max_iter: 1, tol: 1e-14 },
    { seed: 1, task: 'classification', nClasses: 3 },
  );
  assert.equal(m.kind, 'logistic');
  assert.equal((m.toJSON().params as { C: number }).C, 0.01);
  assert.match(m.fallback?.reason ?? '', /did not converge/);
});

test('a classifier missing a class in its training rows falls through to the ridge classifier', async () => {
  const { X, yBin } = data(100, 4);
  const m = await fitWithFallback('logistic', X, yBin, {}, { seed: 1, task: 'classification', nClasses: 3 });
  assert.equal(m.kind, 'ridge');
  assert.match(m.fallback?.reason ?? '', /class 2 has no training rows/);
  const p = m.predict(X);
  for (let i = 0; i < X.rows; i++) assert.ok(Math.abs(p[3 * i] + p[3 * i + 1] + p[3 * i + 2] - 1) < 1e-12);
});

test('user mistakes are not hidden by the fallback', async () => {
  const { X, yReg } = data(50, 5);
  const bad = { ...X, columns: [X.columns[0], X.columns[1].map((v, i) => (i === 9 ? NaN : v))] };
  await assert.rejects(
    fitWithFallback('linear', bad, yReg, {}, { seed: 1, task: 'regression' }),
    (e: unknown) => e instanceof UserError && e.location.dataColumn === 'b' && e.location.row === 10,
  );
  await assert.rejects(fitWithFallback('ridge', X, yReg, { alpah: 1 }, { seed: 1, task: 'regression' }), UserError);
});
