import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locationCases } from './locationCases';
import { checkCase } from './harness';
import { parseNotebook } from '../../../../core/notebook';
import '../../../../core/phases/register';

for (const c of locationCases)
  test(`locations: ${c.id}`, async () => {
    await checkCase(c);
  });

test('the parser puts a broken nested expression on its own key, from the broken character to the value end', () => {
  const text =
    '# %% load prices\nsource: data.csv\n\n# %% features\nreturns: close\nexpressions:\n  ok: close / ' +
    'open\n  fut: close +* 2\n';
  const d = parseNotebook(text).diagnostics.find((x) => x.key === 'expressions.fut');
  assert.ok(d, 'a diagnostic on expressions.fut');
  assert.deepEqual(d.range, { start: { line: 7, column: 14 }, end: { line: 7, column: 17 } });
});

test('a nested key path keeps where its key and value are written', () => {
  const text = '# %% features\nrolling:\n  - windows: [5]\n  - windows: [10, 20]\n';
  const cell = parseNotebook(text).cells[0];
  assert.deepEqual(cell.keyPaths['rolling[1].windows'], {
    key: { line: 3, column: 4 },
    value: { line: 3, column: 13 },
  });
  assert.deepEqual(cell.keyPaths['rolling[1].windows[1]'], { value: { line: 3, column: 18 } });
});
