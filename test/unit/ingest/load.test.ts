import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { formatUserError, UserError, ValidationError } from '../../../core/errors';
import { loadPhase, runLoad } from '../../../core/phases/load';
import { globToRegExp } from '../../../core/frame/io';
import { iso, phaseContext, tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

test('timestamps with offsets, Z, spaces, dates and epoch numbers all become the same UTC instants', async () => {
  tmp.write(
    'mixed/tz.csv',
    [
      'ts,close',
      '2024-03-01T02:00:00+02:00,1', // 00:00Z
      '2024-03-01T01:00:00Z,2',
      '2024-03-01 02:00:00,3', // naive -> UTC
      '2024-03-01T08:30:00+0530,4', // 03:00Z
      '1709265600,5', // epoch seconds: 04:00Z
      '1709269200000,6', // epoch ms: 05:00Z
      '2024-03-02,7',
    ].join('\n'),
  );
  const r = await runLoad({ source: 'mixed/tz.csv', timestamp: 'ts' }, phaseContext(tmp.dir));
  const f = r.dataset!.frame;
  assert.equal(String(f.getColumn('timestamp').dtype), 'DataType(Datetime(ms,UTC))');
  assert.deepEqual(f.getColumn('timestamp').toArray().map(iso), [
    '2024-03-01T00:00:00.000Z',
    '2024-03-01T01:00:00.000Z',
    '2024-03-01T02:00:00.000Z',
    '2024-03-01T03:00:00.000Z',
    '2024-03-01T04:00:00.000Z',
    '2024-03-01T05:00:00.000Z',
    '2024-03-02T00:00:00.000Z',
  ]);
  assert.deepEqual(f.getColumn('close').toArray(), [1, 2, 3, 4, 5, 6, 7]);
  // no symbol column: the file stem
  assert.deepEqual([...new Set(f.getColumn('symbol').toArray())], ['tz']);
});

test('naive timestamps are read in `timezone:` and converted to UTC', async () => {
  tmp.write('berlin.csv', 'timestamp,x\n2024-01-15 10:00:00,1\n2024-07-15 10:00:00,2\n');
  const r = await runLoad({ source: 'berlin.csv', timezone: 'Europe/Berlin' }, phaseContext(tmp.dir));
  assert.deepEqual(r.dataset!.frame.getColumn('timestamp').toArray().map(iso), [
    '2024-01-15T09:00:00.000Z',
    '2024-07-15T08:00:00.000Z',
  ]);
  await assert.rejects(
    runLoad({ source: 'berlin.csv', timezone: 'Mars/Olympus' }, phaseContext(tmp.dir)),
    (e: UserError) => e.location.key === 'timezone',
  );
});

test('a glob stacks every file, each file stem is its symbol, output sorted by symbol then time', async () => {
  tmp.write('glob/raw/ETH.csv', 'timestamp,close\n2024-01-01T01:00:00Z,20\n2024-01-01T00:00:00Z,10\n');
  tmp.write('glob/raw/BTC.csv', 'timestamp,close\n2024-01-01T00:00:00Z,1.5\n2024-01-01T01:00:00Z,2\n');
  tmp.write('glob/raw/notes.txt', 'not data');
  const ctx = phaseContext(tmp.dir);
  const r = await runLoad({ source: 'glob/raw/*.csv' }, ctx);
  const f = r.dataset!.frame;
  assert.deepEqual(f.getColumn('symbol').toArray(), ['BTC', 'BTC', 'ETH', 'ETH']);
  assert.deepEqual(f.getColumn('close').toArray(), [1.5, 2, 10, 20]);
  assert.equal(
    String(f.getColumn('close').dtype),
    'DataType(Float64)',
    'integers in one file and decimals in another give one float column',
  );
  assert.equal(r.summary.symbols, 2);
  assert.equal(r.summary.files, 2);
  const files = await loadPhase.inputFiles!({ source: 'glob/raw/*.csv' }, ctx);
  assert.deepEqual(
    files.map((p) => p.split('/').pop()),
    ['BTC.csv', 'ETH.csv'],
    'the cache key covers every file read',
  );
});

test('glob patterns: ** crosses folders, braces and classes', () => {
  assert.ok(globToRegExp('data/**/*.csv').test('data/a/b/x.csv'));
  assert.ok(globToRegExp('data/**/*.csv').test('data/x.csv'));
  assert.ok(!globToRegExp('data/*.csv').test('data/a/x.csv'));
  assert.ok(globToRegExp('{btc,eth}_[0-9].parquet').test('eth_3.parquet'));
  assert.ok(!globToRegExp('{btc,eth}_[0-9].parquet').test('sol_3.parquet'));
});

test(
  'a symbol column is used when present; an explicit ' + 'one that is missing names the file and the columns',
  async () => {
    tmp.write('sym.csv', 'time,ticker,close\n2024-01-01T00:00:00Z,B,1\n2024-01-01T00:00:00Z,A,2\n');
    const r = await runLoad({ source: 'sym.csv', timestamp: 'time', symbol: 'ticker' }, phaseContext(tmp.dir));
    assert.deepEqual(r.dataset!.frame.columns, ['timestamp', 'symbol', 'close']);
    assert.deepEqual(r.dataset!.frame.getColumn('symbol').toArray(), ['A', 'B']);
    await assert.rejects(
      runLoad({ source: 'sym.csv', timestamp: 'time', symbol: 'tickr' }, phaseContext(tmp.dir)),
      (e: UserError) => {
        assert.match(e.message, /symbol column 'tickr' not found in .*sym\.csv/);
        assert.ok(e.details.some((d) => d.includes("did you mean 'ticker'")));
        return true;
      },
    );
    await assert.rejects(
      runLoad({ source: 'sym.csv' }, phaseContext(tmp.dir)),
      /timestamp column 'timestamp' not found/,
    );
  },
);

test('a missing file names the path; a glob that matches nothing says so', async () => {
  await assert.rejects(runLoad({ source: 'data/nope.csv' }, phaseContext(tmp.dir)), (e: UserError) => {
    assert.ok(!(e instanceof ValidationError));
    assert.match(e.message, /data file not found: .*data\/nope\.csv/);
    assert.equal(e.location.key, 'source');
    return true;
  });
  await assert.rejects(
    runLoad({ source: 'glob/raw/*.parquet' }, phaseContext(tmp.dir)),
    /no file matches the glob 'glob\/raw\/\*\.parquet'/,
  );
});

test('an unreadable timestamp is a ValidationError naming file, line and column', async () => {
  tmp.write('badts.csv', 'ts,close\n2024-01-01T00:00:00Z,1\nyesterday,2\n');
  await assert.rejects(
    runLoad({ source: 'badts.csv', timestamp: 'ts' }, phaseContext(tmp.dir)),
    (e: ValidationError) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.location.line, 3);
      assert.equal(e.location.dataColumn, 'ts');
      assert.match(
        formatUserError(e),
        /badts\.csv:3 row 2 column 'ts': 1 value in column 'ts' is not a timestamp: 'yesterday'/,
      );
      return true;
    },
  );
});

test(
  '`columns:` types are strict (bad cell = line + column); undeclared text in a numeric column is kept and ' +
    'warned about',
  async () => {
    tmp.write(
      'corrupt.csv',
      'timestamp,close,volume\n2024-01-01T00:00:00Z,1.5,10\n2024-01-01T01:00:00Z,abc,11\n2024-01-01T02:00:00Z,1.7,12\n',
    );
    await assert.rejects(
      runLoad({ source: 'corrupt.csv', columns: { close: 'float' } }, phaseContext(tmp.dir)),
      (e: ValidationError) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.location.line, 3);
        assert.equal(e.location.dataColumn, 'close');
        assert.match(e.message, /not a number: 'abc'/);
        return true;
      },
    );
    const r = await runLoad({ source: 'corrupt.csv' }, phaseContext(tmp.dir));
    assert.equal(String(r.dataset!.frame.getColumn('close').dtype), 'DataType(String)');
    assert.equal(String(r.dataset!.frame.getColumn('volume').dtype), 'DataType(Int64)');
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /column 'close': 1 value is not a number \(.*corrupt\.csv line 3: 'abc'\)/);
  },
);

test('parquet files load with their own types and the same canonical columns', async () => {
  const p = tmp.write('pq/SOL.parquet', Buffer.alloc(0));
  pl.DataFrame({ ts: ['2024-01-01T01:00:00Z', '2024-01-01T00:00:00Z'], price: [2.5, 1.5] }).writeParquet(p);
  const r = await runLoad({ source: 'pq/SOL.parquet', timestamp: 'ts' }, phaseContext(tmp.dir));
  const f = r.dataset!.frame;
  assert.deepEqual(f.getColumn('price').toArray(), [1.5, 2.5]);
  assert.deepEqual(f.getColumn('symbol').toArray(), ['SOL', 'SOL']);
  assert.equal(r.summary.from, '2024-01-01T00:00:00.000Z');
  assert.equal(r.summary.to, '2024-01-01T01:00:00.000Z');
});
