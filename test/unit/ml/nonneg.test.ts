import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../core/errors';
import type { FeatureMatrix } from '../../../core/ml/model';
import { modelFromJSON, requireModel } from '../../../core/ml/models/registry';
import { solveNonneg } from '../../../core/ml/models/nonnegSolver';
import { mulberry32 } from '../../../core/ml/rng';

interface Reference {
  l2: number;
  classification: { y: number[]; P: number[][]; intercept: number; weights: number[]; objective: number };
  regression: { y: number[]; F: number[][]; intercept: number; weights: number[]; objective: number };
}
const ref = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'nonneg_reference.json'), 'utf8'),
) as Reference;

function matrix(cols: number[][], names = ['ridge_prob_up', 'logistic_prob_up', 'gbdt_prob_up']): FeatureMatrix {
  return { rows: cols[0].length, columns: cols.map((c) => Float64Array.from(c)), names };
}

const logit = (p: number) =>
  Math.log(Math.min(1 - 1e-6, Math.max(1e-6, p)) / (1 - Math.min(1 - 1e-6, Math.max(1e-6, p))));

test('non-negative logistic on base logits matches scipy L-BFGS-B with bounds on the same objective', async () => {
  const c = ref.classification;
  const sol = solveNonneg({
    z: c.P.map((col) => Float64Array.from(col, logit)),
    y: Float64Array.from(c.y),
    loss: 'logistic',
    l2: ref.l2,
  });
  assert.ok(sol.objective <= c.objective + 1e-10, `ours ${sol.objective} vs scipy ${c.objective}`);
  sol.weights.forEach((w, j) => assert.ok(Math.abs(w - c.weights[j]) < 0.03, `w${j} ${w} vs ${c.weights[j]}`));
  assert.equal(sol.weights[2], 0, 'the wrong-signed base gets exactly 0');
  assert.ok(Math.abs(sol.intercept - c.intercept) < 0.01);
  const m = await requireModel('nonneg').fit(
    matrix(c.P),
    Float64Array.from(c.y),
    { l2: ref.l2 },
    { seed: 1, task: 'classification', nClasses: 2 },
  );
  assert.deepEqual(Array.from((m.toJSON() as unknown as { coef: number[] }).coef), Array.from(sol.weights));
});

test('non-negative ridge on base forecasts matches scipy', () => {
  const r = ref.regression;
  const sol = solveNonneg({
    z: r.F.map((col) => Float64Array.from(col)),
    y: Float64Array.from(r.y),
    loss: 'squared',
    l2: ref.l2,
  });
  assert.ok(sol.objective <= r.objective + 1e-10, `ours ${sol.objective} vs scipy ${r.objective}`);
  sol.weights.forEach((w, j) => assert.ok(Math.abs(w - r.weights[j]) < 0.01, `w${j} ${w} vs ${r.weights[j]}`));
  assert.equal(sol.weights[2], 0);
});

test(
  'collinear and duplicated bases get non-negative, ' +
    'bounded, shared weights; an unconstrained logistic ' +
    'does not',
  async () => {
    const n = 3000;
    const rnd = mulberry32(4);
    const g = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const s = Float64Array.from({ length: n }, g);
    const y = Float64Array.from(s, (v) => (rnd() < 1 / (1 + Math.exp(-v)) ? 1 : 0));
    const a = Float64Array.from(s, (v) => 1 / (1 + Math.exp(-(0.4 * v + 0.3 * g()))));
    const b = Float64Array.from(a, (v) => Math.min(1, Math.max(0, v + 1e-4 * g()))); // correlation ~0.99999
    const X: FeatureMatrix = {
      rows: n,
      columns: [a, b, Float64Array.from(a)],
      names: ['a_prob_up', 'b_prob_up', 'a_copy_prob_up'],
    };
    const m = await requireModel('nonneg').fit(X, y, {}, { seed: 1, task: 'classification', nClasses: 2 });
    const w = (m.toJSON() as unknown as { coef: number[] }).coef;
    for (const v of w) assert.ok(v >= 0 && v < 2, `weight ${v}`);
    const total = w.reduce((x, v) => x + v, 0);
    for (const v of w) assert.ok(Math.abs(v - total / 3) < 0.05 * total, `weights ${w.join(', ')} should split evenly`);
    const logistic = await requireModel('logistic').fit(
      X,
      y,
      { C: 1e6, standardize: false },
      { seed: 1, task: 'classification', nClasses: 2 },
    );
    const lw = (logistic.toJSON() as unknown as { coef: number[][] }).coef.flat();
    assert.ok(
      Math.max(...lw.map(Math.abs)) > 10 * Math.max(...w),
      `unconstrained ${lw.join(', ')} vs nonneg ${w.join(', ')}`,
    );
    const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    assert.deepEqual(back.predict(X), m.predict(X));
  },
);

test(
  'nonneg refuses non-probabilities for ' + 'classification and more than two classes, naming ' + 'what is wrong',
  async () => {
    const f = requireModel('nonneg');
    const X = matrix([
      [0.2, 0.4, 1.7, 0.3],
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0.5, 0.5, 0.6],
    ]);
    await assert.rejects(
      f.fit(X, Float64Array.of(0, 1, 0, 1), {}, { seed: 1, task: 'classification', nClasses: 2 }),
      (e: unknown) => e instanceof UserError && e.location.dataColumn === 'ridge_prob_up' && e.location.row === 3,
    );
    const P = matrix([
      [0.2, 0.4, 0.7],
      [0.1, 0.2, 0.3],
      [0.5, 0.5, 0.5],
    ]);
    await assert.rejects(
      f.fit(P, Float64Array.of(0, 1, 2), {}, { seed: 1, task: 'classification', nClasses: 3 }),
      /for 3 classes use meta_learner: logistic/,
    );
  },
);
