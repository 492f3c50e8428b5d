import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCases } from './csvCases';
import { checkCase } from './harness';
import { conformingCsv, scanCsv } from '../../../../core/frame/csvScan';
import { isUserError } from '../../../../core/errors';
import { demoRows, HEADER } from './data';

for (const c of csvCases)
  test(`csv: ${c.id}`, async () => {
    await checkCase(c);
  });

test('a quoted field spanning lines keeps every later line number exact', async () => {
  const rows = demoRows(60).map((r) => `${r},x`);
  rows[2] = rows[2].replace(/,x$/, ',"two\nlines"'); // record on file lines 4-5
  rows[20] = rows[20].replace(/,(\d+\.\d)$/, ',oops'); // its volume; file line 23 (22 + 1 for the extra line)
  const text =
    [`${HEADER},note`, ...rows.map((r, i) => (i === 20 ? r.replace(/,([\d.]+),x$/, ',oops,x') : r))].join('\n') + '\n';
  const c = {
    id: 'csv-multiline-line-numbers',
    files: { 'data.csv': text, 'nb.pipeline': '# %% load prices\nsource: data.csv\ncolumns: { volume: float }\n' },
    args: ['run', 'nb.pipeline'],
    code: 2,
    says: [/data\.csv:23 .*column 'volume'.*'oops'/],
  };
  await checkCase(c);
});

test('the scan: blank lines are not records, CRLF and "" escapes are fine, a BOM is skipped', () => {
  const s = scanCsv('\ufeffa,b\r\n1,"x""y"\r\n\r\n2,3\r\n', ',', 'f.csv');
  assert.deepEqual(s.records, [
    { line: 2, fields: 2 },
    { line: 4, fields: 2 },
  ]);
  const c = conformingCsv('a,b\n1,2\n\n3\n4,5\n', ',', 'f.csv', 'quarantine');
  assert.deepEqual(c.lines, [2, 5]);
  assert.deepEqual(c.quarantined, [{ line: 4, fields: 1 }]);
  assert.equal(c.text, 'a,b\n1,2\n4,5\n');
  assert.throws(
    () => conformingCsv('a,b\n1,2\n3\n', ',', 'f.csv', 'fail'),
    (e) => isUserError(e) && e.location.line === 3,
  );
});
