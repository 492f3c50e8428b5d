import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedCells } from '../../e2e/pipelineCells';

test('the journey expects one cell per marker with its kind, and markdown text', () => {
  const cells = expectedCells(
    '# %% md\n# BTC **hourly**\ntext\n\n# %% load prices\nsource: a.csv\n# %% features\r\nfrom: prices\r\n',
  );
  assert.deepEqual(
    cells.map((c) => [c.type, c.kind, c.header]),
    [
      ['markdown', 'md', 'md'],
      ['code', 'load', 'load prices'],
      ['code', 'features', 'features'],
    ],
  );
  assert.equal(cells[0].firstText, 'BTC hourly');
});
