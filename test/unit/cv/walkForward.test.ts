import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walkForward } from '../../../core/ml/cv/walkForward';
import { labelEndTimes } from '../../../core/ml/cv/labelEnds';
import { UserError } from '../../../core/errors';
import { HOUR, panel } from './helpers';

const { times, symbols } = panel([
  { start: 0, length: 240 },
  { start: 0, length: 240 },
]);
const bars = [...new Set(times)].sort((a, b) => a - b);
const barOf = (time: number): number => bars.indexOf(time);
const maxTime = (rows: Uint32Array): number => Math.max(...[...rows].map((i) => times[i]));
const minTime = (rows: Uint32Array): number => Math.min(...[...rows].map((i) => times[i]));

test('expanding walk-forward: training always precedes its test block by the gap, and grows', () => {
  const folds = walkForward(times, { nSplits: 4, mode: 'expanding', gap: 3 });
  assert.equal(folds.length, 4);
  for (const f of folds) {
    assert.equal(barOf(minTime(f.test)) - barOf(maxTime(f.train)) - 1, 3, `fold ${f.fold}: gap of 3 bars`);
    assert.equal(minTime(f.train), bars[0], 'expanding starts at the first bar');
  }
  for (let k = 1; k < folds.length; k++) {
    assert.ok(folds[k].train.length > folds[k - 1].train.length, 'expanding grows');
    assert.equal(barOf(folds[k].testStart), barOf(folds[k - 1].testEnd) + 1, 'test blocks are back to back');
  }
  assert.equal(folds[3].testEnd, bars[bars.length - 1], 'the last test block ends with the data');
  assert.equal(
    folds[0].test.length,
    2 * Math.floor((240 - 3) / 5),
    'default test size = (bars - gap) / (n_splits + 1), both symbols',
  );
});

test('sliding walk-forward keeps the window size and moves it forward', () => {
  const folds = walkForward(times, { nSplits: 5, mode: 'sliding', trainSize: 60, testSize: 20 });
  for (const f of folds) {
    assert.equal(f.train.length, 2 * 60, `fold ${f.fold} window`);
    assert.equal(f.test.length, 2 * 20);
    assert.ok(maxTime(f.train) < minTime(f.test));
    assert.equal(barOf(maxTime(f.train)) + 1, barOf(minTime(f.test)), 'no gap by default');
  }
  for (let k = 1; k < folds.length; k++) assert.equal(minTime(folds[k].train) - minTime(folds[k - 1].train), 20 * HOUR);
  // rows before the first window are never tested
  const tested = new Set(folds.flatMap((f) => [...f.test]));
  assert.equal(tested.size, 2 * 100);
});

test('with label ends, training rows whose labels reach the test block are purged', () => {
  const ends = labelEndTimes(times, symbols, 10);
  const plain = walkForward(times, { nSplits: 3, mode: 'expanding' });
  const purged = walkForward(times, { nSplits: 3, mode: 'expanding', labelEnds: ends });
  for (let k = 0; k < 3; k++) {
    for (const i of purged[k].train) assert.ok(ends[i] < purged[k].testStart);
    assert.equal(plain[k].train.length - purged[k].train.length, 2 * 10, 'the last 10 bars of each symbol go');
    assert.equal(purged[k].purged, 20);
  }
});

test('too little data for the requested splits is a user error naming the key', () => {
  assert.throws(
    () => walkForward(times.slice(0, 20), { nSplits: 4, mode: 'sliding', trainSize: 8, testSize: 2 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'test_size' && /the data has 10/.test(e.message),
  );
  assert.throws(
    () => walkForward(times, { nSplits: 3, mode: 'expanding', gap: -1 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'gap',
  );
});
