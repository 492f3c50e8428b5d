import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../core/phases/register';
import { fromEditorCells, toEditorCells } from '../../../core/notebook/editorCells';
import { parseNotebook } from '../../../core/notebook/parse';
import { joinNotebook, splitNotebook } from '../../../core/notebook/split';

const dir = 'examples';
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.pipeline'))
      .sort()
  : [];

test(
  'every shipped example round-trips byte for byte and parses without errors',
  { skip: files.length === 0 ? 'no examples/*.pipeline yet' : false },
  () => {
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const nt = splitNotebook(text);
      assert.equal(joinNotebook(nt), text, f);
      assert.equal(fromEditorCells(nt.preamble, toEditorCells(nt)), text, f);
      const errors = parseNotebook(text, { file: f }).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => `${f}:${d.range.start.line + 1}:${d.range.start.column + 1} ${d.message}`),
        [],
      );
    }
  },
);
