import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../../core/phases/register';
import { splitNotebook, toEditorCells } from '../../../core/notebook';
import { cellDiagnostics } from '../../../extension/notebook/cellDiagnostics';
import { META_KEY, modelOf, type CellLike } from '../../../extension/notebook/cellText';

function cellsOf(text: string): CellLike[] {
  return toEditorCells(splitNotebook(text)).map((c) => ({
    isMarkdown: c.type === 'markdown',
    languageId: c.language,
    value: c.value,
    metadata: { [META_KEY]: { header: c.header, layout: c.meta } },
  }));
}

test('an unknown key is reported on its own cell at its line within the cell', () => {
  const text = '# %% md\nintro\n\n# %% load prices\nsource: a.csv\n\n# %% features\nreturns: close\nlagz: [1, 2]\n';
  const diags = cellDiagnostics(modelOf('', cellsOf(text)));
  const d = diags.find((x) => x.code === 'unknown-key');
  assert.ok(d, `no unknown-key diagnostic in ${JSON.stringify(diags)}`);
  assert.equal(d.editorIndex, 2);
  assert.equal(d.startLine, 1);
  assert.equal(d.startColumn, 0);
  assert.match(d.message, /lagz/);
  assert.match(d.message, /did you mean 'lags'/);
});

test('an error in the marker (kept in metadata) points at the top of the cell and says it is in the marker', () => {
  const text = '# %% load prices\nsource: a.csv\n\n# %% featurez\nreturns: close\n';
  const diags = cellDiagnostics(modelOf('', cellsOf(text)));
  const d = diags.find((x) => x.code === 'unknown-kind');
  assert.ok(d);
  assert.equal(d.editorIndex, 1);
  assert.equal(d.startLine, 0);
  assert.match(d.message, /^in the cell marker: unknown phase kind 'featurez' \(did you mean 'features'\?\)/);
});

test('a marker typed on the first line of a new cell gets its diagnostic on that line, body lines shift by one', () => {
  const cells = cellsOf('# %% load prices\nsource: a.csv\n');
  cells.push({ isMarkdown: false, languageId: 'yaml', value: '# %% featurez\nreturns: close', metadata: {} });
  cells.push({ isMarkdown: false, languageId: 'yaml', value: '# %% features\nreturns: close\nbogus: 1', metadata: {} });
  const diags = cellDiagnostics(modelOf('', cells));
  const kind = diags.find((x) => x.code === 'unknown-kind');
  assert.deepEqual([kind?.editorIndex, kind?.startLine, kind?.startColumn], [1, 0, 5]);
  assert.ok(!kind?.message.startsWith('in the cell marker'));
  const key = diags.find((x) => x.code === 'unknown-key');
  assert.deepEqual([key?.editorIndex, key?.startLine], [2, 2]);
});

test('broken YAML is reported inside the cell, at the line of the fault', () => {
  const text = '# %% load prices\nsource: a.csv\ntimestamp: [ts\n';
  const diags = cellDiagnostics(modelOf('', cellsOf(text)));
  const d = diags.find((x) => x.code === 'yaml');
  assert.ok(d, JSON.stringify(diags));
  assert.equal(d.editorIndex, 0);
  assert.ok(d.startLine >= 1 && d.startLine <= 2, `line ${d.startLine}`);
});

test('a clean notebook has no diagnostics', () => {
  const text = '# %% load prices\nsource: a.csv\n\n# %% features\nreturns: close\nlags: [1, 2]\n';
  assert.deepEqual(cellDiagnostics(modelOf('', cellsOf(text))), []);
});
