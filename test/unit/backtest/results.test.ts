import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../../core/backtest/engine';
import { emitEvents, EVENT_TYPES, type EventType } from '../../../core/backtest/events';
import { resolveResultsSettings, resultsSettingsFor, WORKFLOW_DEFAULTS } from '../../../core/backtest/resultsSettings';
import { EventTracer } from '../../../core/backtest/tracer';
import { DEFAULT_PORTFOLIO, type BarSeries } from '../../../core/backtest/types';
import { UserError } from '../../../core/errors';

function longSeries(n: number): BarSeries {
  // A position that flips every 7 bars: many short trades.
  const signal = Float64Array.from({ length: n }, (_, i) =>
    Math.floor(i / 7) % 3 === 0 ? 1 : Math.floor(i / 7) % 3 === 1 ? -1 : 0,
  );
  return {
    signal,
    ret: Float64Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i)),
    starts: Int32Array.of(0),
    symbols: ['AAA'],
    bar: Int32Array.from({ length: n }, (_, i) => i),
    barTimes: new Float64Array(n).fill(NaN),
  };
}

function trace(
  policy: 'trade_complete' | 'sliding_window' | 'minimal',
  n: number,
  windowSize = 50,
  types: readonly EventType[] = EVENT_TYPES,
) {
  const s = longSeries(n);
  const run = runBacktest(s, DEFAULT_PORTFOLIO);
  const tracer = new EventTracer({ types, policy, windowSize });
  emitEvents(
    run,
    s,
    tracer.types,
    (e) => tracer.trace(e),
    (e) => tracer.position(e),
  );
  return { tracer, run };
}

test('retention: sliding_window keeps exactly the last N events, however long the run', () => {
  const small = trace('sliding_window', 2_000, 50).tracer;
  const big = trace('sliding_window', 20_000, 50).tracer;
  assert.equal(big.retained().length, 50);
  assert.equal(big.peakRetained, 50);
  const last = big.retained();
  assert.equal(last[last.length - 1].bar, 19_999, 'newest last');
  assert.ok(
    big.counts.PORTFOLIO_UPDATE === 20_000 && small.counts.PORTFOLIO_UPDATE === 2_000,
    'every event is counted',
  );
});

test("retention: trade_complete drops a trade's events when it closes, so memory does not grow with the run", () => {
  const a = trace('trade_complete', 2_000).tracer;
  const b = trace('trade_complete', 20_000).tracer;
  assert.equal(a.peakRetained, b.peakRetained, 'peak bounded by the longest trade, not the length');
  assert.ok(b.peakRetained < 40);
  // What is left: only events after the last close.
  const left = b.retained();
  assert.ok(left.every((e) => e.type !== 'POSITION_CLOSE'));
});

test('retention: minimal keeps only the open positions', () => {
  const { tracer, run } = trace('minimal', 1_000);
  const open = tracer.openPositions();
  // The data ends inside a trade; it is closed (marked to market) in the event stream, so nothing stays open.
  assert.equal(run.trades.openAtEnd[run.trades.count - 1], 1);
  assert.equal(open.length, 0);
  assert.equal(tracer.retained().length, 0);
  const partial = new EventTracer({ types: ['POSITION_OPEN', 'POSITION_CLOSE'], policy: 'minimal', windowSize: 1 });
  partial.position({ type: 'POSITION_OPEN', bar: 3, trade_id: 0, symbol: 'AAA', side: 'long', size: 1 });
  partial.trace({ type: 'POSITION_OPEN', bar: 3, trade_id: 0, symbol: 'AAA', side: 'long', size: 1 });
  partial.trace({ type: 'FILL', bar: 3, trade_id: 0, symbol: 'AAA', from: 0, to: 1, quantity: 1, cost: 0 });
  assert.deepEqual(
    partial.openPositions().map((e) => e.trade_id),
    [0],
  );
  assert.equal(partial.retained().length, 1);
});

test(
  'retention knows positions from the portfolio, not from what is traced: no POSITION_CLOSE traced, same bound ' +
    'and open positions',
  () => {
    const partialTypes: EventType[] = ['POSITION_OPEN', 'FILL'];
    for (const policy of ['trade_complete', 'minimal'] as const) {
      const all = trace(policy, 20_000).tracer;
      const some = trace(policy, 20_000, 50, partialTypes).tracer;
      const short = trace(policy, 2_000, 50, partialTypes).tracer;
      assert.equal(some.counts.POSITION_CLOSE, undefined, 'closes are not traced');
      assert.ok(some.counts.POSITION_OPEN! > 1_000, `${policy}: many trades (${some.counts.POSITION_OPEN})`);
      assert.equal(some.peakRetained, short.peakRetained, `${policy}: the memory bound does not grow with the run`);
      assert.ok(
        some.peakRetained <= (policy === 'minimal' ? 1 : 10),
        `${policy}: at most one open trade's events (${some.peakRetained})`,
      );
      assert.deepEqual(
        some.openPositions(),
        all.openPositions(),
        `${policy}: the same open positions whatever is traced`,
      );
      // Every retained event belongs to a trade still open at the end (none: the data ends by marking the last one to
      // market).
      assert.deepEqual(
        some.retained().filter((e) => e.type !== 'PORTFOLIO_UPDATE'),
        [],
      );
    }
    // Mid-run, the open positions are the portfolio's: one at a time for one symbol.
    const s = longSeries(100);
    const run = runBacktest(s, DEFAULT_PORTFOLIO);
    const tracer = new EventTracer({ types: ['FILL'], policy: 'minimal', windowSize: 1 });
    let most = 0;
    emitEvents(
      run,
      s,
      tracer.types,
      (e) => tracer.trace(e),
      (e) => {
        tracer.position(e);
        most = Math.max(most, tracer.openPositions().length);
      },
    );
    assert.equal(most, 1, 'at most one position open per symbol, with POSITION_OPEN not even traced');
  },
);

test('precedence: workflow default when nothing is set', () => {
  const s = resultsSettingsFor({ parameter_search: 'parameter_search', validation: 'validation' }, {});
  assert.deepEqual(s.parameter_search, WORKFLOW_DEFAULTS.parameter_search);
  assert.deepEqual(s.validation, WORKFLOW_DEFAULTS.validation);
  assert.equal(s.parameter_search.results_storage, 'disk');
  assert.equal(s.validation.results_storage, 'memory');
});

test("precedence: global results_storage overrides every phase's default", () => {
  const s = resultsSettingsFor(
    { parameter_search: 'parameter_search', validation: 'validation' },
    { results_storage: 'memory' },
  );
  assert.equal(s.parameter_search.results_storage, 'memory');
  assert.equal(s.validation.results_storage, 'memory');
  assert.equal(s.parameter_search.retention_policy, 'trade_complete', 'other defaults kept');
});

test('precedence: phase_overrides beat the global setting, for that phase only', () => {
  const s = resultsSettingsFor(
    { parameter_search: 'parameter_search', validation: 'validation' },
    {
      results_storage: 'memory',
      phase_overrides: {
        parameter_search: {
          results_storage: 'disk',
          event_tracing: ['POSITION_OPEN', 'POSITION_CLOSE', 'FILL', 'PORTFOLIO_UPDATE'],
          retention_policy: 'sliding_window',
        },
      },
    },
  );
  assert.equal(s.parameter_search.results_storage, 'disk');
  assert.equal(s.parameter_search.retention_policy, 'sliding_window');
  assert.deepEqual(s.parameter_search.event_tracing, ['POSITION_OPEN', 'POSITION_CLOSE', 'FILL', 'PORTFOLIO_UPDATE']);
  assert.equal(s.validation.results_storage, 'memory');
  assert.equal(s.validation.retention_policy, 'sliding_window');
});

test('precedence: an override replaces a list, it does not merge it; defaults are never mutated', () => {
  const d = WORKFLOW_DEFAULTS.single_pass;
  const before = JSON.stringify(d);
  const r = resolveResultsSettings(d, { event_tracing: ['FILL'] });
  assert.deepEqual(r.event_tracing, ['FILL']);
  r.event_tracing.push('POSITION_OPEN');
  assert.equal(JSON.stringify(d), before);
});

test('mistakes name the key: unknown phase in phase_overrides, unknown event type', () => {
  assert.throws(
    () =>
      resultsSettingsFor(
        { validation: 'validation' },
        { phase_overrides: { validaton: { results_storage: 'disk' } } },
        'bt',
      ),
    (e: unknown) =>
      e instanceof UserError &&
      /did you mean 'validation'/.test(e.message) &&
      e.location.key === 'phase_overrides' &&
      e.location.cell === 'bt',
  );
  assert.throws(
    () => resultsSettingsFor({ backtest: 'single_pass' }, { event_tracing: ['FILLS'] }, 'bt'),
    (e: unknown) => e instanceof UserError && /unknown event type 'FILLS' \(did you mean 'FILL'\?\)/.test(e.message),
  );
});

test('what a container keeps follows its retention policy', async () => {
  const { runContainer } = await import('../../../core/backtest/container');
  const s = longSeries(5_000);
  const base = { id: 'portfolio_001', params: {}, settings: DEFAULT_PORTFOLIO, periodsPerYear: 252 };
  const all = [...EVENT_TYPES];
  const sliding = runContainer(s, {
    ...base,
    results: {
      results_storage: 'disk',
      event_tracing: all,
      retention_policy: 'sliding_window',
      sliding_window_size: 100,
    },
  }).results;
  assert.equal(sliding.events.length, 100);
  assert.equal(sliding.equity_curve!.length, 100, 'the last 100 bars of equity');
  assert.equal(sliding.equity_curve![99][0], 4_999);
  const complete = runContainer(s, {
    ...base,
    results: {
      results_storage: 'disk',
      event_tracing: all,
      retention_policy: 'trade_complete',
      sliding_window_size: 100,
    },
  }).results;
  assert.equal(complete.equity_curve!.length, 2_000, 'the whole curve, thinned');
  assert.equal(complete.trades!.length, complete.event_counts.POSITION_CLOSE);
  const minimal = runContainer(s, {
    ...base,
    results: { results_storage: 'disk', event_tracing: all, retention_policy: 'minimal', sliding_window_size: 100 },
  }).results;
  assert.equal(minimal.trades, undefined);
  assert.equal(minimal.equity_curve, undefined);
  assert.deepEqual(minimal.metrics, complete.metrics, 'metrics never depend on retention');
  const untraced = runContainer(s, {
    ...base,
    results: {
      results_storage: 'disk',
      event_tracing: [],
      retention_policy: 'trade_complete',
      sliding_window_size: 100,
    },
  }).results;
  assert.deepEqual(untraced.event_counts, {});
  assert.equal(untraced.equity_curve, undefined, 'no PORTFOLIO_UPDATE, no equity curve');
});
