import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { walkForwardWindows } from '../../../core/backtest/windows';
import { isBacktestValue } from '../../../core/backtest/value';
import { UserError } from '../../../core/errors';
import { mulberry32 } from '../../../core/ml/rng';
import { buildLabels } from '../../../core/phases/labels';
import { emptyResult } from '../../../core/spec/types';
import { walkForwardPhase } from '../../../core/phases/walk_forward';
import { scanRuns } from '../../../core/runs/scan';
import { context, daily, frameOf, tempDir } from './helpers';

test('windows: rolling and expanding, purged, the last test cut at the end', () => {
  const rolling = walkForwardWindows(100, { train_bars: 40, test_bars: 25, purge_bars: 3 });
  assert.deepEqual(
    rolling.map((w) => [w.trainStart, w.trainEnd, w.testStart, w.testEnd]),
    [
      [0, 37, 40, 65],
      [25, 62, 65, 90],
      [50, 87, 90, 100],
    ],
  );
  const expanding = walkForwardWindows(100, { train_bars: 40, test_bars: 30, window: 'expanding' });
  assert.deepEqual(
    expanding.map((w) => [w.trainStart, w.trainEnd, w.testStart, w.testEnd]),
    [
      [0, 40, 40, 70],
      [0, 70, 70, 100],
    ],
  );
  assert.deepEqual(
    expanding.map((w) => w.id),
    ['window_000', 'window_001'],
  );
  assert.throws(
    () => walkForwardWindows(50, { train_bars: 60, test_bars: 5 }, 'wf'),
    (e: unknown) => e instanceof UserError && e.location.key === 'train_bars' && /50 bars/.test(e.message),
  );
});

/** Daily bars whose feature `x` forecasts the next bar's move (noisily): a model can learn it. */
function labelled(n: number) {
  const rng = mulberry32(3);
  const r = Array.from({ length: n }, () => (rng() - 0.5) * 0.02);
  const close: number[] = [];
  let p = 100;
  for (let i = 0; i < n; i++) close.push((p *= 1 + r[i]));
  const x = r.map((_, i) => (i + 1 < n ? r[i + 1] : 0) + (rng() - 0.5) * 0.01);
  const frame = frameOf([{ ...daily(close, x), x }]).drop('pred');
  const built = buildLabels(frame, { horizon: 1 });
  return emptyResult({ dataset: { frame: built.frame, features: ['x'], labels: built.labels, sources: [] } });
}

test('walk_forward retrains per window, writes each window, and the run lists its windows', async () => {
  const dir = tempDir();
  const ctx = context(dir, 'wf', 'walk_forward');
  const r = await walkForwardPhase.run(
    { train_bars: 200, test_bars: 100, fee_bps: 1, grid: { threshold: [0, 0.2] }, mode: 'threshold' },
    [labelled(700)],
    ctx,
  );
  const phaseDir = join(dir, 'results', 'demo_wf', 'wf');
  const windows = readdirSync(phaseDir)
    .filter((d) => d.startsWith('window_'))
    .sort();
  assert.deepEqual(windows, ['window_000', 'window_001', 'window_002', 'window_003', 'window_004']);
  for (const w of windows) {
    for (const f of ['aggregate_results.json', 'phase_summary.json', 'all_trades.json', 'portfolio_002_results.json'])
      assert.ok(existsSync(join(phaseDir, w, f)), `${w}/${f}`);
  }
  const info = JSON.parse(readFileSync(join(phaseDir, 'windows.json'), 'utf8'));
  // 699 labelled bars: tests at 200..299, ..., 600..698; training always ends a purge bar before the test.
  assert.deepEqual(
    info.windows.map((w: { test_rows: number }) => w.test_rows),
    [100, 100, 100, 100, 99],
  );
  for (const w of info.windows as { train: [string, string]; test: [string, string] }[]) {
    assert.ok(
      Date.parse(w.train[1]) < Date.parse(w.test[0]) - 86_400_000 + 1,
      'purged: the last training label ends before the test starts',
    );
  }
  const v = r.value;
  assert.ok(isBacktestValue(v));
  assert.equal(v.returns.length, 499, 'stitched out-of-sample bars');
  assert.ok(
    v.best.metrics.sharpe_ratio! > 1,
    `the planted forecast is learned out of sample (sharpe ${v.best.metrics.sharpe_ratio})`,
  );
  assert.deepEqual(
    r.charts.map((c) => c.id),
    ['backtest-equity', 'walk-forward-windows'],
  );

  const run = (await scanRuns(ctx.roots)).find((x) => x.id === 'demo_wf')!;
  assert.equal(run.status, 'complete');
  assert.equal(run.folds, 5);
  assert.deepEqual(run.phases, ['wf']);
  const manifest = JSON.parse(readFileSync(join(dir, 'results', 'demo_wf', 'run.json'), 'utf8'));
  assert.deepEqual(manifest.meta.windows.wf, windows);
  // the stitched out-of-sample result is the first trial of the cell's study: no selection adjustment yet
  assert.match(String(r.summary.selection), /^Sharpe \d+\.\d\d · 1 trial: no selection adjustment$/);
  assert.deepEqual(manifest.meta.selection, { wf: r.summary.selection });
  assert.deepEqual(run.selection, { wf: r.summary.selection });
});

test('walk_forward names a missing label and a too-long training window', async () => {
  const dir = tempDir();
  const ctx = context(dir, 'wf', 'walk_forward');
  await assert.rejects(
    walkForwardPhase.run({ train_bars: 50, test_bars: 10, label: 'dir_h2' }, [labelled(200)], ctx),
    (e: unknown) => e instanceof UserError && /did you mean 'dir_h1'/.test(e.message),
  );
  await assert.rejects(
    walkForwardPhase.run({ train_bars: 500, test_bars: 10 }, [labelled(200)], ctx),
    (e: unknown) => e instanceof UserError && e.location.key === 'train_bars',
  );
  const noLabels = emptyResult({
    dataset: { frame: pl.DataFrame({ x: [1] }), features: ['x'], labels: [], sources: [] },
  });
  await assert.rejects(
    walkForwardPhase.run({ train_bars: 5, test_bars: 5 }, [noLabels], ctx),
    (e: unknown) => e instanceof UserError && /labels/.test(e.message),
  );
});
