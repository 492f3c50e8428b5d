// Backtest benchmarks.
//  1. engine: a 2M-bar backtest (positions, costs, trades, portfolio) + its metrics, median of 5;
//     then the same bars through a portfolio container with the default tracing (trade events).
//  2. memory: a 100-window walk-forward (logistic retrained per window, 2 portfolios, results on
//     disk), printing resident memory after each window (after a GC) — the curve should be flat.
// Usage: npm run bench:backtest [-- --bars 2000000 --windows 100 --part engine|memory|all]
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { runContainer } from '../../core/backtest/container';
import { runBacktest } from '../../core/backtest/engine';
import { computeMetrics } from '../../core/backtest/metrics';
import { WORKFLOW_DEFAULTS } from '../../core/backtest/resultsSettings';
import { DEFAULT_PORTFOLIO, type BarSeries } from '../../core/backtest/types';
import { runWalkForward, BAR_COLUMN } from '../../core/backtest/walkForward';
import { walkForwardWindows } from '../../core/backtest/windows';
import { expandGrid } from '../../core/backtest/grid';
import { prepareFrame } from '../../core/backtest/series';
import { buildLabels } from '../../core/phases/labels';
import { silentLogger } from '../../core/log';
import { mulberry32 } from '../../core/ml/rng';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const part = arg('part', 'all');
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (b: number) => (b / 2 ** 20).toFixed(1);

function engineBench(): void {
  const n = Number(arg('bars', '2000000'));
  const rng = mulberry32(1);
  const signal = new Float64Array(n);
  const ret = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ret[i] = (rng() - 0.5) * 0.02;
    signal[i] = (i > 0 ? 0.9 * signal[i - 1] : 0) + (rng() - 0.5); // persistent: trades last a few bars
  }
  const series: BarSeries = {
    signal,
    ret,
    starts: Int32Array.of(0),
    symbols: ['BENCH'],
    bar: Int32Array.from({ length: n }, (_, i) => i),
    barTimes: Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 60_000),
  };
  const settings = { ...DEFAULT_PORTFOLIO, mode: 'threshold' as const, threshold: 0.2, fee_bps: 2, slippage_bps: 1 };
  const wall: number[] = [];
  const cpu: number[] = [];
  let trades = 0;
  for (let k = 0; k < 7; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const run = runBacktest(series, settings);
    const m = computeMetrics(run.portfolio, run.trades, {
      initialCapital: settings.initial_capital,
      periodsPerYear: 525_960,
    });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    trades = m.trade_count;
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(
    `engine: ${n.toLocaleString('en')} bars, ${trades.toLocaleString('en')} trades: backtest + metrics ` +
      `median ${med(wall).toFixed(0)} ms wall ` +
      `(min ${Math.min(...wall).toFixed(0)}), median ${med(cpu).toFixed(0)} ms CPU (min ` +
      `${Math.min(...cpu).toFixed(0)}); load average ${loadavg()[0].toFixed(1)}`,
  );
  const t1 = performance.now();
  const c = runContainer(series, {
    id: 'portfolio_001',
    params: {},
    settings,
    results: WORKFLOW_DEFAULTS.parameter_search,
    periodsPerYear: 525_960,
  });
  console.log(
    `container (trace ${WORKFLOW_DEFAULTS.parameter_search.event_tracing.join(', ')}; ` +
      `${WORKFLOW_DEFAULTS.parameter_search.retention_policy}): ${(performance.now() - t1).toFixed(0)} ms, ` +
      `${Object.values(c.results.event_counts)
        .reduce((a, b) => a + b, 0)
        .toLocaleString('en')} events traced, peak ` +
      `retained ${c.results.peak_retained_events}, ${c.results.trades!.length.toLocaleString('en')} trade records`,
  );
}

async function memoryBench(): Promise<void> {
  const windows = Number(arg('windows', '100'));
  const trainBars = 2000;
  const testBars = 500;
  const n = trainBars + windows * testBars + 1;
  const rng = mulberry32(2);
  const r = Array.from({ length: n }, () => (rng() - 0.5) * 0.02);
  const close: number[] = [];
  let p = 100;
  for (const x of r) close.push((p *= 1 + x));
  const frame0 = pl.DataFrame([
    pl
      .Series(
        'timestamp',
        Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 3_600_000),
      )
      .cast(pl.Int64)
      .cast(pl.Datetime('ms', 'UTC')),
    pl.Series('symbol', new Array<string>(n).fill('BENCH'), pl.Utf8),
    pl.Series('close', close, pl.Float64),
    pl.Series(
      'f1',
      r.map((_, i) => (r[i + 1] ?? 0) + (rng() - 0.5) * 0.02),
      pl.Float64,
    ),
    pl.Series(
      'f2',
      Array.from({ length: n }, () => rng()),
      pl.Float64,
    ),
  ]);
  const built = buildLabels(frame0, { horizon: 1 });
  let df = prepareFrame(built.frame, {});
  df = df.withColumns(pl.col('timestamp').rank('dense').cast(pl.Int32).sub(1).alias(BAR_COLUMN));
  const wins = walkForwardWindows(df.height, { train_bars: trainBars, test_bars: testBars, purge_bars: 1 });
  const dir = join(tmpdir(), `pb-bench-wf-${process.pid}`);
  const label = built.labels.find((l) => l.task === 'classification')!;
  const rss: number[] = [];
  gc?.();
  const start = process.memoryUsage().rss;
  console.log(
    `memory: ${wins.length} windows (train ${trainBars}, test ${testBars} bars), start RSS ${mb(start)} ` +
      `MB${gc ? '' : ' (run with --expose-gc for a GC before each reading)'}`,
  );
  const t0 = performance.now();
  await runWalkForward({
    frame: df,
    windows: wins,
    features: ['f1', 'f2'],
    label,
    model: 'logistic',
    params: {},
    points: expandGrid({ ...DEFAULT_PORTFOLIO, center: 0.5 }, { fee_bps: [0, 5] }),
    results: WORKFLOW_DEFAULTS.walk_forward,
    periodsPerYear: 8766,
    phase: 'wf',
    stageDir: dir,
    seed: 1,
    log: silentLogger,
    onWindow: () => {
      gc?.();
      rss.push(process.memoryUsage().rss);
    },
  });
  const secs = (performance.now() - t0) / 1000;
  const line: string[] = [];
  rss.forEach((v, i) => line.push(`${i + 1}:${mb(v)}`));
  console.log(`RSS MB after each window: ${line.join(' ')}`);
  const firstTen = rss.slice(0, 10).reduce((a, b) => a + b, 0) / Math.min(10, rss.length);
  const lastTen = rss.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, rss.length);
  const tenAt = (from: number) =>
    rss.slice(from, from + 10).reduce((a, b) => a + b, 0) / rss.slice(from, from + 10).length;
  console.log(
    `mean RSS windows 1-10 ${mb(firstTen)} MB, 21-30 ${mb(tenAt(20))} MB, last 10 ${mb(lastTen)} MB; ` +
      `drift after warm-up (21-30 -> last 10) ${mb(lastTen - tenAt(20))} MB; ${secs.toFixed(1)} s total`,
  );
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (part === 'engine' || part === 'all') engineBench();
  if (part === 'memory' || part === 'all') await memoryBench();
}

void main();
