/**
 * The New-notebook flow's starter pipeline (issue 18 item 2): the guesses from a header and first
 * rows, and the proposed notebook run headless through the CLI and audited, as it stands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guessColumns, isAmbiguous, sampleCsv, starterNotebook } from '../../../core/notebook/starter';
import { writeDemoCsv } from '../../../core/demo/ohlcv';
import { cli } from '../cli/cliHarness';

const dir = mkdtempSync(join(tmpdir(), 'pb-starter-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** What the host reads: the first 16 KB of the file, as text. */
const headOf = (path: string) => readFileSync(path, 'utf8').slice(0, 16_384);

/** Writes the starter notebook for `csv` next to it, runs and audits it through the CLI. */
async function runStarter(csv: string, name: string) {
  const guess = guessColumns(sampleCsv(headOf(join(dir, csv))));
  const text = starterNotebook({
    source: csv,
    timestamp: guess.timestamps[0] as string,
    ...(guess.symbols[0] ? { symbol: guess.symbols[0] } : {}),
    guess,
  });
  writeFileSync(join(dir, name), text);
  return { guess, text, run: await cli(dir, ['run', name]), audit: await cli(dir, ['audit', name]) };
}

test('sampleCsv reads the header and the complete records of the first bytes (a cut last line is dropped)', () => {
  const cols = sampleCsv('\uFEFFdate;"tick,er";close\n2024-01-02;"A,B";1.5\n2024-01-03;A;1.', 10);
  assert.deepEqual(
    cols.map((c) => [c.name, c.values]),
    [
      ['date', ['2024-01-02']],
      ['tick,er', ['A,B']],
      ['close', ['1.5']],
    ],
  );
});

test('guesses: timestamp and symbol by name and by value, numeric features, the price column', () => {
  const g = guessColumns(
    sampleCsv(
      'when,asset,open_time,px,flow\n' +
        '2024-01-02T00:00:00Z,AAA,1704153600000,10.5,3\n' +
        '2024-01-02T01:00:00Z,BBB,1704157200000,10.7,-1\n',
    ),
  );
  assert.deepEqual(g.timestamps, ['open_time', 'when'], 'both hold times; the one named like a timestamp first');
  assert.equal(isAmbiguous(g.timestamps, 'timestamp'), false, 'open_time is the one named like a timestamp');
  assert.deepEqual(g.symbols, ['asset']);
  assert.deepEqual(g.numeric, ['px', 'flow']);
  assert.equal(g.price, 'px');
  const two = guessColumns(sampleCsv('t1,t2,close\n2024-01-02,2024-01-03,1\n2024-01-03,2024-01-04,2\n'));
  assert.equal(isAmbiguous(two.timestamps, 'timestamp'), true, 'two date columns, neither named like one: ask');
  const parquet = guessColumns([
    { name: 'ts', values: [], dtype: 'Datetime(Milliseconds, UTC)' },
    { name: 'ticker', values: [], dtype: 'String' },
    { name: 'close', values: [], dtype: 'Float64' },
  ]);
  assert.deepEqual([parquet.timestamps, parquet.symbols, parquet.numeric], [['ts'], ['ticker'], ['close']]);
});

test(
  'the starter pipeline of an OHLCV CSV (demo bars with planted bad rows) runs as it stands and passes the ' + 'audit',
  async () => {
    writeDemoCsv(join(dir, 'bars.csv'), { symbols: 2, bars: 300, seed: 5, badRows: true });
    const { text, run, audit } = await runStarter('bars.csv', 'bars.pipeline');
    assert.match(text, /^# %% load prices\nsource: bars.csv\ntimestamp: timestamp\nsymbol: symbol$/m);
    assert.match(text, /^contract: ohlcv$/m);
    for (const kind of ['validate', 'features', 'labels', 'split', 'scale', 'cv', 'stack', 'evaluate'])
      assert.match(text, new RegExp(`^# %% ${kind}\\b`, 'm'));
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /stack/);
    assert.equal(audit.code, 0, audit.out + audit.err);
    assert.match(audit.out, /clean/i);
  },
);

test(
  'the starter pipeline of a CSV with other names (epoch ms time, asset, price, a flow column) runs and passes ' +
    'the audit',
  async () => {
    const lines = ['open_time,asset,price,flow'];
    const t0 = Date.UTC(2024, 0, 1);
    for (const [s, sym] of ['XX', 'YY'].entries()) {
      let p = 50 + 10 * s;
      for (let i = 0; i < 250; i++) {
        p *= 1 + 0.01 * Math.sin(i * 0.7 + s) + 0.004 * Math.cos(i * 1.3);
        lines.push(`${t0 + i * 86_400_000},${sym},${p.toFixed(4)},${Math.round(100 * Math.sin(i * 0.2 + s))}`);
      }
    }
    writeFileSync(join(dir, 'series.csv'), lines.join('\n') + '\n');
    const { guess, text, run, audit } = await runStarter('series.csv', 'series.pipeline');
    assert.deepEqual([guess.timestamps[0], guess.symbols[0], guess.price], ['open_time', 'asset', 'price']);
    assert.match(text, /^lag_columns: \[ret, flow\]$/m);
    assert.match(text, /^contract: \{ columns: \{ price: number, flow: number \} \}$/m);
    assert.equal(run.code, 0, run.out + run.err);
    assert.equal(audit.code, 0, audit.out + audit.err);
  },
);
