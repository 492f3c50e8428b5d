import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { ExitCode, formatUserError, UserError, ValidationError } from '../../../core/errors';
import { runLoad } from '../../../core/phases/load';
import { runValidate, validateDataFile, validatePhase } from '../../../core/phases/validate';
import type { ValidationReport } from '../../../core/phases/validate';
import { phaseContext, tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

// BTC and ETH interleaved in the file, so the loaded (sorted) frame row differs from the file line.
const PRICES = [
  'ts,symbol,open,high,low,close,volume',
  '2024-01-01T00:00:00Z,ETH,10,11,9,10.5,100', // line 2
  '2024-01-01T00:00:00Z,BTC,100,110,90,105,5', // line 3
  '2024-01-01T01:00:00Z,ETH,10.5,10.8,10,11.2,100', // line 4: close > high
  '2024-01-01T01:00:00Z,BTC,105,112,101,108,6', // line 5
  '2024-01-01T01:00:00Z,BTC,105,112,101,108,6', // line 6: duplicate
  '2024-01-01T02:00:00Z,BTC,108,115,104,111,7', // line 7
].join('\n');

async function loaded(name: string, text: string) {
  tmp.write(`${name}.csv`, text);
  return runLoad({ source: `${name}.csv`, timestamp: 'ts' }, phaseContext(tmp.dir));
}

const readReport = (file = 'validation_report.json'): ValidationReport =>
  JSON.parse(readFileSync(join(tmp.dir, 'artifacts', file), 'utf8'));

test(
  'a failing check stops the pipeline with exit code 2, ' + 'naming the source file line, column, symbol and time',
  async () => {
    const input = await loaded('prices', PRICES);
    await assert.rejects(
      runValidate({ contract: 'ohlcv' }, [input], phaseContext(tmp.dir, 'validate', 'validate')),
      (e: ValidationError) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.exitCode, ExitCode.Validation);
        assert.match(e.message, /contract 'ohlcv': duplicates check failed: 1 row: duplicate timestamp/);
        assert.equal(e.location.line, 6);
        assert.match(e.location.file ?? '', /prices\.csv$/);
        assert.equal(e.location.dataColumn, 'timestamp');
        assert.match(e.details[0], /prices\.csv line 6: BTC 2024-01-01T01:00:00\.000Z duplicate timestamp/);
        assert.ok(e.details.some((d) => /also failed: ohlc — 1 row: close > high/.test(d)));
        assert.ok(e.details.some((d) => /report: .*validation_report\.json/.test(d)));
        return true;
      },
    );
    const report = readReport();
    assert.equal(report.passed, false, 'the report is written even when validation fails');
    const ohlc = report.checks.find((c) => c.id === 'ohlc')!;
    assert.deepEqual(
      { line: ohlc.first_rows[0].line, symbol: ohlc.first_rows[0].symbol, values: ohlc.first_rows[0].values },
      { line: 4, symbol: 'ETH', values: { close: 11.2, high: 10.8 } },
    );
  },
);

test('quarantine moves offending rows to a side file and the pipeline goes on with the clean rows', async () => {
  const input = await loaded('prices', PRICES);
  const ctx = phaseContext(tmp.dir, 'check prices', 'validate');
  const r = await runValidate(
    { contract: 'ohlcv', policy: { ohlc: 'quarantine', duplicates: 'quarantine' } },
    [input],
    ctx,
  );
  assert.equal(r.dataset!.frame.height, 4);
  assert.deepEqual(r.dataset!.frame.getColumn('symbol').toArray(), ['BTC', 'BTC', 'BTC', 'ETH']);
  assert.equal(r.summary.quarantined, 2);
  assert.equal(r.warnings.length, 2);
  const qFile = join(tmp.dir, 'artifacts', 'quarantine_check_prices.parquet');
  const q = pl.readParquet(qFile);
  // in the order of the loaded frame (BTC before ETH), with the line each row had in the file
  assert.deepEqual(q.getColumn('source_line').toArray().map(Number), [6, 4]);
  assert.deepEqual(q.getColumn('quarantine_reason').toArray(), ['duplicates', 'ohlc']);
  const report = readReport('validation_report_check_prices.json');
  assert.equal(report.quarantined, 2);
  assert.equal(report.rows_clean, 4);
  assert.match(report.quarantine_file ?? '', /quarantine_check_prices\.parquet$/);
  assert.deepEqual(readReport(), report, 'validation_report.json holds the latest report');
  assert.equal(
    r.charts.find((c) => c.id === 'null-rate'),
    undefined,
    'no column has nulls: no chart of zeros',
  );
  // a later clean run removes the stale side file
  const clean = await loaded(
    'clean',
    PRICES.split('\n')
      .filter((_, i) => i !== 3 && i !== 5)
      .join('\n'),
  );
  await runValidate({ contract: 'ohlcv', policy: { ohlc: 'quarantine' } }, [clean], ctx);
  assert.ok(!existsSync(qFile));
});

test('validateDataFile reports a corrupted CSV cell by its 1-based line and column, with exit code 2', async () => {
  tmp.write(
    'corrupt.csv',
    PRICES.replace('2024-01-01T02:00:00Z,BTC,108,115,104,111,7', '2024-01-01T02:00:00Z,BTC,108,115,104,abc,7'),
  );
  await assert.rejects(
    validateDataFile('corrupt.csv', 'ohlcv', {
      baseDir: tmp.dir,
      timestamp: 'ts',
      policy: { duplicates: 'warn', ohlc: 'warn' },
    }),
    (e: UserError) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.exitCode, 2);
      assert.match(
        formatUserError(e),
        /^(.*\/)?corrupt\.csv:7 row 6 column 'close': contract 'ohlcv': dtypes check failed: 1 row: not a number/,
      );
      assert.match(e.details[0], /line 7: BTC .* not a number \(close=abc\)/);
      return true;
    },
  );
  const report = await validateDataFile('corrupt.csv', 'ohlcv', {
    baseDir: tmp.dir,
    timestamp: 'ts',
    policy: 'warn',
    reportPath: 'out/report.json',
  });
  assert.equal(report.passed, true);
  assert.equal(
    JSON.parse(readFileSync(join(tmp.dir, 'out/report.json'), 'utf8')).checks.find(
      (c: { id: string }) => c.id === 'dtypes',
    ).status,
    'warn',
  );
});

test('validateDataFile checks rows in file order: a timestamp that goes backwards is reported', async () => {
  tmp.write('backwards.csv', 'timestamp,open_interest\n2024-01-01T02:00:00Z,5\n2024-01-01T01:00:00Z,6\n');
  await assert.rejects(validateDataFile('backwards.csv', 'open_interest', { baseDir: tmp.dir }), (e: UserError) => {
    assert.equal(e.location.line, 3);
    assert.match(e.message, /order check failed: 1 row: earlier than a row above it/);
    return true;
  });
});

test('a YAML contract file: extends a built-in, adds typed columns and freshness against `now`', async () => {
  tmp.write(
    'contracts/prices.yaml',
    [
      'name: prices_with_trades',
      'extends: ohlcv',
      'columns:',
      '  trades: { dtype: int, min: 0 }',
      'freshness:',
      '  max_age: 2h',
      '',
    ].join('\n'),
  );
  const input = await loaded(
    'trades',
    [
      'ts,symbol,open,high,low,close,volume,trades',
      '2024-01-01T00:00:00Z,BTC,1,2,0.5,1.5,10,3',
      '2024-01-01T01:00:00Z,BTC,1,2,0.5,1.5,10,-1',
    ].join('\n'),
  );
  const ctx = phaseContext(tmp.dir, 'validate', 'validate');
  await assert.rejects(
    runValidate({ contract: 'contracts/prices.yaml', now: '2024-01-01T04:30:00Z' }, [input], ctx),
    (e: UserError) => {
      assert.match(e.message, /contract 'prices_with_trades': ranges check failed: 1 row: below min 0 \(trades\)/);
      assert.ok(
        e.details.some((d) =>
          /also failed: freshness — symbol BTC: newest row 2024-01-01T01:00:00\.000Z is 3h 30m old \(max_age 2h/.test(
            d,
          ),
        ),
      );
      return true;
    },
  );
  assert.deepEqual(validatePhase.inputFiles!({ contract: 'contracts/prices.yaml' }, ctx), [
    join(tmp.dir, 'contracts/prices.yaml'),
  ]);
  const inline = await runValidate(
    { contract: { extends: 'ohlcv', columns: { trades: 'int' } }, policy: { ranges: 'warn' } },
    [input],
    ctx,
  );
  assert.equal(inline.dataset!.frame.height, 2);
});

test('a mistake in a contract file names the file, line and key', async () => {
  tmp.write('contracts/bad.yaml', ['extends: ohlcv', 'colums:', '  x: float', ''].join('\n'));
  const input = await loaded('prices', PRICES);
  await assert.rejects(
    runValidate({ contract: 'contracts/bad.yaml' }, [input], phaseContext(tmp.dir)),
    (e: UserError) => {
      assert.ok(!(e instanceof ValidationError), 'a bad contract is a config mistake (exit 1), not a data failure');
      assert.match(e.location.file ?? '', /contracts\/bad\.yaml$/);
      assert.equal(e.location.line, 2);
      assert.match(e.message, /unknown key 'colums' \(did you mean 'columns'\?\)/);
      return true;
    },
  );
  tmp.write('contracts/types.yaml', ['columns:', '  x: { dtype: decimal }', ''].join('\n'));
  await assert.rejects(
    runValidate({ contract: 'contracts/types.yaml' }, [input], phaseContext(tmp.dir)),
    (e: UserError) => e.location.line === 2 && /columns\.x/.test(e.message),
  );
});
