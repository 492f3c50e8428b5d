import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dominantEol, joinNotebook, splitLines, splitNotebook } from '../../../core/notebook/split';
import { generatedNotebook, notebookishText } from './generators';

test('cells start at every line beginning with "# %%"; text before the first marker is the preamble', () => {
  const text = 'notes\r\n# %% md\r\n# Title\r\n\r\n# %% t_load prices\nsource: a.csv\n# %%load\n  # %% not a marker\n';
  const nt = splitNotebook(text);
  assert.equal(nt.preamble, 'notes\r\n');
  assert.deepEqual(
    nt.cells.map((c) => c.header),
    ['# %% md\r\n', '# %% t_load prices\n', '# %%load\n'],
  );
  assert.equal(nt.cells[0].body, '# Title\r\n\r\n');
  assert.equal(nt.cells[2].body, '  # %% not a marker\n');
  assert.equal(joinNotebook(nt), text);
});

test('lone CR ends a line, a BOM stays in the preamble and a marker right after it still opens a cell', () => {
  const text = '\uFEFF# %% md\rhello\r# %% t_load\rsource: x.csv';
  const nt = splitNotebook(text);
  assert.equal(nt.preamble, '\uFEFF');
  assert.deepEqual(nt.cells, [
    { header: '# %% md\r', body: 'hello\r' },
    { header: '# %% t_load\r', body: 'source: x.csv' },
  ]);
  assert.equal(joinNotebook(nt), text);
});

test('a file ending on a marker without newline, an empty file and a file without markers', () => {
  assert.deepEqual(splitNotebook('a\n# %% md'), { preamble: 'a\n', cells: [{ header: '# %% md', body: '' }] });
  assert.deepEqual(splitNotebook(''), { preamble: '', cells: [] });
  assert.deepEqual(splitNotebook('just text\n'), { preamble: 'just text\n', cells: [] });
});

test('splitLines keeps each ending; dominantEol picks the most frequent one', () => {
  assert.deepEqual(splitLines('a\r\nb\rc\nd'), [
    { text: 'a', eol: '\r\n' },
    { text: 'b', eol: '\r' },
    { text: 'c', eol: '\n' },
    { text: 'd', eol: '' },
  ]);
  assert.equal(dominantEol('a\r\nb\r\nc\n'), '\r\n');
  assert.equal(dominantEol('no endings'), '\n');
});

test('property: joinNotebook(splitNotebook(x)) === x for any text, and no body line is a marker', () => {
  fc.assert(
    fc.property(notebookishText, (text) => {
      const nt = splitNotebook(text);
      assert.equal(joinNotebook(nt), text);
      for (const c of nt.cells) {
        assert.ok(c.header.startsWith('# %%'));
        for (const line of splitLines(c.body)) assert.ok(!line.text.startsWith('# %%'));
      }
    }),
    { numRuns: 300 },
  );
});

test('property: a generated notebook splits into exactly the cells it was built from, and joins back', () => {
  fc.assert(
    fc.property(generatedNotebook, (nb) => {
      const nt = splitNotebook(nb.text);
      assert.deepEqual(nt, { preamble: nb.preamble, cells: nb.cells });
      assert.equal(joinNotebook(nt), nb.text);
    }),
    { numRuns: 300 },
  );
});
