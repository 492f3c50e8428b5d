import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../core/errors';
import { alignFeeds, resampleBars, runAlign } from '../../../core/phases/align';
import { frameOf, iso, phaseContext, resultOf } from './helpers';

const HOUR = 3_600_000;

/** 1h BTC bars from 00:00 to 03:00. */
const prices = frameOf({
  timestamp: ['2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z', '2024-01-01T03:00:00Z'],
  symbol: ['BTC', 'BTC', 'BTC', 'BTC'],
  close: [100, 101, 102, 103],
});

test('as-of alignment never shows a bar a value stamped at or after its close (planted future value)', () => {
  const funding = frameOf({
    timestamp: ['2024-01-01T00:10:00Z', '2024-01-01T01:59:59.999Z', '2024-01-01T03:00:00Z'],
    symbol: ['BTC', 'BTC', 'BTC'],
    // 999 is stamped exactly at the close of the 02:00 bar, i.e. the open of the 03:00 bar
    funding_rate: [0.001, 0.002, 999],
  });
  const { frame } = alignFeeds(
    [
      { name: 'prices', frame: prices },
      { name: 'funding', frame: funding },
    ],
    HOUR,
  );
  assert.deepEqual(frame.columns, ['timestamp', 'symbol', 'close', 'funding_rate']);
  assert.deepEqual(frame.getColumn('timestamp').toArray().map(iso), [
    '2024-01-01T00:00:00.000Z',
    '2024-01-01T01:00:00.000Z',
    '2024-01-01T02:00:00.000Z',
    '2024-01-01T03:00:00.000Z',
  ]);
  // bar 00:00 closes 01:00: sees 00:10; bar 01:00 sees 01:59:59.999; bar 02:00 carries it; only bar 03:00 sees 999
  assert.deepEqual(frame.getColumn('funding_rate').toArray(), [0.001, 0.002, 0.002, 999]);
  // the property itself: every joined value was stamped before its bar's close
  const stamps = new Map([
    [0.001, Date.parse('2024-01-01T00:10:00Z')],
    [0.002, Date.parse('2024-01-01T01:59:59.999Z')],
    [999, Date.parse('2024-01-01T03:00:00Z')],
  ]);
  frame
    .toRecords()
    .forEach((r) => assert.ok(stamps.get(Number(r.funding_rate))! < (r.timestamp as unknown as Date).getTime() + HOUR));
});

test('resampling: bars are labelled by open time; OHLC by meaning, volume summed, levels last', () => {
  const minute = frameOf({
    timestamp: ['2024-01-01T00:00:00Z', '2024-01-01T00:30:00Z', '2024-01-01T00:59:00Z', '2024-01-01T01:00:00Z'],
    symbol: ['ETH', 'ETH', 'ETH', 'ETH'],
    open: [1, 2, 3, 4],
    high: [5, 9, 6, 4],
    low: [1, 0.5, 2, 4],
    close: [2, 3, 4, 4],
    volume: [10, 20, 30, 1],
    open_interest: [7, 8, 9, 10],
  });
  const bars = resampleBars(minute, HOUR).toRecords();
  assert.equal(bars.length, 2);
  assert.deepEqual(
    {
      t: iso(bars[0].timestamp),
      open: bars[0].open,
      high: bars[0].high,
      low: bars[0].low,
      close: bars[0].close,
      volume: bars[0].volume,
      oi: bars[0].open_interest,
    },
    { t: '2024-01-01T00:00:00.000Z', open: 1, high: 9, low: 0.5, close: 4, volume: 60, oi: 9 },
  );
  assert.equal(iso(bars[1].timestamp), '2024-01-01T01:00:00.000Z');
  assert.equal(resampleBars(minute, HOUR, { volume: 'mean' }).row(0)[6], 20);
});

test('as-of is per symbol: one symbol never receives another symbol’s value', () => {
  const base = frameOf({
    timestamp: ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z'],
    symbol: ['BTC', 'ETH', 'ETH'],
    close: [1, 2, 3],
  });
  const oi = frameOf({ timestamp: ['2024-01-01T00:00:00Z'], symbol: ['BTC'], open_interest: [42] });
  const { frame, report } = alignFeeds(
    [
      { name: 'prices', frame: base },
      { name: 'oi', frame: oi },
    ],
    HOUR,
  );
  assert.deepEqual(
    frame.toRecords().map((r) => [r.symbol, r.open_interest]),
    [
      ['BTC', 42],
      ['ETH', null],
      ['ETH', null],
    ],
  );
  assert.deepEqual(report[1], { feed: 'oi', bars: 3, fresh: 1, carried: 0, missing: 2 });
});

test('the missing-data report counts fresh, carried and missing bars per feed and gaps in the base feed', async () => {
  const gappy = frameOf({
    timestamp: ['2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z', '2024-01-01T04:00:00Z'],
    symbol: ['BTC', 'BTC', 'BTC'],
    close: [1, 2, 3],
  });
  const funding = frameOf({ timestamp: ['2024-01-01T00:00:00Z'], symbol: ['BTC'], funding_rate: [0.01] });
  const late = frameOf({ timestamp: ['2024-01-01T01:30:00Z'], symbol: ['BTC'], long_short_ratio: [1.1] });
  const r = await runAlign(
    { every: '1h', from: ['prices', 'funding', 'ratio'], max_staleness: '2h' },
    [resultOf(gappy), resultOf(funding), resultOf(late)],
    phaseContext('/tmp', 'align', 'align'),
  );
  const table = r.tables[0].frame.toRecords();
  assert.deepEqual(table, [
    { feed: 'prices', bars: 3, fresh: 3, carried: 0, missing: 0, gaps: 2 },
    // funding: fresh at 00:00, carried to 01:00, older than 2h at 04:00
    { feed: 'funding', bars: 3, fresh: 1, carried: 1, missing: 1, gaps: null },
    // ratio: nothing at or before 00:00, fresh at 01:00, 3h old at 04:00
    { feed: 'ratio', bars: 3, fresh: 1, carried: 0, missing: 2, gaps: null },
  ]);
  assert.equal(r.summary.missing_funding, 1);
  assert.equal(r.summary.missing_ratio, 2);
  assert.equal(r.summary.gaps, 2);
  assert.deepEqual(r.dataset!.frame.getColumn('funding_rate').toArray(), [0.01, 0.01, null]);
});

test('clashing column names from later feeds are prefixed with the feed name, and said so', async () => {
  const spot = frameOf({ timestamp: ['2024-01-01T00:00:00Z'], symbol: ['BTC'], close: [100] });
  const perp = frameOf({ timestamp: ['2024-01-01T00:00:00Z'], symbol: ['BTC'], close: [101] });
  const r = await runAlign(
    { every: '1h', from: ['spot', 'perp'] },
    [resultOf(spot), resultOf(perp)],
    phaseContext('/tmp', 'align', 'align'),
  );
  assert.deepEqual(r.dataset!.frame.columns, ['timestamp', 'symbol', 'close', 'perp_close']);
  assert.match(r.warnings[0], /column 'close' of 'perp' clashes with an earlier feed; renamed to 'perp_close'/);
});

test('a bad bar size names the key', async () => {
  await assert.rejects(
    runAlign({ every: 'hourly' }, [resultOf(prices)], phaseContext('/tmp', 'align', 'align')),
    (e: UserError) => {
      assert.equal(e.location.key, 'every');
      assert.match(e.message, /'hourly' is not a duration/);
      return true;
    },
  );
});
