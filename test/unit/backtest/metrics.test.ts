import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBacktest } from '../../../core/backtest/engine';
import { computeMetrics, periodsPerYearFromTimes } from '../../../core/backtest/metrics';
import { prepareFrame, seriesFromFrame } from '../../../core/backtest/series';
import { DEFAULT_PORTFOLIO, type PortfolioSettings } from '../../../core/backtest/types';
import { frameOf, type SymbolRows } from './helpers';

interface RefCase {
  input: string;
  settings: PortfolioSettings & { column: string };
  expected: Record<string, number> & { equity_tail: number[] };
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'reference.json'), 'utf8')) as {
  inputs: Record<string, SymbolRows[]>;
  cases: Record<string, RefCase>;
};

function close(actual: number, expected: number, what: string): void {
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs pandas ${expected}`);
}

for (const [name, c] of Object.entries(ref.cases)) {
  test(`metrics equal the pandas reference: ${name}`, () => {
    const df = prepareFrame(frameOf(ref.inputs[c.input]), {});
    const series = seriesFromFrame(df, c.settings.column);
    const { column: _column, ...settings } = c.settings;
    const run = runBacktest(series, { ...DEFAULT_PORTFOLIO, ...settings });
    const ppy = periodsPerYearFromTimes(series.barTimes)!;
    const m = computeMetrics(run.portfolio, run.trades, {
      initialCapital: settings.initial_capital,
      periodsPerYear: ppy,
    });
    for (const [k, v] of Object.entries(c.expected)) {
      if (k === 'equity_tail') continue;
      close(m[k as keyof typeof m], v as number, k);
    }
    const eq = run.portfolio.equity;
    c.expected.equity_tail.forEach((v, i) => close(eq[eq.length - 5 + i], v, `equity[-${5 - i}]`));
  });
}
