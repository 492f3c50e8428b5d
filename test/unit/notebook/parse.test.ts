import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './testPhases';
import { generatedNotebook, notebookishText } from './generators';
import { splitLines } from '../../../core/notebook/split';
import { parseNotebook } from '../../../core/notebook/parse';
import { firstError } from '../../../core/notebook/userError';
import { formatUserError } from '../../../core/errors';
import type { Diagnostic, ParsedNotebook } from '../../../core/notebook/types';

const nb = (...lines: string[]): string => lines.join('\n') + '\n';
const at = (d: Diagnostic): string =>
  `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`;
const only = (p: ParsedNotebook, code: Diagnostic['code']): Diagnostic => {
  const ds = p.diagnostics.filter((d) => d.code === code);
  assert.equal(
    ds.length,
    1,
    `expected one '${code}' diagnostic, got ${JSON.stringify(p.diagnostics.map((d) => d.message))}`,
  );
  return ds[0];
};

test('cells get kinds, default and explicit names, configs and implied upstreams', () => {
  const p = parseNotebook(
    nb(
      'preamble',
      '# %% md',
      '# Title',
      '# %% t_load prices',
      'source: a.csv',
      '',
      '# %% settings',
      'seed: 7',
      '# %% t_features',
      'lags: [1, 2]',
      '# %% t_features',
      '# %% ts post',
      'export default (x) => x',
      '# %% t_split',
    ),
  );
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(
    p.cells.map((c) => [c.type, c.kind, c.name, c.explicitName, c.headerLine, c.bodyLine, c.from, c.explicitFrom]),
    [
      ['markdown', 'md', 'md', false, 1, 2, [], false],
      ['phase', 't_load', 'prices', true, 3, 4, [], false],
      ['phase', 'settings', 'settings', false, 6, 7, [], false],
      ['phase', 't_features', 't_features', false, 8, 9, ['prices'], false],
      ['phase', 't_features', 't_features_2', false, 10, 11, ['t_features'], false],
      ['ts', 'ts', 'post', true, 11, 12, ['t_features_2'], false],
      ['phase', 't_split', 't_split', false, 13, 14, ['post'], false],
    ],
  );
  assert.deepEqual(p.cells[1].config, { source: 'a.csv' });
  assert.deepEqual(p.cells[3].config, { lags: [1, 2] });
  assert.deepEqual(p.cells[1].keyPositions, { source: { line: 4, column: 0 } });
  assert.equal(p.cells[5].source, 'export default (x) => x\n');
});

test('an explicit name is skipped by default names; from: takes a name, a comma list or a YAML list', () => {
  const p = parseNotebook(
    nb(
      '# %% t_load',
      'source: a.csv',
      '# %% t_load t_load_2',
      'source: b.csv',
      '# %% t_load',
      'source: c.csv',
      '# %% t_features',
      'from: t_load, t_load_2',
      '# %% t_split',
      'from: [t_load_3]',
    ),
  );
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(
    p.cells.map((c) => c.name),
    ['t_load', 't_load_2', 't_load_3', 't_features', 't_split'],
  );
  assert.deepEqual(p.cells[3].from, ['t_load', 't_load_2']);
  assert.deepEqual(
    p.cells[3].fromRanges?.map((r) => [r.start.line, r.start.column, r.end.column]),
    [
      [7, 6, 12],
      [7, 14, 22],
    ],
  );
  assert.deepEqual(p.cells[4].from, ['t_load_3']);
  assert.equal(p.cells[4].explicitFrom, true);
});

test('a ts cell declares its inputs with a `// from:` line; a markdown or settings cell is never an upstream', () => {
  const p = parseNotebook(
    nb(
      '# %% t_load a',
      'source: a.csv',
      '# %% t_load b',
      'source: b.csv',
      '# %% md',
      'notes',
      '# %% settings',
      '# %% ts join',
      '// from: a, b',
      'export default 1',
    ),
  );
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(p.cells[4].from, ['a', 'b']);
  assert.deepEqual(
    p.cells[4].fromRanges?.map((r) => [r.start.line, r.start.column]),
    [
      [8, 9],
      [8, 12],
    ],
  );
  const q = parseNotebook(nb('# %% t_load a', 'source: a.csv', '# %% md', '# %% settings', '# %% t_features'));
  assert.deepEqual(q.cells[3].from, ['a']);
});

test('invalid YAML is reported at the YAML error, in whole-file coordinates', () => {
  const p = parseNotebook(nb('# %% t_load', 'source: a.csv', '# %% t_features', 'lags: [1, 2', 'returns: close'));
  const d = only(p, 'yaml');
  assert.equal(d.cellIndex, 1);
  assert.equal(d.range.start.line, 4);
  assert.match(d.message, /^invalid YAML: .*end with a \]/);
  assert.deepEqual(p.cells[1].config, {});
});

test('a body that is not a mapping, and two YAML documents in one cell, are reported', () => {
  const p = parseNotebook(nb('# %% t_load', '- a.csv'));
  const d = p.diagnostics.find((x) => x.code === 'wrong-type');
  assert.equal(d?.message, "the cell body must be a mapping of keys (like 'key: value'), got a list");
  assert.equal(d && at(d), '1:0-1:7');
  const q = parseNotebook(nb('# %% t_load', 'source: a.csv', '---', 'source: b.csv'));
  assert.equal(only(q, 'yaml').message, "invalid YAML: a cell holds one YAML document (remove the '---' line)");
});

test('unknown phase kind: at the kind token, with did-you-mean', () => {
  const p = parseNotebook(nb('# %% t_load', 'source: a.csv', '', '# %% t_featurs rets', 'lags: [1]'));
  const d = only(p, 'unknown-kind');
  assert.equal(d.message, "unknown phase kind 't_featurs' (did you mean 't_features'?)");
  assert.equal(at(d), '3:5-3:14');
  const bare = parseNotebook(nb('# %%', 'x: 1'));
  assert.equal(
    only(bare, 'unknown-kind').message,
    "cell marker has no kind: write '# %% <kind> [<name>]', e.g. '# %% load prices'",
  );
});

test('unknown key: at the key, with did-you-mean from the phase keys and the common keys', () => {
  const p = parseNotebook(
    nb(
      '# %% t_load',
      'source: a.csv',
      '# %% t_features',
      'returns: close',
      '  # comment',
      'lagz: [1, 2]',
      'fro: t_load',
    ),
  );
  const ds = p.diagnostics.filter((d) => d.code === 'unknown-key');
  assert.deepEqual(
    ds.map((d) => [at(d), d.key, d.message]),
    [
      ['5:0-5:4', 'lagz', "unknown key 'lagz' for phase 't_features' (did you mean 'lags'?)"],
      ['6:0-6:3', 'fro', "unknown key 'fro' for phase 't_features' (did you mean 'from'?)"],
    ],
  );
  const s = parseNotebook(nb('# %% settings', 'sed: 3'));
  assert.equal(only(s, 'unknown-key').message, "unknown key 'sed' for the settings cell (did you mean 'seed'?)");
});

test('wrong value type: at the value, or at the nested element at fault', () => {
  const p = parseNotebook(
    nb(
      '# %% t_load',
      'source: 3',
      '# %% t_features',
      'lags: [1, two, 3]',
      'rolling: { column: ret, windows: [7, 1.5] }',
      '# %% t_split',
      'train: 1.5',
    ),
  );
  assert.deepEqual(
    p.diagnostics.map((d) => [d.code, at(d), d.message]),
    [
      ['wrong-type', '1:8-1:9', "key 'source': expected a string, got number 3"],
      ['wrong-type', '3:10-3:13', "key 'lags[1]': expected a whole number, got the string 'two'"],
      ['wrong-type', '4:37-4:40', "key 'rolling.windows[1]': expected a whole number, got number 1.5"],
      ['wrong-type', '6:7-6:10', "key 'train': must be at most 1, got 1.5"],
    ],
  );
});

test('missing required key: on the marker line', () => {
  const p = parseNotebook(nb('# %% md', '# %% t_load prices', 'timestamp: ts'));
  const d = only(p, 'missing-key');
  assert.equal(d.message, "missing required key 'source' for phase 't_load'");
  assert.equal(at(d), '1:0-1:18');
  assert.equal(d.key, 'source');
});

test('unknown from: at the name, with did-you-mean among the cells', () => {
  const p = parseNotebook(
    nb(
      '# %% t_load prices',
      'source: a.csv',
      '# %% t_features',
      'from: [prices, pricse]',
      '# %% md intro',
      '# %% t_split',
      'from: intro',
    ),
  );
  assert.deepEqual(
    p.diagnostics.map((d) => [d.code, at(d), d.message]),
    [
      ['unknown-from', '3:15-3:21', "unknown cell 'pricse' in from (did you mean 'prices'?)"],
      ['unknown-from', '6:6-6:11', "cell 'intro' is a markdown cell and has no output"],
    ],
  );
  const ts = parseNotebook(nb('# %% t_load prices', 'source: a.csv', '# %% ts x', '  //  from:  prices ,  nope'));
  assert.deepEqual(
    ts.diagnostics.map((d) => [at(d), d.message]),
    [['3:23-3:27', "unknown cell 'nope' in from"]],
  );
});

test('cycles are named, on every cell of the cycle, at the reference that closes it', () => {
  const p = parseNotebook(
    nb(
      '# %% t_load src',
      'source: a.csv',
      '# %% t_features a',
      'from: c',
      '# %% t_features b',
      'from: a',
      '# %% t_split c',
      'from: [src, b]',
      '# %% t_split self',
      'from: self',
    ),
  );
  const ds = p.diagnostics.filter((d) => d.code === 'cycle');
  assert.deepEqual(
    ds.map((d) => [p.cells[d.cellIndex].name, at(d), d.message]),
    [
      ['a', '3:6-3:7', 'cycle: a -> b -> c -> a'],
      ['b', '5:6-5:7', 'cycle: a -> b -> c -> a'],
      ['c', '7:12-7:13', 'cycle: a -> b -> c -> a'],
      ['self', '9:6-9:10', 'cycle: self -> self'],
    ],
  );
});

test('duplicate names and badly formed names are reported at the name', () => {
  const p = parseNotebook(
    nb('# %% t_load prices', 'source: a.csv', '# %% t_load prices', 'source: b.csv', '# %% t_features 2x extra words'),
  );
  assert.deepEqual(
    p.diagnostics.map((d) => [d.code, at(d), d.message]),
    [
      ['duplicate-name', '2:12-2:18', "duplicate cell name 'prices' (already used on line 1)"],
      [
        'bad-name',
        '4:16-4:18',
        "invalid cell name '2x': a name is one word of letters, digits, '_' or '-', not starting with a digit",
      ],
      ['bad-name', '4:19-4:30', "unexpected 'extra words' after the cell name: a marker is '# %% <kind> [<name>]'"],
    ],
  );
  assert.notEqual(p.cells[1].name, 'prices');
  const s = parseNotebook(nb('# %% settings', '# %% settings'));
  assert.equal(only(s, 'duplicate-name').message, 'only one settings cell is allowed (the first is on line 1)');
});

test('a phase that needs input with nothing above it is reported on its marker', () => {
  const p = parseNotebook(nb('# %% md', 'intro', '# %% settings', '# %% t_features', 'lags: [1]'));
  const d = only(p, 'no-upstream');
  assert.equal(
    d.message,
    "phase 't_features' needs an input but there is no phase cell above it: add 'from: <cell name>'",
  );
  assert.equal(at(d), '3:0-3:15');
  const e = parseNotebook(nb('# %% t_load', 'source: a.csv', '# %% t_split', 'from: []'));
  assert.match(only(e, 'no-upstream').message, /its from: is empty/);
});

test('positions count CRLF, lone CR and a BOM the way an editor does', () => {
  const p = parseNotebook('\uFEFF# %% t_load\r\nsource: a.csv\r# %% t_features\r\n\r\nlagz: 1\r\n');
  const d = only(p, 'unknown-key');
  assert.equal(at(d), '4:0-4:4');
  assert.equal(p.cells[1].source, '\nlagz: 1\n');
});

test('firstError turns a diagnostic into a UserError naming file, line, column, cell and key', () => {
  const p = parseNotebook(nb('# %% t_load prices', 'source: a.csv', 'sorce: b.csv'), { file: 'demo.pipeline' });
  const e = firstError(p);
  assert.ok(e);
  assert.equal(
    formatUserError(e),
    "demo.pipeline:3:1 cell 'prices' key 'sorce': unknown key 'sorce' for phase 't_load' (did you mean 'source'?)",
  );
});

test('property: parsing never throws, names are unique, and every diagnostic lies inside its own cell', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        generatedNotebook.map((g) => g.text),
        notebookishText,
      ),
      (text) => {
        const p = parseNotebook(text);
        const lineCount = splitLines(text).length;
        const names = new Set(p.cells.map((c) => c.name));
        assert.equal(names.size, p.cells.length, 'names are unique');
        for (const d of p.diagnostics) {
          const cell = p.cells[d.cellIndex];
          const next = p.cells[d.cellIndex + 1];
          assert.ok(cell, d.message);
          assert.ok(d.range.start.line >= cell.headerLine, d.message);
          assert.ok(d.range.end.line < (next ? next.headerLine : Math.max(lineCount, cell.headerLine + 1)), d.message);
          assert.ok(d.range.start.column >= 0 && d.range.end.column >= 0);
        }
      },
    ),
    { numRuns: 300 },
  );
});
