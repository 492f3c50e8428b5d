import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { preprocessFrame, preprocessPhase } from '../../../core/phases/preprocess';
import { UserError } from '../../../core/errors';
import { approxEqual, column, context, dataset, input, tempDir, timestamps, T0, HOUR } from './helpers';

/** 10 rows per symbol; values v, nulls where v is null; split 6 train / 4 test when withSplit. */
function frame(values: Record<string, (number | null)[]>, withSplit: boolean): pl.DataFrame {
  const syms = Object.keys(values);
  const n = values[syms[0]].length;
  const cols = [
    timestamps(syms.flatMap(() => Array.from({ length: n }, (_, i) => T0 + i * HOUR))),
    pl.Series(
      'symbol',
      syms.flatMap((s) => Array(n).fill(s)),
    ),
    pl.Series(
      'v',
      syms.flatMap((s) => values[s]),
      pl.Float64,
    ),
  ];
  if (withSplit)
    cols.push(
      pl.Series(
        'split',
        syms.flatMap(() => Array.from({ length: n }, (_, i) => (i < 6 ? 'train' : 'test'))),
      ),
    );
  return pl.DataFrame(cols);
}

const A = [1, 2, null, 4, 5, 6, null, 1000, 2000, null];
const B = [10, 20, 30, null, 50, 60, 70, null, 9000, 9000];

test('mean impute fills with the per-symbol mean of the training rows only (planted huge test values ignored)', () => {
  const out = preprocessFrame(frame({ A, B }, true), { scenario: 'mean_impute' });
  assert.equal(out.fitDescribe, "split == 'train'");
  assert.equal(out.fitRows, 12);
  const a = column(out.frame.filter(pl.col('symbol').eq(pl.lit('A'))), 'v');
  const meanA = (1 + 2 + 4 + 5 + 6) / 5;
  assert.deepEqual(a, [1, 2, meanA, 4, 5, 6, meanA, 1000, 2000, meanA]);
  const b = column(out.frame.filter(pl.col('symbol').eq(pl.lit('B'))), 'v');
  assert.equal(b[3], (10 + 20 + 30 + 50 + 60) / 5);
  assert.equal(b[7], 34);
  assert.ok(approxEqual(out.naBefore.v, 5 / 20));
  assert.equal(out.naAfter.v, 0);
});

test('median impute without a split column fits on the first 70% of each symbol (or before fit_until)', () => {
  const out = preprocessFrame(frame({ A }, false), { scenario: 'median_impute' });
  // first 7 rows: 1, 2, 4, 5, 6 (nulls ignored) -> median 4
  assert.equal(out.fitRows, 7);
  assert.deepEqual(column(out.frame, 'v'), [1, 2, 4, 4, 5, 6, 4, 1000, 2000, 4]);
  const until = preprocessFrame(frame({ A }, false), { scenario: 'median_impute', fit_until: '2024-01-01T03:00:00Z' });
  // rows before 03:00 are rows 0-2: 1, 2 -> median 1.5
  assert.equal(until.fitRows, 3);
  assert.equal(column(until.frame, 'v')[2], 1.5);
  const global = preprocessFrame(frame({ A, B }, true), { scenario: 'median_impute', per_symbol: false });
  // train values of both symbols: 1 2 4 5 6 10 20 30 50 60 -> median (6 + 10) / 2
  assert.equal(column(global.frame, 'v')[2], 8);
});

test('winsorize clips to quantiles of the training rows; the count of moved values is reported', () => {
  const vals = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -500, 500];
  const f = pl.DataFrame([
    timestamps(vals.map((_, i) => T0 + i * HOUR)),
    pl.Series(
      'symbol',
      vals.map(() => 'A'),
    ),
    pl.Series('v', vals, pl.Float64),
    pl.Series(
      'split',
      vals.map((_, i) => (i < 10 ? 'train' : 'test')),
    ),
  ]);
  const out = preprocessFrame(f, { scenario: 'outlier_treatment', method: 'winsorize', limits: [0.1, 0.9] });
  // numpy linear quantiles of 1..10: q10 = 1.9, q90 = 9.1
  const got = column(out.frame, 'v') as number[];
  assert.ok(
    approxEqual(got[0], 1.9) && approxEqual(got[9], 9.1) && approxEqual(got[10], 1.9) && approxEqual(got[11], 9.1),
  );
  assert.deepEqual(got.slice(1, 9), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(out.clipped.v, 4);
  const iqr = preprocessFrame(f, { scenario: 'outlier_treatment', method: 'iqr', limits: 1.5 });
  // q1 = 3.25, q3 = 7.75, IQR 4.5 -> bounds [-3.5, 14.5]
  assert.deepEqual((column(iqr.frame, 'v') as number[]).slice(9), [10, -3.5, 14.5]);
  assert.equal(iqr.clipped.v, 2);
});

test('bad settings are UserErrors naming the key', () => {
  const f = frame({ A }, false);
  const bad = (cfg: Parameters<typeof preprocessFrame>[1], key: string) =>
    assert.throws(
      () => preprocessFrame(f, cfg, [], 'pre'),
      (e: unknown) => e instanceof UserError && e.location.key === key,
      key,
    );
  bad({ scenario: 'outlier_treatment', limits: [0.9, 0.1] }, 'limits');
  bad({ scenario: 'mean_impute', columns: ['w'] }, 'columns');
  bad({ scenario: 'mean_impute', fit_until: 'yesterday' }, 'fit_until');
  bad({ scenario: 'mean_impute', fit_until: '2020-01-01' }, 'fit_until');
});

test('the phase reports NA rates per column before and after', async () => {
  const res = await preprocessPhase.run(
    { scenario: 'mean_impute' },
    input(dataset(frame({ A, B }, true))),
    context(tempDir()),
  );
  assert.equal(res.summary['na v'], '25.00% -> 0.00%');
  assert.equal(res.summary.na_rate_before, '25.00%');
  assert.equal(res.tables[0].frame.height, 1);
});
