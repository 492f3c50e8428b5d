import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { createLogger, type LogRecord } from '../../../core/log';
import { labelEndTimes } from '../../../core/ml/cv';
import { mulberry32 } from '../../../core/ml/rng';
import { baseDiagnostics, collinearWarnings, zeroWeightWarning } from '../../../core/ml/stacking/diagnostics';
import { metaWalkForward } from '../../../core/ml/stacking/metaFolds';
import { trainStacking } from '../../../core/ml/stacking/train';

const HOUR = 3_600_000;
const ref = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'nonneg_reference.json'), 'utf8')) as {
  classification: { P: number[][] };
  diagnostics: { condition_number: number; correlation: number[][] };
};

/** `symbols` series of `bars` hourly rows, symbol after symbol, with 5 time-block folds. */
function panel(symbols: number, bars: number) {
  const n = symbols * bars;
  const times = new Float64Array(n);
  const codes = new Int32Array(n);
  const fold = new Int32Array(n);
  for (let s = 0; s < symbols; s++) {
    for (let b = 0; b < bars; b++) {
      const i = s * bars + b;
      times[i] = b * HOUR;
      codes[i] = s;
      fold[i] = Math.min(4, Math.floor((b * 5) / bars));
    }
  }
  return { times, codes, fold };
}

test(
  'the meta walk-forward trains on no row whose label interval reaches the scored fold, nor on the embargo ' +
    'bars before it',
  () => {
    const h = 20;
    const { times, codes, fold } = panel(3, 500);
    const labelEnds = labelEndTimes(times, codes, h);
    const { folds, embargoBars } = metaWalkForward({ foldOf: fold, times, labelEnds, pctEmbargo: 0.02 });
    assert.equal(embargoBars, 10);
    assert.deepEqual(
      folds.map((f) => f.fold),
      [1, 2, 3, 4],
    );
    for (const f of folds) {
      const start = f.testStart;
      for (const r of f.train) {
        assert.ok(fold[r] < f.fold, `row ${r} of fold ${fold[r]} trains fold ${f.fold}`);
        assert.ok(labelEnds[r] < start, `row ${r}: label ends ${labelEnds[r]} >= fold start ${start}`);
        assert.ok(times[r] < start - embargoBars * HOUR, `row ${r} is in the embargo`);
      }
      // Brute force: the earlier rows whose label reaches the fold are exactly the purged ones.
      let reach = 0;
      for (let r = 0; r < times.length; r++) if (fold[r] < f.fold && labelEnds[r] >= start) reach++;
      assert.equal(f.purged, reach);
      assert.equal(f.purged, 3 * h, 'the last h bars of each symbol before the fold');
      assert.equal(f.embargoed, 0, 'the 10 embargo bars lie inside the 20 purged ones');
      assert.equal(f.train.length + f.purged + f.embargoed, Array.from(fold).filter((v) => v < f.fold).length);
    }
  },
);

test('an embargo longer than the horizon removes the bars between the purge and the fold', () => {
  const { times, codes, fold } = panel(2, 500);
  const labelEnds = labelEndTimes(times, codes, 5);
  const { folds, embargoBars } = metaWalkForward({ foldOf: fold, times, labelEnds, pctEmbargo: 0.03 });
  assert.equal(embargoBars, 15);
  for (const f of folds) {
    assert.equal(f.purged, 2 * 5);
    assert.equal(f.embargoed, 2 * (15 - 5));
  }
});

test('condition number and correlations of the base predictions match numpy; pairs above 0.99 are warned about', () => {
  const cols = ref.classification.P.map((c) => Float64Array.from(c));
  const d = baseDiagnostics(cols, ['ridge_prob_up', 'logistic_prob_up', 'gbdt_prob_up']);
  assert.ok(
    Math.abs(d.conditionNumber / ref.diagnostics.condition_number - 1) < 1e-6,
    `${d.conditionNumber} vs ${ref.diagnostics.condition_number}`,
  );
  d.correlation.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - ref.diagnostics.correlation[i][j]) < 1e-9)),
  );
  assert.deepEqual(
    d.collinear.map((c) => [c.a, c.b]),
    [['ridge_prob_up', 'logistic_prob_up']],
  );
  const w = collinearWarnings(d);
  assert.equal(w.length, 1);
  assert.match(w[0], /ridge_prob_up and logistic_prob_up correlate at 0\.99\d+ \(> 0\.99\)/);
  const clean = baseDiagnostics([cols[0], cols[2]], ['ridge_prob_up', 'gbdt_prob_up']);
  assert.deepEqual(collinearWarnings(clean), []);
});

/** A CV run whose base predictions are those of writeCvRun's models; `inverted`: each base scores below chance. */
function writeCvRun(root: string, id: string, horizon: number, inverted = false) {
  const symbols = 3,
    bars = 900;
  const { times, fold } = panel(symbols, bars);
  const r = mulberry32(17);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const n = times.length;
  const signal = new Float64Array(n);
  for (let i = 0; i < n; i++) signal[i] = (i % bars === 0 ? 0 : 0.9 * signal[i - 1]) + 0.45 * g();
  const y = Float64Array.from(signal, (v) => (r() < 1 / (1 + Math.exp(-1.5 * v)) ? 1 : 0));
  const ridge = Float64Array.from(signal, (v) => 1 / (1 + Math.exp(-(v + 0.4 * g()))));
  const logistic = Float64Array.from(ridge, (v) => Math.min(1, Math.max(0, v + 0.002 * g())));
  const gbdt = Float64Array.from(signal, (v) => 1 / (1 + Math.exp(-(0.2 * v + g()))));
  const dir = join(root, id);
  mkdirSync(join(dir, 'stacking'), { recursive: true });
  const cols: Record<string, pl.Series> = {
    timestamp: pl.Series(
      'timestamp',
      Array.from(times, (t) => new Date(Date.UTC(2024, 0, 1) + t)),
    ),
    symbol: pl.Series(
      'symbol',
      Array.from({ length: n }, (_, i) => `S${Math.floor(i / bars)}`),
    ),
    fold: pl.Series('fold', fold),
    y_true: pl.Series('y_true', y),
  };
  for (const [m, base] of Object.entries({ ridge, logistic, gbdt })) {
    const p = inverted ? Float64Array.from(base, (v) => 1 - v) : base;
    cols[`${m}_pred`] = pl.Series(
      `${m}_pred`,
      Float64Array.from(p, (v) => (v >= 0.5 ? 1 : 0)),
    );
    cols[`${m}_prob_down`] = pl.Series(
      `${m}_prob_down`,
      Float64Array.from(p, (v) => 1 - v),
    );
    cols[`${m}_prob_up`] = pl.Series(`${m}_prob_up`, p);
  }
  pl.DataFrame(Object.values(cols)).writeParquet(join(dir, 'stacking', `stacking_dataset_h${horizon}.parquet`));
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      id,
      kind: 'cv',
      status: 'complete',
      created: '2026-12-02T00:00:00.000Z',
      config: { pct_embargo: 0.01 },
      seed: 1,
    }),
  );
}

/** Trains stacking (horizon 10, seed 3) on the CV run `cvrun` that writeCvRun wrote under `root`/stacking. */
function trainOn(root: string, log: ReturnType<typeof createLogger>, bootstrap: number) {
  return trainStacking({
    stackingRoot: join(root, 'stacking'),
    runsRoot: join(root, 'runs'),
    cvRunId: 'cvrun',
    horizon: 10,
    seed: 3,
    source: { cli: ['test'] },
    baseDir: root,
    log,
    bootstrap,
  });
}

test(
  'a stacking run: block-bootstrap intervals over bars, purged folds, non-negative weights, stack vs best ' +
    'base, per fold and pooled',
  async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'pb-stack-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    writeCvRun(join(root, 'stacking'), 'cvrun', 10);
    const records: LogRecord[] = [];
    const r = await trainOn(root, createLogger([(x) => records.push(x)], 'debug'), 300);
    assert.equal(r.metaLearner, 'nonneg');
    const m = JSON.parse(readFileSync(join(r.dir, 'metrics.json'), 'utf8'));
    assert.deepEqual(
      {
        method: m.bootstrap.method,
        block: m.bootstrap.block,
        unit: m.bootstrap.unit,
        n: m.bootstrap.n,
        seed: m.bootstrap.seed,
      },
      { method: 'moving_block', block: 10, unit: 'bars', n: 300, seed: 3 },
    );
    assert.equal(m.bootstrap.units, 720, 'four scored folds of 180 bars');
    assert.equal(m.bootstrap.rows, 2160);
    assert.equal(m.walk_forward.folds.length, 4);
    for (const f of m.walk_forward.folds) assert.equal(f.purged, 3 * 10);
    for (const w of Object.values(m.weights as Record<string, number>)) assert.ok(w >= 0 && w < 5, `weight ${w}`);
    assert.ok(Number.isFinite(m.diagnostics.condition_number) && m.diagnostics.condition_number > 10);
    assert.ok(m.warnings.some((w: string) => /ridge_prob_up and logistic_prob_up correlate/.test(w)));
    assert.ok(records.some((x) => x.level === 'warn' && /correlate/.test(x.msg)));
    for (const k of ['roc_auc', 'log_loss', 'accuracy', 'brier']) {
      assert.equal(m.scores.per_fold[k].values.length, 4);
      assert.ok(
        m.scores.pooled[k].low <= m.scores.pooled[k].value && m.scores.pooled[k].value <= m.scores.pooled[k].high,
        k,
      );
    }
    assert.ok(['ridge', 'logistic'].includes(m.comparison.bestBase));
    assert.equal(m.comparison.metric, 'roc_auc');
    assert.ok(Math.abs(m.comparison.stack - m.scores.pooled.roc_auc.value) < 1e-12);
    assert.ok(Math.abs(m.comparison.best - m.base_models[m.comparison.bestBase].pooled.roc_auc.value) < 1e-12);
    assert.ok(
      m.comparison.difference.low <= m.comparison.difference.value &&
        m.comparison.difference.value <= m.comparison.difference.high,
    );
    const manifest = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    assert.match(
      manifest.meta.stack_vs_best_base.description,
      /^stack 0\.\d{4} vs (ridge|logistic) 0\.\d{4} \(roc_auc, pooled over 2,160 rows\)/,
    );
    assert.equal(manifest.metrics.stack_minus_best_base_roc_auc, m.comparison.difference.value);
  },
);

test('bases that score below chance get no weight from nonneg: the stack says it predicts a constant', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pb-stack-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeCvRun(join(root, 'stacking'), 'cvrun', 10, true);
  const r = await trainOn(root, createLogger([], 'error'), 50);
  const m = JSON.parse(readFileSync(join(r.dir, 'metrics.json'), 'utf8'));
  for (const w of Object.values(m.weights as Record<string, number>)) assert.equal(w, 0);
  const said = (m.warnings as string[]).filter((w) => /gave every base model a weight of 0/.test(w));
  assert.equal(said.length, 1, `warnings: ${JSON.stringify(m.warnings)}`);
  assert.match(said[0]!, /predicts a constant/);
  assert.equal(zeroWeightWarning({ a: 0, b: 0.2 }, 'nonneg'), undefined, 'a base with weight is a blend');
});
