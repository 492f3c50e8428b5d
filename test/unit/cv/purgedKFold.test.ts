import { test } from 'node:test';
import assert from 'node:assert/strict';
import { purgedKFold } from '../../../core/ml/cv/purgedKFold';
import { labelEndTimes } from '../../../core/ml/cv/labelEnds';
import { UserError } from '../../../core/errors';
import { HOUR, T0, panel } from './helpers';

// Three symbols; the third lists late and the second stops early, so bars hold 1-3 rows.
const { times, symbols } = panel([
  { start: 0, length: 400 },
  { start: 0, length: 300 },
  { start: 120, length: 280 },
]);
const horizon = 6;
const labelEnds = labelEndTimes(times, symbols, horizon);
const finite = Uint32Array.from({ length: times.length }, (_, i) => i).filter((i) => Number.isFinite(labelEnds[i]));
// Labelled rows only (unlabelled rows are dropped before CV), label ends from the full series.
const t = Float64Array.from(finite, (i) => times[i]);
const t1 = Float64Array.from(finite, (i) => labelEnds[i]);
const distinct = [...new Set(t)].sort((a, b) => a - b);

test('every labelled row is tested by exactly one fold, and a timestamp never straddles two folds', () => {
  const folds = purgedKFold(t, t1, { nSplits: 5, pctEmbargo: 0.02 });
  assert.equal(folds.length, 5);
  const seen = new Int32Array(t.length).fill(-1);
  for (const f of folds)
    for (const i of f.test) {
      assert.equal(seen[i], -1, `row ${i} tested twice`);
      seen[i] = f.fold;
    }
  assert.ok(seen.every((k) => k >= 0));
  const foldOfTime = new Map<number, number>();
  t.forEach((time, i) => {
    const k = foldOfTime.get(time) ?? seen[i];
    assert.equal(k, seen[i], `rows at ${new Date(time).toISOString()} split across folds`);
    foldOfTime.set(time, k);
  });
  // contiguous blocks in time, in order, roughly balanced by rows
  for (let k = 1; k < folds.length; k++) assert.ok(folds[k - 1].testEnd < folds[k].testStart);
  for (const f of folds)
    assert.ok(Math.abs(f.test.length - t.length / 5) <= 3, `fold ${f.fold} has ${f.test.length} rows`);
});

test("no training row has a label interval overlapping any test row's label interval (checked pairwise)", () => {
  for (const f of purgedKFold(t, t1, { nSplits: 5, pctEmbargo: 0 })) {
    for (const i of f.train) {
      for (const j of f.test) {
        const disjoint = t1[i] < t[j] || t[i] > t1[j];
        assert.ok(
          disjoint,
          `fold ${f.fold}: train row ${i} [${t[i]}, ${t1[i]}] overlaps test row ${j} [${t[j]}, ${t1[j]}]`,
        );
      }
    }
  }
});

test('training = every row that is not tested, not overlapping and not embargoed (nothing else is dropped)', () => {
  const pct = 0.02;
  const embargoBars = Math.ceil(pct * distinct.length);
  for (const f of purgedKFold(t, t1, { nSplits: 4, pctEmbargo: pct })) {
    const inTest = new Set(f.test);
    let maxEnd = -Infinity;
    for (const j of f.test) maxEnd = Math.max(maxEnd, t1[j]);
    const endBar = distinct.indexOf(f.testEnd);
    const embargoed = new Set(distinct.slice(endBar + 1, endBar + 1 + embargoBars));
    const expected: number[] = [];
    for (let i = 0; i < t.length; i++) {
      if (inTest.has(i)) continue;
      if (!(t1[i] < f.testStart || t[i] > maxEnd)) continue;
      if (embargoed.has(t[i])) continue;
      expected.push(i);
    }
    assert.deepEqual([...f.train], expected, `fold ${f.fold}`);
    // the embargo really removes rows that purging alone would keep (the first test block is followed by training data)
    if (f.fold === 0) {
      assert.ok(f.embargoed > 0);
      for (const i of f.train) assert.ok(!embargoed.has(t[i]), 'embargoed timestamp in training');
    }
  }
});

test('purging removes the rows just before the test block whose labels reach into it', () => {
  const single = Float64Array.from({ length: 100 }, (_, i) => T0 + i * HOUR);
  const ends = Float64Array.from(single, (x) => x + 3 * HOUR);
  const f = purgedKFold(single, ends, { nSplits: 5, pctEmbargo: 0 })[2]; // tests bars 40..59
  const train = new Set(f.train);
  assert.ok(train.has(36) && !train.has(37) && !train.has(38) && !train.has(39), 'rows 37-39 label into bar 40');
  assert.ok(
    !train.has(60) && !train.has(62) && train.has(63),
    'rows 60-62 start inside the test labels (which end at bar 62)',
  );
  assert.equal(f.purged, 6);
  const embargoed = purgedKFold(single, ends, { nSplits: 5, pctEmbargo: 0.05 })[2]; // 5 bars: 60..64
  assert.ok(!new Set(embargoed.train).has(64) && new Set(embargoed.train).has(65));
  assert.equal(embargoed.embargoed, 2); // 63, 64 (60-62 already purged)
});

test('rows may come in any order; folds are the same rows', () => {
  const perm = Uint32Array.from({ length: t.length }, (_, i) => i).reverse();
  const a = purgedKFold(t, t1, { nSplits: 3, pctEmbargo: 0.01 });
  const b = purgedKFold(
    Float64Array.from(perm, (i) => t[i]),
    Float64Array.from(perm, (i) => t1[i]),
    { nSplits: 3, pctEmbargo: 0.01 },
  );
  for (let k = 0; k < 3; k++) {
    assert.deepEqual(
      [...b[k].test].map((i) => perm[i]).sort((x, y) => x - y),
      [...a[k].test],
    );
    assert.deepEqual(
      [...b[k].train].map((i) => perm[i]).sort((x, y) => x - y),
      [...a[k].train],
    );
  }
});

test('user mistakes name the key or the row', () => {
  const few = Float64Array.from([T0, T0 + HOUR, T0 + 2 * HOUR]);
  assert.throws(
    () => purgedKFold(few, few, { nSplits: 5, pctEmbargo: 0 }),
    (e: unknown) =>
      e instanceof UserError && e.location.key === 'n_splits' && /only 3 distinct timestamps/.test(e.message),
  );
  assert.throws(
    () => purgedKFold(few, few, { nSplits: 2, pctEmbargo: 1.5 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'pct_embargo',
  );
  const holed = Float64Array.from([T0, NaN, T0 + 2 * HOUR]);
  assert.throws(
    () => purgedKFold(holed, few, { nSplits: 2, pctEmbargo: 0 }),
    (e: unknown) => e instanceof UserError && e.location.row === 2,
  );
});

test("label ends follow each symbol's own bars, and are open (+Infinity) where the horizon runs past the data", () => {
  // symbol 1 skips bar 2: its label 2 bars ahead of bar 1 ends at bar 4
  const tt = Float64Array.from([0, 0, 1, 1, 2, 3, 4, 4].map((b) => T0 + b * HOUR));
  const ss = Int32Array.from([0, 1, 0, 1, 0, 0, 0, 1]);
  const ends = labelEndTimes(tt, ss, 2);
  assert.deepEqual(
    [...ends].map((e) => (Number.isFinite(e) ? (e - T0) / HOUR : e)),
    [2, 4, 3, Infinity, 4, Infinity, Infinity, Infinity],
  );
  assert.throws(
    () => labelEndTimes(Float64Array.from([T0, T0]), Int32Array.from([0, 0]), 1),
    (e: unknown) => e instanceof UserError && e.location.row === 2,
  );
});
