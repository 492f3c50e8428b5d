import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../../core/phases/register';
import { splitNotebook, toEditorCells } from '../../../core/notebook';
import { didYouMeanFix } from '../../../extension/notebook/cellDiagnostics';
import { META_KEY, modelOf, type CellLike } from '../../../extension/notebook/cellText';
import { columnDiagnostics, type ColumnFacts } from '../../../extension/notebook/columnNames';
import type { ColumnSchema } from '../../../core/kernel/protocol';

function modelFor(text: string) {
  const cells: CellLike[] = toEditorCells(splitNotebook(text)).map((c) => ({
    isMarkdown: c.type === 'markdown',
    languageId: c.language,
    value: c.value,
    metadata: { [META_KEY]: { header: c.header, layout: c.meta } },
  }));
  return modelOf('', cells);
}

const PRICES: ColumnSchema = ['ts', 'symbol', 'close'].map((name) => ({ name, dtype: 'Float64' }));
const FEATURES: ColumnSchema = [...PRICES, { name: 'ret', dtype: 'Float64' }, { name: 'ret_lag_1', dtype: 'Float64' }];

function facts(schemas: Record<string, ColumnSchema>, stale: string[] = []): ColumnFacts {
  return { schemaOf: (c) => schemas[c], isStale: (c) => stale.includes(c) };
}

const NB =
  '# %% load prices\nsource: a.csv\n\n' +
  '# %% features\nreturns: close\nlags: [1]\nlag_columns: [ret, clsoe]\n' +
  'rolling:\n  - column: rett\n    windows: [3]\n\n' +
  '# %% labels\nhorizon: 1\ntarget: clsoe\n';

test('an unknown column is reported at its value with the near name, which the Quick Fix puts in', () => {
  const model = modelFor(NB);
  const d = columnDiagnostics(model, facts({ prices: PRICES, features: FEATURES }));
  // Lines and columns in the editor cell's own text (the marker is kept in metadata).
  const at = d.map((x) => ({ cell: x.editorIndex, line: x.startLine, from: x.startColumn, to: x.endColumn }));
  // features: `clsoe` in lag_columns (ret is the column the cell makes first), `rett` in the rolling block;
  // labels: `clsoe` in target.
  assert.deepEqual(at, [
    { cell: 1, line: 2, from: 19, to: 24 },
    { cell: 1, line: 4, from: 12, to: 16 },
    { cell: 2, line: 1, from: 8, to: 13 },
  ]);
  assert.match(d[0]!.message, /^unknown column 'clsoe' \(did you mean 'close'\?\): the input from 'prices'/);
  assert.match(d[1]!.message, /^unknown column 'rett' \(did you mean 'ret'\?\)/);
  assert.match(d[2]!.message, /the input from 'features' \(as it last ran\) has ts, symbol, close, ret, ret_lag_1$/);
  assert.equal(d[2]!.severity, 'warning');
  assert.deepEqual(didYouMeanFix(d[2]!.message, 'clsoe'), { title: "Change to 'close'", text: 'close' });
});

test('no column diagnostic when the upstream schema is unknown or the upstream cell is stale', () => {
  const model = modelFor(NB);
  assert.deepEqual(columnDiagnostics(model, facts({})), []);
  // features' upstream is known, labels' is not: only the features cell is checked.
  assert.deepEqual(
    columnDiagnostics(model, facts({ prices: PRICES })).map((x) => x.editorIndex),
    [1, 1],
  );
  assert.deepEqual(
    columnDiagnostics(model, facts({ prices: PRICES, features: FEATURES }, ['features'])).map((x) => x.editorIndex),
    [1, 1],
  );
});

test('known columns, quoted names and a list of price columns pass', () => {
  const model = modelFor(
    '# %% load prices\nsource: a.csv\n\n# %% features\nreturns: ["close"]\nlags: [1]\nlag_columns: [ret]\n',
  );
  assert.deepEqual(columnDiagnostics(model, facts({ prices: PRICES })), []);
  // Two price columns make ret_{col}: a bare `ret` is then unknown.
  const two = modelFor(
    '# %% load prices\nsource: a.csv\n\n# %% features\nreturns: [close, "clse"]\nlags: [1]\nlag_columns: [ret_close]\n',
  );
  const d = columnDiagnostics(two, facts({ prices: PRICES }));
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /^unknown column 'clse' \(did you mean 'close'\?\)/);
  assert.equal(d[0]!.startColumn, 18);
  assert.equal(d[0]!.endColumn, 22);
});
