import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { buildLabels, labelsPhase } from '../../../core/phases/labels';
import { UserError } from '../../../core/errors';
import { approxEqual, column, context, dataset, input, priceFrame, tempDir, timestamps, T0, HOUR } from './helpers';

function series(symbol: string, closes: number[]): pl.DataFrame {
  return pl.DataFrame([
    timestamps(closes.map((_, i) => T0 + i * HOUR)),
    pl.Series(
      'symbol',
      closes.map(() => symbol),
    ),
    pl.Series('close', closes),
  ]);
}

test('forward return over H per symbol; the last H rows of each symbol are dropped, never filled', () => {
  const frame = pl.concat([series('A', [100, 101, 99, 102, 104]), series('B', [10, 9, 9, 12, 11])]);
  const out = buildLabels(frame, { horizon: 2 });
  assert.equal(out.droppedTail, 4);
  assert.equal(out.frame.height, 6);
  const fwd = column(out.frame, 'fwd_ret_h2');
  const want = [99 / 100 - 1, 102 / 101 - 1, 104 / 99 - 1, 9 / 10 - 1, 12 / 9 - 1, 11 / 9 - 1];
  fwd.forEach((v, i) => assert.ok(approxEqual(v, want[i]), `row ${i}: ${v} vs ${want[i]}`));
  // binary direction: up = return > 0 (code 1), down otherwise (0) — a zero return is down
  assert.deepEqual(column(out.frame, 'dir_h2'), [0, 1, 1, 0, 1, 1]);
  assert.deepEqual(out.labels, [
    { column: 'fwd_ret_h2', horizon: 2, task: 'regression' },
    { column: 'dir_h2', horizon: 2, task: 'classification', classes: ['down', 'up'] },
  ]);
});

test('a threshold gives three classes down/flat/up', () => {
  const out = buildLabels(series('A', [100, 100.5, 103, 97, 96.9, 96.9]), { horizon: 1, threshold: 0.01 });
  // returns: +0.5% flat, +2.49% up, -5.8% down, -0.1% flat, 0 flat
  assert.deepEqual(column(out.frame, 'dir_h1'), [1, 2, 0, 1, 1]);
  assert.deepEqual(out.labels[1].classes, ['down', 'flat', 'up']);
});

test('several horizons: rows are kept only where the longest horizon is complete', () => {
  const out = buildLabels(priceFrame(['A', 'B'], 30), { horizons: [10, 5] });
  assert.equal(out.frame.height, 40);
  assert.equal(out.droppedTail, 20);
  assert.deepEqual(
    out.labels.map((l) => l.column),
    ['fwd_ret_h5', 'dir_h5', 'fwd_ret_h10', 'dir_h10'],
  );
  assert.equal(out.frame.select(pl.col('fwd_ret_h10').isNull().sum()).getColumn('fwd_ret_h10').get(0), 0);
});

test('a null target drops the rows whose horizon reaches it, and they are counted apart from the tail', () => {
  const out = buildLabels(series('A', [100, 101, NaN, 103, 104, 105]).withColumn(pl.col('close').fillNan(null)), {
    horizon: 1,
  });
  // rows 1 (looks at the null) and 2 (is null) are dropped; row 5 is the tail
  assert.equal(out.droppedTail, 1);
  assert.equal(out.droppedNull, 2);
  assert.deepEqual(column(out.frame, 'close'), [100, 103, 104]);
});

test('task selects the label entries; mistakes are UserErrors naming the key', () => {
  const out = buildLabels(priceFrame(['A'], 10), { horizon: 3, task: 'classification' });
  assert.deepEqual(
    out.labels.map((l) => l.column),
    ['dir_h3'],
  );
  assert.ok(out.frame.columns.includes('fwd_ret_h3'));
  const badKey = (cfg: Parameters<typeof buildLabels>[1], key: string, re: RegExp) =>
    assert.throws(
      () => buildLabels(priceFrame(['A'], 10), cfg, 'labels'),
      (e: unknown) => e instanceof UserError && e.location.key === key && re.test(e.message),
    );
  badKey({ target: 'clos' }, 'target', /did you mean 'close'/);
  badKey({ horizon: 2, horizons: [3] }, 'horizons', /either/);
  badKey({ threshold: -1 }, 'threshold', />= 0/);
});

test('the phase appends labels to the dataset and reports class shares', async () => {
  const res = await labelsPhase.run(
    { horizon: 4 },
    input(dataset(priceFrame(['A', 'B'], 50), { features: ['close'] })),
    context(tempDir()),
  );
  assert.equal(res.dataset!.labels.length, 2);
  assert.equal(res.summary.rows, 92);
  assert.equal(res.summary.dropped_tail_rows, 8);
  const up = res.metrics!['share_dir_h4_up'];
  const down = res.metrics!['share_dir_h4_down'];
  assert.ok(approxEqual(up + down, 1));
  assert.match(String(res.summary.classes_h4), /^down \d+\.\d%, up \d+\.\d%$/);
});
