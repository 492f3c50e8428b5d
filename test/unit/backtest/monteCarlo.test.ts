import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bandSteps, percentileBands, simulate, type MonteCarloOptions } from '../../../core/backtest/montecarlo';
import { UserError } from '../../../core/errors';
import { backtestPhase } from '../../../core/phases/backtest';
import { monteCarloPhase } from '../../../core/phases/monte_carlo';
import { emptyResult } from '../../../core/spec/types';
import { scanRuns } from '../../../core/runs/scan';
import { context, daily, frameOf, tempDir } from './helpers';

const returns = Float64Array.from({ length: 250 }, (_, i) => 0.01 * Math.sin(1.3 * i) + 0.001);
const O: MonteCarloOptions = {
  method: 'bootstrap',
  blockSize: 1,
  seed: 5,
  initialCapital: 1,
  periodsPerYear: 252,
  resample: 'returns',
};

function runAll(o: MonteCarloOptions, sims: number, batch: number) {
  const steps = bandSteps(returns.length, 20);
  const bands = new Float64Array(sims * steps.length);
  const metrics = [];
  for (let from = 0; from < sims; from += batch) {
    const to = Math.min(sims, from + batch);
    metrics.push(...simulate(returns, o, from, to, steps, bands.subarray(from * steps.length, to * steps.length)));
  }
  return { steps, bands, metrics };
}

test('results do not depend on the batch size; the same seed repeats, another differs', () => {
  const a = runAll(O, 50, 7);
  const b = runAll(O, 50, 50);
  assert.deepEqual(Array.from(a.bands), Array.from(b.bands));
  assert.deepEqual(a.metrics, b.metrics);
  const c = runAll({ ...O, seed: 6 }, 50, 50);
  assert.notDeepEqual(
    c.metrics.map((m) => m.total_return),
    a.metrics.map((m) => m.total_return),
  );
});

test('a block as long as the series replays the original path; iid draws vary around it', () => {
  const original = returns.reduce((e, r) => e * (1 + r), 1) - 1;
  const whole = runAll({ ...O, method: 'block_bootstrap', blockSize: returns.length }, 10, 10);
  for (const m of whole.metrics) assert.ok(Math.abs(m.total_return - original) < 1e-12);
  const iid = runAll(O, 200, 50);
  const finals = iid.metrics.map((m) => m.total_return);
  assert.ok(Math.min(...finals) < original && Math.max(...finals) > original);
  // Every simulated path compounds all 250 draws: the last band step is the final equity.
  const last = iid.steps.length - 1;
  assert.equal(iid.steps[last], returns.length - 1);
  iid.metrics.forEach((m, i) =>
    assert.ok(Math.abs(iid.bands[i * iid.steps.length + last] - (1 + m.total_return)) < 1e-12),
  );
});

test('percentile bands are ordered at every step', () => {
  const { bands, steps } = runAll(O, 300, 100);
  const p = percentileBands(bands, 300, steps.length, [5, 50, 95]);
  for (let j = 0; j < steps.length; j++) assert.ok(p.p5[j] <= p.p50[j] && p.p50[j] <= p.p95[j]);
  assert.ok(p.p95[steps.length - 1] - p.p5[steps.length - 1] > p.p95[1] - p.p5[1], 'bands widen with time');
});

function bars(n = 300) {
  const close: number[] = [];
  let p = 100;
  for (let i = 0; i < n; i++) close.push((p *= 1 + 0.01 * Math.sin(0.8 * i) + 0.001));
  const pred = close.map((_, i) => Math.sin(0.8 * (i + 1)));
  return emptyResult({ dataset: { frame: frameOf([daily(close, pred)]), features: [], labels: [], sources: [] } });
}

test('monte_carlo writes one container per batch and joins the backtest in one workflow run', async () => {
  const dir = tempDir();
  const bt = await backtestPhase.run({ results_dir: 'study' }, [bars()], context(dir, 'bt'));
  const r = await monteCarloPhase.run(
    { results_dir: 'study', simulations: 250, batch_size: 100, method: 'block_bootstrap', block_size: 10 },
    [bt],
    context(dir, 'mc', 'monte_carlo'),
  );
  const phaseDir = join(dir, 'results', 'study', 'demo', 'mc');
  assert.deepEqual(
    readdirSync(phaseDir)
      .filter((f) => f.startsWith('batch_'))
      .sort(),
    ['batch_001_results.json', 'batch_002_results.json', 'batch_003_results.json'],
  );
  const b3 = JSON.parse(readFileSync(join(phaseDir, 'batch_003_results.json'), 'utf8'));
  assert.equal(b3.simulations.length, 50);
  const bands = JSON.parse(readFileSync(join(phaseDir, 'bands.json'), 'utf8'));
  assert.deepEqual(Object.keys(bands.bands), ['p5', 'p25', 'p50', 'p75', 'p95']);
  assert.equal(bands.step.length, 200);
  assert.equal(r.charts[0].id, 'monte-carlo-bands');
  assert.ok(r.metrics!.total_return_p5 < r.metrics!.total_return_p95);
  const run = (await scanRuns(context(dir).roots)).find((x) => x.id === 'study/demo')!;
  assert.equal(run.kind, 'workflow');
  assert.deepEqual(run.phases, ['bt', 'mc']);
  assert.equal(run.status, 'complete');
  assert.equal(typeof run.metrics['mc.prob_loss'], 'number');
  await assert.rejects(
    monteCarloPhase.run({}, [bars()], context(dir, 'mc2', 'monte_carlo')),
    (e: unknown) => e instanceof UserError && /upstream `backtest`/.test(e.message),
  );
});

test(
  'monte_carlo resamples blocks of bars by default ' + '(sqrt of the length); iid only when asked for by ' + 'name',
  async () => {
    const dir = tempDir();
    const bt = await backtestPhase.run({ results_dir: 'study' }, [bars()], context(dir, 'bt'));
    const byDefault = await monteCarloPhase.run(
      { results_dir: 'study', simulations: 50 },
      [bt],
      context(dir, 'mc', 'monte_carlo'),
    );
    assert.match(String(byDefault.summary.method), /^block bootstrap \(\d+\)$/);
    assert.equal(byDefault.metrics!.block_size, Math.round(Math.sqrt(299)), 'sqrt of the 299 bar returns');
    const iid = await monteCarloPhase.run(
      { results_dir: 'study', simulations: 50, method: 'bootstrap' },
      [bt],
      context(dir, 'mc_iid', 'monte_carlo'),
    );
    assert.equal(iid.summary.method, 'bootstrap');
  },
);
