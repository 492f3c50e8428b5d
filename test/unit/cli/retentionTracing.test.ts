// Issue 20 item 2 through the CLI: retention knows positions from the portfolio's own trades, so with
// `event_tracing: [POSITION_OPEN, FILL]` (no POSITION_CLOSE) `minimal` and `trade_complete` keep the
// same memory bound, and report the same open_positions, as when closes are traced. Before the fix,
// minimal kept every POSITION_OPEN (peak = trades) and trade_complete every event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, readJson, writePredictionCsv } from './cliHarness';

const SYMBOLS = 3;
const TRACINGS = { open_fill: '[POSITION_OPEN, FILL]', open_close_fill: '[POSITION_OPEN, POSITION_CLOSE, FILL]' };
const POLICIES = ['minimal', 'trade_complete'] as const;

interface Container {
  event_counts: Record<string, number>;
  peak_retained_events: number;
  events: { type: string; trade_id?: number }[];
  open_positions: { trade_id: number; symbol: string }[];
}
type Results = Record<string, Container>;

/** Runs one backtest cell per policy and tracing on `bars` bars per symbol; the container results by cell name. */
async function runAll(
  bars: number,
): Promise<{ results: Results; trades: { trade_id: number; symbol: string; open_at_end: boolean }[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-retention-'));
  try {
    writePredictionCsv(join(dir, 'data.csv'), SYMBOLS, bars);
    let nb = '# %% load prices\nsource: data.csv\n';
    for (const p of POLICIES)
      for (const [name, tr] of Object.entries(TRACINGS))
        nb += `\n# %% backtest ${p}_${name}\nresults_storage: disk\nevent_tracing: ${tr}\nretention_policy: ${p}\n`;
    nb +=
      '\n# %% backtest all_trades\nresults_storage: disk\nevent_tracing: [POSITION_OPEN, POSITION_CLOSE, ' +
      'FILL]\nretention_policy: sliding_window\n';
    writeFileSync(join(dir, 'nb.pipeline'), nb);
    const r = await cli(dir, ['run', 'nb.pipeline']);
    assert.equal(r.code, 0, r.out + r.err);
    const results: Results = {};
    for (const p of POLICIES)
      for (const name of Object.keys(TRACINGS)) {
        const cell = `${p}_${name}`;
        results[cell] = readJson(join(dir, 'results', `nb_${cell}`, cell, 'portfolio_001_results.json'));
      }
    return { results, trades: readJson(join(dir, 'results', 'nb_all_trades', 'all_trades', 'all_trades.json')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  "event_tracing [POSITION_OPEN, FILL]: minimal and trade_complete keep their bound and report the portfolio's " +
    'open positions',
  async () => {
    const short = await runAll(300);
    const long = await runAll(3000);
    for (const { results, trades } of [short, long]) {
      const trades_n = trades.length;
      assert.ok(trades_n > 50, `many trades (${trades_n})`);
      // What the portfolio holds at the end: the trades open at the end are marked to market on the last
      // bar (closed), so nothing is open after the run, whatever is traced.
      const openAtEnd = trades.filter((t) => t.open_at_end).length;
      assert.ok(openAtEnd >= 1 && openAtEnd <= SYMBOLS, `trades held to the last bar: ${openAtEnd}`);
      for (const p of POLICIES) {
        const of = results[`${p}_open_fill`]!;
        const ocf = results[`${p}_open_close_fill`]!;
        assert.equal(of.event_counts.POSITION_CLOSE, undefined, 'closes are not traced');
        assert.equal(of.event_counts.POSITION_OPEN, trades_n, `${p}: every open is counted`);
        // minimal: one POSITION_OPEN per open position, at most one per symbol; trade_complete: per open
        // trade its open, its entry fill and (on the bar it closes, until the close drops them) its exit
        // fill. The old code held every open (minimal) or every event (trade_complete).
        const bound = p === 'minimal' ? SYMBOLS : 3 * SYMBOLS;
        assert.ok(
          of.peak_retained_events <= bound,
          `${p}: peak ${of.peak_retained_events} <= ${bound} with ${trades_n} trades`,
        );
        assert.equal(
          of.peak_retained_events,
          ocf.peak_retained_events,
          `${p}: the same bound as when closes are traced`,
        );
        assert.deepEqual(
          of.open_positions,
          ocf.open_positions,
          `${p}: the same open positions as when closes are traced`,
        );
        assert.deepEqual(of.open_positions, [], `${p}: no position is open after the last bar`);
        assert.deepEqual(of.events, [], `${p}: no event of a closed trade is retained`);
      }
    }
    // The bound does not grow with the run: 10x the bars and the trades, the same bound (checked above).
    assert.ok(long.trades.length > 5 * short.trades.length, `${long.trades.length} vs ${short.trades.length} trades`);
  },
);
