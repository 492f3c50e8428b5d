// Combinatorial purged CV, checked by construction (membership, paths, purge, embargo) and on a
// planted leak: labels overlap 10 bars, a 1-nearest-neighbour model on the bar number reads the
// label of the adjacent training row unless the purge removes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomial, combinatorialPurgedKFold } from '../../../core/ml/cv/cpcv';
import { crossValidateCpcv } from '../../../core/ml/cv/cpcvValidate';
import { labelEndTimes } from '../../../core/ml/cv/labelEnds';
import { rocAuc } from '../../../core/ml/cv/scores';
import type { ModelFactory } from '../../../core/ml/model';
import { UserError } from '../../../core/errors';
import { knnFactory, matrix, panel, randomWalkDataset } from './helpers';

const { times, symbols } = panel([
  { start: 0, length: 400 },
  { start: 0, length: 300 },
  { start: 120, length: 280 },
]);
const horizon = 6;
const ends = labelEndTimes(times, symbols, horizon);
const keep = Uint32Array.from({ length: times.length }, (_, i) => i).filter((i) => Number.isFinite(ends[i]));
const t = Float64Array.from(keep, (i) => times[i]);
const t1 = Float64Array.from(keep, (i) => ends[i]);

for (const [N, k] of [
  [6, 2],
  [5, 3],
  [8, 1],
  [4, 3],
] as const) {
  test(
    `CPCV N=${N} k=${k}: C(N,k) splits, each row tested in C(N-1,k-1) splits = paths, every path covers the ` +
      `timeline once`,
    () => {
      const plan = combinatorialPurgedKFold(t, t1, { nGroups: N, nTestGroups: k, pctEmbargo: 0.02 });
      assert.equal(plan.splits.length, binomial(N, k));
      const phi = binomial(N - 1, k - 1);
      assert.equal(plan.paths.length, phi);
      assert.equal(phi * N, plan.splits.length * k, 'φ = k/N·C(N,k)');
      const testedIn = new Uint32Array(t.length);
      for (const s of plan.splits) {
        assert.equal(s.testGroups.length, k);
        const inTest = new Uint8Array(t.length);
        for (const i of s.test) {
          testedIn[i]++;
          inTest[i] = 1;
          assert.ok(s.testGroups.includes(plan.groupOfRow[i]));
        }
        for (const i of s.train) assert.equal(inTest[i], 0, `split ${s.fold} trains and tests row ${i}`);
        assert.equal(
          s.train.length + s.test.length + s.purged + s.embargoed,
          t.length,
          'every row is train, test, purged or embargoed',
        );
      }
      assert.ok(
        testedIn.every((c) => c === phi),
        'each row tested in exactly φ splits',
      );
      // each path: every group from exactly one split that tests it, so every row exactly once
      for (const [p, path] of plan.paths.entries()) {
        const cover = new Uint32Array(t.length);
        path.forEach((s, g) => {
          assert.ok(
            plan.splits[s].testGroups.includes(g),
            `path ${p} group ${g} from split ${s} which does not test it`,
          );
          for (const i of plan.splits[s].test) if (plan.groupOfRow[i] === g) cover[i]++;
        });
        assert.ok(
          cover.every((c) => c === 1),
          `path ${p} covers every row once`,
        );
      }
      // the (split, group) pairs are used once each across paths
      const used = new Set(plan.paths.flatMap((path) => path.map((s, g) => `${s}:${g}`)));
      assert.equal(used.size, plan.splits.length * k);
    },
  );
}

test(
  'CPCV purge and embargo: no training label interval reaches a test group; the bars after each test group are ' +
    'embargoed',
  () => {
    const pct = 0.03;
    const plan = combinatorialPurgedKFold(t, t1, { nGroups: 6, nTestGroups: 2, pctEmbargo: pct });
    const bars = [...new Set(t)].sort((a, b) => a - b);
    const embargoBars = Math.ceil(pct * bars.length);
    const barOf = new Map(bars.map((b, i) => [b, i]));
    let purgedTotal = 0;
    let embargoedTotal = 0;
    for (const s of plan.splits) {
      for (const g of s.testGroups) {
        const rows = s.test.filter((i) => plan.groupOfRow[i] === g);
        const start = Math.min(...Array.from(rows, (i) => t[i]));
        const end = Math.max(...Array.from(rows, (i) => t1[i]));
        const lastBar = barOf.get(Math.max(...Array.from(rows, (i) => t[i])))!;
        for (const i of s.train) {
          assert.ok(
            t1[i] < start || t[i] > end,
            `split ${s.fold} trains on row ${i} whose label [${t[i]}, ${t1[i]}] overlaps group ${g}`,
          );
          const b = barOf.get(t[i])!;
          assert.ok(
            !(b > lastBar && b <= lastBar + embargoBars),
            `split ${s.fold} trains on row ${i}, ${b - lastBar} bars after test group ${g} (embargo ${embargoBars})`,
          );
        }
      }
      purgedTotal += s.purged;
      embargoedTotal += s.embargoed;
      assert.equal(
        s.purged,
        s.purgedByGroup.reduce((a, b) => a + b, 0),
      );
    }
    assert.ok(purgedTotal > 0, 'overlapping labels make the purge remove rows');
    assert.ok(embargoedTotal > 0, 'an embargo longer than the horizon removes rows the purge kept');
  },
);

test(
  'each path prediction comes from the split the path ' + 'assigns to that group, and every split is fitted once',
  async () => {
    const plan = combinatorialPurgedKFold(t, t1, { nGroups: 5, nTestGroups: 2, pctEmbargo: 0 });
    let fits = 0;
    // predicts the index of the fit, so the prediction names the split that made it
    const tagger: ModelFactory = {
      kind: 'tag',
      tasks: ['regression'],
      defaults: {},
      async fit(X, _y, _p, opts) {
        const id = fits++;
        return {
          kind: 'tag',
          task: opts.task,
          features: X.names,
          predict: (Q) => new Float64Array(Q.rows).fill(id),
          toJSON: () => ({ kind: 'tag', task: opts.task, features: X.names }),
        };
      },
      fromJSON() {
        throw new Error('not used');
      },
    };
    const y = Float64Array.from(t, (_, i) => Math.sin(i));
    const r = await crossValidateCpcv({
      X: matrix({ name: 'x', values: y }),
      y,
      task: 'regression',
      plan,
      models: [{ kind: 'tag', factory: tagger, params: {} }],
      seed: 1,
    });
    assert.equal(fits, plan.splits.length);
    assert.equal(r.perSplit.length, plan.splits.length);
    assert.equal(r.pathOof.tag.length, plan.paths.length);
    for (const [p, oof] of r.pathOof.tag.entries()) {
      for (let i = 0; i < t.length; i++) assert.equal(oof[i], plan.paths[p][plan.groupOfRow[i]], `path ${p} row ${i}`);
    }
    assert.equal(r.pathScores.tag.length, plan.paths.length);
    assert.ok(r.pathScores.tag.every((s) => Number.isFinite(s.rmse)));
  },
);

test(
  'planted leak: near the test-group edges an unpurged CPCV reads the overlapping labels, the purged one does ' + 'not',
  async () => {
    const H = 10;
    const E = 3;
    const d = randomWalkDataset(1500, H, 3);
    const plan = combinatorialPurgedKFold(d.times, d.labelEnds, { nGroups: 6, nTestGroups: 2, pctEmbargo: 0 });
    // control: the same splits with everything outside the test groups kept for training
    const unpurged = {
      ...plan,
      splits: plan.splits.map((s) => {
        const inTest = new Uint8Array(d.times.length);
        for (const i of s.test) inTest[i] = 1;
        return { ...s, train: Uint32Array.from({ length: d.times.length }, (_, i) => i).filter((i) => !inTest[i]) };
      }),
    };
    const edgeAuc = async (p: typeof plan): Promise<number> => {
      const r = await crossValidateCpcv({
        X: matrix({ name: 'bar', values: d.bar }),
        y: d.y,
        task: 'classification',
        plan: p,
        models: [{ kind: 'knn', factory: knnFactory(), params: { k: 1 } }],
        seed: 7,
      });
      // rows within 3 bars of a group boundary (labels overlap the neighbour's by >= 7 of 10 bars), on every path
      const ys: number[] = [];
      const ps: number[] = [];
      for (const oof of r.pathOof.knn) {
        for (let i = 0; i < d.times.length; i++) {
          const g = plan.groupOfRow[i];
          const edge =
            (i + E < d.times.length && plan.groupOfRow[i + E] !== g) || (i >= E && plan.groupOfRow[i - E] !== g);
          if (edge) {
            ys.push(d.y[i]);
            ps.push(oof[i]);
          }
        }
      }
      return rocAuc(Float64Array.from(ys), Float64Array.from(ps));
    };
    const leaky = await edgeAuc(unpurged);
    const purged = await edgeAuc(plan);
    console.log(`# edge AUC unpurged ${leaky.toFixed(4)} purged ${purged.toFixed(4)}`);
    assert.ok(leaky > 0.75, `unpurged edge AUC ${leaky}`);
    assert.ok(Math.abs(purged - 0.5) < 0.12, `purged edge AUC ${purged}`);
  },
);

test('CPCV refuses impossible settings with the key at fault', () => {
  const err = (f: () => unknown, re: RegExp, key: string) =>
    assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && e.location.key === key);
  err(
    () => combinatorialPurgedKFold(t, t1, { nGroups: 4, nTestGroups: 4, pctEmbargo: 0 }),
    /n_test_groups must be a whole number from 1 to n_groups - 1 \(3\), got 4/,
    'n_test_groups',
  );
  err(
    () => combinatorialPurgedKFold(t, t1, { nGroups: 16, nTestGroups: 8, pctEmbargo: 0 }),
    /12870 splits/,
    'n_groups',
  );
  err(
    () => combinatorialPurgedKFold(t.slice(0, 5), t1.slice(0, 5), { nGroups: 6, nTestGroups: 2, pctEmbargo: 0 }),
    /n_groups is 6 but the data has only/,
    'n_groups',
  );
});
