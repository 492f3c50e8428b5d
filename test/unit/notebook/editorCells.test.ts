import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './testPhases';
import {
  fromEditorCells,
  inferKind,
  markerFor,
  toEditorCells,
  type EditorCellInput,
} from '../../../core/notebook/editorCells';
import { splitNotebook } from '../../../core/notebook/split';
import { generatedNotebook, notebookishText } from './generators';

const roundTrip = (text: string): string => {
  const nt = splitNotebook(text);
  return fromEditorCells(nt.preamble, toEditorCells(nt));
};

test('editor cells: languages from the marker, values without the closing blank lines, EOLs normalised', () => {
  const text =
    'pre\n# %% md\n# Title\n\n# %% t_load prices\r\nsource: a.csv\r\nx: 1\r\n\r\n# %% ts f\n// from: ' +
    'prices\n# %% settings';
  const cells = toEditorCells(splitNotebook(text));
  assert.deepEqual(
    cells.map((c) => [c.type, c.language, c.header, c.value, c.meta]),
    [
      ['markdown', 'markdown', '# %% md', '# Title', { eol: '\n', trailing: '\n\n' }],
      [
        'code',
        'yaml',
        '# %% t_load prices',
        'source: a.csv\nx: 1',
        { eol: '\r\n', trailing: '\r\n\r\n', raw: 'source: a.csv\r\nx: 1' },
      ],
      ['code', 'typescript', '# %% ts f', '// from: prices', { eol: '\n', trailing: '\n' }],
      ['code', 'yaml', '# %% settings', '', { eol: '', trailing: '' }],
    ],
  );
  assert.equal(fromEditorCells('pre\n', cells), text);
});

test("an edited value keeps the cell's own line endings and the blank lines before the next marker", () => {
  const text = '# %% t_load prices\r\nsource: a.csv\r\n\r\n# %% md\nhello\n';
  const cells = toEditorCells(splitNotebook(text));
  cells[0].value = 'source: b.csv\ntimestamp: ts';
  cells[1].value = 'hello\nworld';
  assert.equal(
    fromEditorCells('', cells),
    '# %% t_load prices\r\nsource: b.csv\r\ntimestamp: ts\r\n\r\n# %% md\nhello\nworld\n',
  );
});

test(
  "new cells get a marker for their kind and the file's dominant EOL; a last cell without newline is closed " + 'first',
  () => {
    const text = '# %% t_load prices\r\nsource: a.csv\r\n# %% md\r\nend';
    const cells: EditorCellInput[] = toEditorCells(splitNotebook(text));
    cells.push({ type: 'code', language: 'yaml', value: 'lags: [1, 2]' });
    cells.push({ type: 'code', language: 'typescript', value: '// from: prices\nexport default 1' });
    cells.splice(1, 0, { type: 'markdown', language: 'markdown', value: '# Notes' });
    assert.equal(
      fromEditorCells('', cells),
      '# %% t_load prices\r\nsource: a.csv\r\n# %% md\r\n# Notes\r\n\r\n# %% md\r\nend\r\n# %% ' +
        't_features\r\nlags: [1, 2]\r\n\r\n# %% ts\r\n// from: prices\r\nexport default 1\r\n',
    );
  },
);

test('a new YAML cell whose first line is a marker keeps it; an unrecognisable one gets a bare marker', () => {
  const out = fromEditorCells('', [
    { type: 'code', language: 'yaml', value: '# %% t_split s\ntrain: 0.7' },
    { type: 'code', language: 'yaml', value: 'whatever: 1' },
  ]);
  assert.equal(out, '# %% t_split s\ntrain: 0.7\n\n# %%\nwhatever: 1\n');
  assert.equal(inferKind('source: x.csv\ndescription: prices'), 't_load');
  assert.equal(inferKind('seed: 3'), 'settings');
  assert.equal(markerFor('features', 'f2'), '# %% features f2');
  assert.equal(markerFor('load'), '# %% load');
});

test('property: generated notebooks round-trip byte for byte through editor cells', () => {
  fc.assert(
    fc.property(generatedNotebook, (nb) => {
      assert.equal(roundTrip(nb.text), nb.text);
    }),
    { numRuns: 300 },
  );
});

test('property: any text round-trips byte for byte through editor cells', () => {
  fc.assert(
    fc.property(notebookishText, (text) => {
      assert.equal(roundTrip(text), text);
    }),
    { numRuns: 300 },
  );
});

test('property: after editing values, the written text reads back as the same cells with the edited values', () => {
  const edit = fc
    .string({ unit: 'grapheme', maxLength: 20 })
    .map((s) => s.replace(/\r\n?/g, '\n').replace(/^# %%/gm, ' # %%'));
  fc.assert(
    fc.property(generatedNotebook, fc.array(fc.option(edit, { nil: undefined }), { maxLength: 8 }), (nb, edits) => {
      const nt = splitNotebook(nb.text);
      const cells = toEditorCells(nt);
      cells.forEach((c, i) => {
        if (edits[i] !== undefined) c.value = edits[i] as string;
      });
      const back = toEditorCells(splitNotebook(fromEditorCells(nt.preamble, cells)));
      assert.deepEqual(
        back.map((c) => [c.header, c.value]),
        cells.map((c) => [c.header, c.value.replace(/[\r\n]+$/, '')]),
      );
    }),
    { numRuns: 200 },
  );
});
