import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { BUILTIN_CONTRACTS, resolveContract } from '../../../core/frame/contracts';
import { applyContract, parsePolicy, validationFailure } from '../../../core/frame/validateReport';
import type { CheckReport, ContractRunOptions } from '../../../core/frame/validateReport';
import type { CheckId } from '../../../core/frame/validateChecks';
import { datetimeZone } from '../../../core/frame/contractTypes';
import { UserError } from '../../../core/errors';
import { frameOf } from './helpers';

const H = (h: number, day = 1) => `2024-01-0${day}T${String(h).padStart(2, '0')}:00:00Z`;

function bars(n: number, patch: Partial<Record<'open' | 'high' | 'low' | 'close' | 'volume', (number | null)[]>> = {}) {
  const ts = Array.from({ length: n }, (_, i) => H(i));
  return frameOf({
    timestamp: ts,
    symbol: ts.map(() => 'BTC'),
    open: patch.open ?? ts.map(() => 10),
    high: patch.high ?? ts.map(() => 12),
    low: patch.low ?? ts.map(() => 9),
    close: patch.close ?? ts.map(() => 11),
    volume: patch.volume ?? ts.map(() => 5),
  });
}

function run(frame: pl.DataFrame, contract = 'ohlcv', opts: Partial<ContractRunOptions> = {}) {
  return applyContract(frame, { contract: resolveContract(contract, '.'), ...opts });
}

function check(checks: CheckReport[], id: CheckId): CheckReport {
  return checks.find((c) => c.id === id)!;
}

test('clean OHLCV passes every check', () => {
  const { report, clean } = run(bars(5));
  assert.equal(report.passed, true);
  assert.deepEqual(
    report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skipped'),
    [],
  );
  assert.equal(clean.height, 5);
});

test('columns: a missing required column fails and is named; a missing optional one does not', () => {
  const { report } = run(bars(3).drop('volume'));
  const c = check(report.checks, 'columns');
  assert.equal(c.status, 'fail');
  assert.deepEqual(c.problems, [{ column: 'volume', message: "required column 'volume' is missing" }]);
  const funding = frameOf({ timestamp: [H(0), H(8)], symbol: ['BTC', 'BTC'], funding_rate: [0.0001, -0.0002] });
  assert.equal(check(run(funding, 'funding').report.checks, 'columns').status, 'pass', 'mark_price is optional');
});

test('dtypes: text that is not a number is an offending row; readable text is converted', () => {
  const f = bars(3).withColumns(pl.Series('close', ['11', 'abc', '11.5']));
  const { report, clean } = run(f, 'ohlcv', { policy: { dtypes: 'quarantine' } });
  const c = check(report.checks, 'dtypes');
  assert.equal(c.status, 'quarantined');
  assert.equal(c.count, 1);
  assert.equal(c.first_rows[0].row, 2);
  assert.equal(c.first_rows[0].column, 'close');
  assert.deepEqual(c.first_rows[0].values, { close: 'abc' });
  assert.equal(String(clean.getColumn('close').dtype), 'DataType(Float64)');
  assert.deepEqual(clean.getColumn('close').toArray(), [11, 11.5]);
  const dateAsNumber = bars(2).withColumns(pl.col('timestamp').alias('close'));
  assert.match(
    check(run(dateAsNumber).report.checks, 'dtypes').problems[0].message,
    /column 'close' has type Datetime\(ms, UTC\), expected number/,
  );
});

test('timezone: naive or non-UTC timestamps fail', () => {
  const naive = bars(2).withColumns(pl.Series('timestamp', [new Date(H(0)), new Date(H(1))]).cast(pl.Datetime('ms')));
  assert.equal(datetimeZone(naive.getColumn('timestamp').dtype), undefined);
  assert.match(check(run(naive).report.checks, 'timezone').message, /no time zone/);
  const berlin = bars(2).withColumns(pl.col('timestamp').dt.convertTimeZone('Europe/Berlin'));
  assert.match(check(run(berlin).report.checks, 'timezone').message, /Europe\/Berlin, not UTC/);
});

test(
  'order: a row earlier than one above it (same symbol) and a missing timestamp are flagged; other symbols do ' +
    'not interfere',
  () => {
    const f = frameOf({
      timestamp: [H(0), H(5), H(1), H(2), H(3)],
      symbol: ['BTC', 'ETH', 'ETH', 'BTC', 'BTC'],
      open: [1, 1, 1, 1, 1],
      high: [1, 1, 1, 1, 1],
      low: [1, 1, 1, 1, 1],
      close: [1, 1, 1, 1, 1],
      volume: [1, 1, 1, 1, 1],
    });
    const c = check(run(f).report.checks, 'order');
    assert.equal(c.count, 1);
    assert.equal(c.first_rows[0].row, 3);
    assert.equal(c.first_rows[0].symbol, 'ETH');
    assert.equal(c.first_rows[0].timestamp, '2024-01-01T01:00:00.000Z');
    const missing = bars(3).withColumns(
      pl.when(pl.col('close').cumCount().eq(2)).then(pl.lit(null)).otherwise(pl.col('timestamp')).alias('timestamp'),
    );
    const m = check(run(missing).report.checks, 'order');
    assert.equal(m.count, 1);
    assert.equal(m.first_rows[0].problem, 'timestamp missing');
  },
);

test(
  'duplicates: every repeat of a (symbol, timestamp) after the first is flagged; the same time on another ' +
    'symbol is fine',
  () => {
    const f = frameOf({
      timestamp: [H(0), H(1), H(1), H(1), H(1)],
      symbol: ['BTC', 'BTC', 'ETH', 'BTC', 'BTC'],
      open: [1, 1, 1, 1, 1],
      high: [1, 1, 1, 1, 1],
      low: [1, 1, 1, 1, 1],
      close: [1, 1, 1, 1, 1],
      volume: [1, 1, 1, 1, 1],
    });
    const { report, clean } = run(f, 'ohlcv', { policy: { duplicates: 'quarantine' } });
    const c = check(report.checks, 'duplicates');
    assert.equal(c.count, 2);
    assert.deepEqual(
      c.first_rows.map((r) => r.row),
      [4, 5],
    );
    assert.equal(clean.height, 3);
  },
);

test('ranges: funding beyond ±0.05 and negative open interest are flagged with the bound', () => {
  const funding = frameOf({
    timestamp: [H(0), H(8), H(16)],
    symbol: ['BTC', 'BTC', 'BTC'],
    funding_rate: [0.06, 0.01, -0.07],
  });
  const c = check(run(funding, 'funding').report.checks, 'ranges');
  assert.equal(c.count, 2);
  assert.deepEqual(
    c.first_rows.map((r) => [r.row, r.problem]),
    [
      [1, 'above max 0.05'],
      [3, 'below min -0.05'],
    ],
  );
  const oi = frameOf({ timestamp: [H(0), H(1)], symbol: ['BTC', 'BTC'], open_interest: [5, -1] });
  assert.equal(check(run(oi, 'open_interest').report.checks, 'ranges').first_rows[0].row, 2);
  const ls = frameOf({ timestamp: [H(0)], symbol: ['BTC'], long_short_ratio: [1.2], long_account: [1.4] });
  assert.match(check(run(ls, 'long_short_ratio').report.checks, 'ranges').message, /above max 1 \(long_account\)/);
});

test('ohlc: high below close, low above high, open below low and negative volume are flagged; nulls are not', () => {
  const f = bars(6, {
    high: [12, 10.5, 12, 12, 12, null],
    low: [9, 9, 13, 10.5, 9, 9],
    volume: [5, 5, 5, 5, -1, 5],
  });
  const c = check(run(f).report.checks, 'ohlc');
  assert.equal(c.count, 4);
  assert.deepEqual(
    c.first_rows.map((r) => r.row),
    [2, 3, 4, 5],
  );
  const byRow = Object.fromEntries(c.first_rows.map((r) => [r.row, r]));
  assert.equal(byRow[2].problem, 'close > high');
  assert.deepEqual(byRow[2].values, { close: 11, high: 10.5 });
  assert.equal(byRow[3].problem, 'low > high');
  assert.equal(byRow[4].problem, 'open < low');
  assert.equal(byRow[5].problem, 'volume < 0');
});

test(
  'nulls: a column over max_null_rate fails; the cell limit overrides the contract; the missing report covers ' +
    'every column',
  () => {
    const f = bars(10, { close: [11, null, 11, 11, null, 11, 11, 11, 11, 11] });
    const { report } = run(f);
    const c = check(report.checks, 'nulls');
    assert.equal(c.status, 'fail');
    assert.match(c.message, /column 'close' is 20\.00% null \(2 rows\), above max_null_rate 0\.05/);
    assert.deepEqual(report.columns.close, { dtype: 'Float64', nulls: 2, null_rate: 0.2, max_null_rate: 0.05 });
    assert.deepEqual(Object.keys(report.columns), ['timestamp', 'symbol', 'open', 'high', 'low', 'close', 'volume']);
    assert.equal(check(run(f, 'ohlcv', { maxNullRate: 0.25 }).report.checks, 'nulls').status, 'pass');
  },
);

test('freshness: each symbol newest row must be within max_age of `now`', () => {
  const f = frameOf({
    timestamp: [H(0, 1), H(0, 5), H(0, 1)],
    symbol: ['BTC', 'BTC', 'ETH'],
    open_interest: [1, 1, 1],
  });
  const now = new Date('2024-01-06T00:00:00Z');
  const c = check(run(f, 'open_interest', { maxAge: '2d', now }).report.checks, 'freshness');
  assert.equal(c.status, 'fail');
  assert.equal(c.count, 1);
  assert.match(c.problems[0].message, /symbol ETH: newest row 2024-01-01T00:00:00\.000Z is 5d 0h old \(max_age 2d/);
  assert.equal(check(run(f, 'open_interest', { maxAge: '6d', now }).report.checks, 'freshness').status, 'pass');
  assert.equal(check(run(f, 'open_interest').report.checks, 'freshness').status, 'skipped');
});

test('policies: warn keeps rows, quarantine removes them, fail marks the report failed', () => {
  const f = bars(4, { high: [12, 10, 12, 12] });
  const warn = run(f, 'ohlcv', { policy: { ohlc: 'warn' } });
  assert.equal(warn.report.passed, true);
  assert.equal(warn.clean.height, 4);
  const q = run(f, 'ohlcv', { policy: { ohlc: 'quarantine' } });
  assert.equal(q.report.passed, true);
  assert.equal(q.clean.height, 3);
  assert.equal(q.quarantined.height, 1);
  assert.deepEqual(q.quarantined.getColumn('quarantine_reason').toArray(), ['ohlc']);
  assert.equal(run(f).report.passed, false);
});

test('policy values are checked: unknown checks get a suggestion, column checks cannot quarantine', () => {
  assert.throws(
    () => parsePolicy({ ohcl: 'warn' }),
    (e: UserError) => /unknown check 'ohcl' in policy \(did you mean 'ohlc'\?\)/.test(e.message),
  );
  assert.throws(() => parsePolicy({ nulls: 'quarantine' }), /'nulls' is a column check and cannot quarantine rows/);
  assert.throws(() => parsePolicy({ ohlc: 'drop' }), /must be fail, warn or quarantine/);
  assert.equal(parsePolicy('warn').freshness, 'warn');
  assert.equal(parsePolicy('quarantine').nulls, 'fail', 'a blanket quarantine keeps column checks at fail');
});

test('every built-in contract names its columns', () => {
  assert.deepEqual(Object.keys(BUILTIN_CONTRACTS).sort(), [
    'funding',
    'liquidations',
    'long_short_ratio',
    'ohlcv',
    'open_interest',
  ]);
  assert.throws(() => resolveContract('ohlvc', '.'), /unknown contract 'ohlvc' \(did you mean 'ohlcv'\?\)/);
});

test('without a known source file the error names the row of the checked frame and the column', () => {
  const err = validationFailure(run(bars(3, { high: [12, 10, 12] })).report)!;
  assert.equal(err.exitCode, 2);
  assert.equal(err.location.file, undefined);
  assert.equal(err.location.row, 2);
  assert.equal(err.location.dataColumn, 'close');
  assert.match(err.message, /^contract 'ohlcv': ohlc check failed: 1 row: close > high/);
  assert.equal(err.details[0], 'row 2: BTC 2024-01-01T01:00:00.000Z close > high (close=11, high=10)');
});
