import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestPhase } from '../../../core/phases/backtest';
import { isBacktestValue } from '../../../core/backtest/value';
import { UserError, ValidationError } from '../../../core/errors';
import { emptyResult } from '../../../core/spec/types';
import { scanRuns } from '../../../core/runs/scan';
import { context, daily, frameOf, tempDir } from './helpers';

function input(n = 300) {
  const close: number[] = [];
  const pred: number[] = [];
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= 1 + 0.01 * Math.sin(0.9 * i) + 0.002 * Math.cos(3.1 * i);
    close.push(p);
    pred.push(Math.sin(0.9 * (i + 1)) + 0.2 * Math.cos(0.37 * i)); // a noisy forecast of the next bar
  }
  const frame = frameOf([daily(close, pred)]);
  return emptyResult({ dataset: { frame, features: [], labels: [], sources: [] } });
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('backtest writes the results layout with a grid of portfolios, and scanRuns lists the run', async () => {
  const dir = tempDir();
  const ctx = context(dir, 'bt');
  const r = await backtestPhase.run({ grid: { threshold: [0, 0.5], fee_bps: [0, 10] } }, [input()], ctx);
  const phaseDir = join(dir, 'results', 'demo_bt', 'bt');
  // notes/002: results/{workflow_id}/{phase}/{container_id}_results.json, no containers/ folder
  assert.ok(!existsSync(join(phaseDir, 'containers')));
  assert.deepEqual(
    readdirSync(phaseDir)
      .filter((f) => f.startsWith('portfolio_'))
      .sort(),
    [
      'portfolio_001_results.json',
      'portfolio_002_results.json',
      'portfolio_003_results.json',
      'portfolio_004_results.json',
    ],
  );
  const agg = json(join(phaseDir, 'aggregate_results.json'));
  assert.equal(agg.containers_tracked, 4);
  assert.equal(agg.aggregate_metrics.portfolio_count, 4);
  const all = [1, 2, 3, 4].map((i) => json(join(phaseDir, `portfolio_00${i}_results.json`)));
  const sharpes = all.map((c) => c.metrics.sharpe_ratio as number);
  assert.equal(agg.aggregate_metrics.best_sharpe_ratio, Math.max(...sharpes));
  assert.ok(Math.abs(agg.aggregate_metrics.avg_sharpe_ratio - sharpes.reduce((a, b) => a + b) / 4) < 1e-12);
  // fees only lower the result of the same thresholds
  assert.ok(all[1].metrics.total_return < all[0].metrics.total_return);
  assert.deepEqual(all[1].params, { threshold: 0, fee_bps: 10 });
  const trades = json(join(phaseDir, 'all_trades.json'));
  assert.equal(trades.length, agg.total_trades);
  assert.equal(
    trades.length,
    all.reduce((a, c) => a + c.trades.length, 0),
  );
  assert.ok(trades.every((t: { container_id: string }) => /^portfolio_00[1-4]$/.test(t.container_id)));
  const summary = json(join(phaseDir, 'phase_summary.json'));
  assert.equal(summary.phase, 'bt');
  assert.deepEqual(summary.containers, ['portfolio_001', 'portfolio_002', 'portfolio_003', 'portfolio_004']);
  assert.equal(summary.config.results_storage, 'disk');
  // The default tracing of a single pass has the equity curve.
  assert.equal(all[0].equity_curve.length, 300);
  assert.equal(all[0].equity_curve[299][1], all[0].metrics.final_equity);
  assert.equal(all[0].equity_curve[0][0], Date.UTC(2024, 0, 1), '[epoch ms, equity] pairs');

  assert.ok(isBacktestValue(r.value));
  assert.equal(r.charts[0].id, 'backtest-equity');
  assert.equal(r.metrics!.best_sharpe_ratio, agg.aggregate_metrics.best_sharpe_ratio);

  const runs = await scanRuns(ctx.roots);
  const run = runs.find((x) => x.id === 'demo_bt')!;
  assert.equal(run.kind, 'backtest');
  assert.equal(run.status, 'complete');
  assert.deepEqual(run.keyMetric?.name, 'sharpe_ratio');
});

test(
  'train_test: search on the train rows, validate the ' + 'best on the test rows; validation stays in memory',
  async () => {
    const dir = tempDir();
    const ctx = context(dir, 'bt');
    const r = await backtestPhase.run(
      { sequence: 'train_test', results_dir: 'exp1', grid: { threshold: [0, 0.3, 0.6] } },
      [input(400)],
      ctx,
    );
    // notes/002: results/{results_dir}/{workflow_id}/{phase}/ (workflow_id defaults to the notebook's name)
    const root = join(dir, 'results', 'exp1', 'demo');
    assert.ok(existsSync(join(root, 'parameter_search', 'portfolio_003_results.json')));
    assert.ok(existsSync(join(root, 'parameter_search', 'all_trades.json')));
    // validation defaults to memory: summaries only, containers handed downstream
    assert.ok(!existsSync(join(root, 'validation', 'portfolio_001_results.json')));
    assert.ok(existsSync(join(root, 'validation', 'phase_summary.json')));
    const v = r.value;
    assert.ok(isBacktestValue(v));
    assert.equal(v.phase, 'validation');
    assert.equal(v.containers.validation.length, 1);
    const search = json(join(root, 'parameter_search', 'aggregate_results.json')).aggregate_metrics;
    assert.equal(v.best.container_id, search.best_container_id, 'the validated portfolio is the search winner');
    assert.equal(v.returns.length, 80, 'the last 20% of 400 bars');
    const manifest = json(join(root, 'run.json'));
    assert.equal(manifest.kind, 'workflow');
    assert.deepEqual(manifest.meta.phases, ['parameter_search', 'validation']);
    assert.equal(typeof manifest.metrics['validation.sharpe_ratio'], 'number');
    const runs = await scanRuns(ctx.roots);
    const run = runs.find((x) => x.id === 'exp1/demo')!;
    assert.equal(run.dir, root);
    assert.equal(run.kind, 'workflow');
    assert.deepEqual(run.phases, ['parameter_search', 'validation']);
  },
);

test('phase_overrides put the validation on disk too; re-running replaces the phase', async () => {
  const dir = tempDir();
  const ctx = context(dir, 'bt');
  const cfg = {
    sequence: 'train_test' as const,
    results_dir: 'exp2',
    phase_overrides: { validation: { results_storage: 'disk' as const } },
  };
  await backtestPhase.run(cfg, [input()], ctx);
  await backtestPhase.run(cfg, [input()], ctx);
  assert.deepEqual(
    readdirSync(join(dir, 'results', 'exp2', 'demo', 'validation')).filter((f) => f.startsWith('portfolio_')),
    ['portfolio_001_results.json'],
  );
  // another cell may not overwrite it
  await assert.rejects(
    backtestPhase.run(cfg, [input()], context(dir, 'other')),
    (e: unknown) => e instanceof UserError && /was written by demo\.pipeline#bt/.test(e.message),
  );
});

test('user mistakes name the column, key or data row', async () => {
  const dir = tempDir();
  const ctx = context(dir, 'bt');
  await assert.rejects(
    backtestPhase.run({ prediction: 'prd' }, [input()], ctx),
    (e: unknown) => e instanceof UserError && /no column 'prd' \(did you mean 'pred'\?\)/.test(e.message),
  );
  await assert.rejects(
    backtestPhase.run({ mode: 'probability' }, [input()], ctx),
    (e: unknown) => e instanceof ValidationError && e.location.dataColumn === 'pred' && e.location.row === 2,
  );
  await assert.rejects(
    backtestPhase.run({ grid: { treshold: [1] } as never }, [input()], ctx),
    (e: unknown) => e instanceof UserError && /did you mean 'threshold'/.test(e.message),
  );
  const noPrice = emptyResult({
    dataset: { frame: input().dataset!.frame.drop('close'), features: [], labels: [], sources: [] },
  });
  await assert.rejects(
    backtestPhase.run({}, [noPrice], ctx),
    (e: unknown) => e instanceof UserError && e.location.key === 'price',
  );
});
