import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { scalePhase } from '../../../core/phases/scale';
import { applyScaler, fitScaler, type ScaleMethod, type ScalerJSON } from '../../../core/frame/scalers';
import { UserError } from '../../../core/errors';
import { approxEqual, column, context, dataset, input, tempDir, timestamps, T0, HOUR } from './helpers';

const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'pandas_reference.json'), 'utf8')) as {
  symbol: string[];
  x: number[];
  train_rows_per_symbol: number;
  scalers: Record<ScaleMethod, { transformed_all: number[] }>;
};

/** The reference frame with a split column: the first 40 rows of each symbol train, then val, then test. */
function refFrame(): pl.DataFrame {
  const n = ref.x.length / 2;
  const split = ref.symbol.map((_, i) => (i % n < ref.train_rows_per_symbol ? 'train' : i % n < 50 ? 'val' : 'test'));
  return pl.DataFrame([
    timestamps(ref.symbol.map((_, i) => T0 + (i % n) * HOUR)),
    pl.Series('symbol', ref.symbol),
    pl.Series('x', ref.x),
    pl.Series('split', split),
  ]);
}

for (const method of ['standard', 'minmax', 'robust'] as ScaleMethod[]) {
  test(
    `${method} scaling fitted on train rows equals ` + `scikit-learn's ${method} scaler fitted on the same ` + `rows`,
    async () => {
      const res = await scalePhase.run(
        { method },
        input(dataset(refFrame(), { features: ['x'], featureSetId: 'abc123abc123' })),
        context(tempDir()),
      );
      const got = column(res.dataset!.frame, 'x');
      got.forEach((g, i) =>
        assert.ok(
          approxEqual(g, ref.scalers[method].transformed_all[i], 1e-9),
          `row ${i}: ${g} vs ${ref.scalers[method].transformed_all[i]}`,
        ),
      );
    },
  );
}

test(
  'planted huge val/test values do not move the saved ' + 'statistics: they equal those of the train rows alone',
  async () => {
    const base = refFrame();
    const planted = base.withColumns(
      pl
        .when(pl.col('split').eq(pl.lit('train')))
        .then(pl.col('x'))
        .otherwise(pl.lit(1e12))
        .alias('x'),
    );
    const trainOnly = base.filter(pl.col('split').eq(pl.lit('train')));
    for (const method of ['standard', 'minmax', 'robust'] as ScaleMethod[]) {
      for (const perSymbol of [false, true]) {
        const res = await scalePhase.run(
          { method, per_symbol: perSymbol },
          input(dataset(planted, { features: ['x'], featureSetId: 'abc123abc123' })),
          context(tempDir()),
        );
        const saved = JSON.parse(readFileSync(res.dataset!.scalerPath!, 'utf8')) as ScalerJSON;
        assert.deepEqual(
          saved.params,
          fitScaler(trainOnly, ['x'], method, perSymbol).params,
          `${method} per_symbol=${perSymbol}`,
        );
      }
    }
  },
);

test('the phase fits on train only even when val/test hold huge values', async () => {
  const planted = refFrame().withColumns(
    pl
      .when(pl.col('split').eq(pl.lit('train')))
      .then(pl.col('x'))
      .otherwise(pl.lit(1e12))
      .alias('x'),
  );
  const res = await scalePhase.run(
    { method: 'standard' },
    input(dataset(planted, { features: ['x'], featureSetId: 'abc123abc123' })),
    context(tempDir()),
  );
  const train = res.dataset!.frame.filter(pl.col('split').eq(pl.lit('train')));
  const mean = Number(train.getColumn('x').mean());
  const std = Math.sqrt(Number(train.select(pl.col('x').pow(2).mean()).getColumn('x').get(0)) - mean * mean);
  assert.ok(Math.abs(mean) < 1e-12, `train mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 1e-9, `train std ${std}`);
});

test(
  'per-symbol scaling standardises each symbol on its ' +
    'own training rows; the saved JSON reapplies ' +
    'identically',
  async () => {
    const dir = tempDir();
    const frame = refFrame().withColumns(
      pl
        .when(pl.col('symbol').eq(pl.lit('BBB')))
        .then(pl.col('x').mul(1000))
        .otherwise(pl.col('x'))
        .alias('x'),
    );
    const res = await scalePhase.run(
      { method: 'standard', per_symbol: true },
      input(dataset(frame, { features: ['x'], featureSetId: 'feedfeedfeed' })),
      context(dir),
    );
    const path = res.dataset!.scalerPath!;
    assert.equal(path, join(dir, 'artifacts', 'scaler_feedfeedfeed.json'));
    const saved = JSON.parse(readFileSync(path, 'utf8')) as ScalerJSON;
    assert.deepEqual(Object.keys(saved.params), ['AAA', 'BBB']);
    assert.deepEqual(saved.rows_fitted, { AAA: 40, BBB: 40 });
    for (const s of ['AAA', 'BBB']) {
      const tr = res.dataset!.frame.filter(
        pl
          .col('symbol')
          .eq(pl.lit(s))
          .and(pl.col('split').eq(pl.lit('train'))),
      );
      assert.ok(Math.abs(Number(tr.getColumn('x').mean())) < 1e-9);
    }
    assert.deepEqual(column(applyScaler(frame, saved), 'x'), column(res.dataset!.frame, 'x'));
  },
);

test('scale without a split column, or with a bad column, is a UserError', async () => {
  const noSplit = refFrame().drop('split');
  await assert.rejects(
    scalePhase.run({}, input(dataset(noSplit, { features: ['x'] })), context(tempDir())),
    (e: unknown) => e instanceof UserError && /no 'split' column/.test(e.message),
  );
  await assert.rejects(
    scalePhase.run({ columns: ['y'] }, input(dataset(refFrame(), { features: ['x'] })), context(tempDir())),
    (e: unknown) => e instanceof UserError && e.location.key === 'columns',
  );
});
