import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../../core/phases/register';
import { splitNotebook, toEditorCells } from '../../../core/notebook';
import {
  editorIndexOfName,
  META_KEY,
  modelOf,
  notebookTextOf,
  type CellLike,
} from '../../../extension/notebook/cellText';

/** The cells the serializer builds for a file (what VS Code hands back on save when nothing changed). */
function editorCellsOf(text: string): { preamble: string; cells: CellLike[] } {
  const nt = splitNotebook(text);
  const cells = toEditorCells(nt).map((c) => ({
    isMarkdown: c.type === 'markdown',
    languageId: c.language,
    value: c.value,
    metadata: { [META_KEY]: { header: c.header, layout: c.meta } },
  }));
  return { preamble: nt.preamble, cells };
}

const SAMPLES: Record<string, string> = {
  lf:
    '# %% md\n# Title\n\n# %% load prices\nsource: data/raw/btc.csv\ntimestamp: ts\n\n\n# %% ' +
    'features\nreturns: close\nlags: [1, 2]\n',
  crlf: '# %% load prices\r\nsource: a.csv\r\n\r\n# %% features\r\nreturns: close\r\n',
  bomAndPreamble: '\uFEFFnotes before any cell\n\n# %% load\nsource: a.csv',
  mixedAndNoFinalEol: '# %% md\r\nhello\n# %% features\rreturns: close',
  emptyCells: '# %% md\n# %% load\n\n# %%\n',
  tsCell: '# %% ts custom\nexport default (df) => df;\n',
};

for (const [name, text] of Object.entries(SAMPLES)) {
  test(`an unchanged notebook saves byte for byte (${name})`, () => {
    const { preamble, cells } = editorCellsOf(text);
    assert.equal(notebookTextOf(preamble, cells), text);
  });
}

test('cells take the languages of their kinds: markdown, yaml for phases, typescript for ts cells', () => {
  const { cells } = editorCellsOf('# %% md\nx\n# %% load\nsource: a.csv\n# %% ts t\nexport default 1\n');
  assert.deepEqual(
    cells.map((c) => c.languageId),
    ['markdown', 'yaml', 'typescript'],
  );
});

test('an edited cell and a new cell (marker typed on its first line) save as the format expects', () => {
  const { preamble, cells } = editorCellsOf('# %% load prices\nsource: a.csv\n');
  cells[0] = { ...cells[0]!, value: 'source: b.csv' };
  cells.push({ isMarkdown: false, languageId: 'yaml', value: '# %% features\nreturns: close', metadata: {} });
  const text = notebookTextOf(preamble, cells);
  assert.match(text, /^# %% load prices\nsource: b\.csv\n+# %% features\nreturns: close\n$/);
  const model = modelOf('', editorCellsOf(text).cells);
  assert.deepEqual(model.names, ['prices', 'features']);
  assert.deepEqual(
    model.parsed.cells.map((c) => c.config),
    [{ source: 'b.csv' }, { returns: 'close' }],
  );
});

test('cell names follow the core rules and map back to editor cells', () => {
  const { preamble, cells } = editorCellsOf(
    '# %% md\nx\n\n# %% load prices\nsource: a.csv\n\n# %% features\nreturns: close\n\n# %% features\nlags: [1]\n',
  );
  const model = modelOf(preamble, cells);
  assert.deepEqual(model.names, ['md', 'prices', 'features', 'features_2']);
  assert.equal(editorIndexOfName(model, 'features_2'), 3);
  assert.equal(editorIndexOfName(model, 'nope'), -1);
});

test('a `# %%` line typed inside a cell opens another cell in the text the kernel sees, and names still map', () => {
  const { preamble, cells } = editorCellsOf('# %% load prices\nsource: a.csv\n\n# %% features\nreturns: close\n');
  cells[0] = { ...cells[0]!, value: 'source: a.csv\n# %% labels\nhorizon: 5' };
  const model = modelOf(preamble, cells);
  assert.deepEqual(
    model.parsed.cells.map((c) => c.name),
    ['prices', 'labels', 'features'],
  );
  assert.deepEqual(model.names, ['prices', 'features']);
  assert.equal(editorIndexOfName(model, 'labels'), 0);
  assert.equal(editorIndexOfName(model, 'features'), 1);
});
