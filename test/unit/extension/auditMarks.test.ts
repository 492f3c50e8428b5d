import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../core/phases/register';
import { main } from '../../../core/cli/main';
import { writeDemoCsv } from '../../../core/demo/ohlcv';
import { splitNotebook, toEditorCells } from '../../../core/notebook';
import type { AuditFinding, AuditReport, CellAudit } from '../../../core/audit/types';
import { auditMarks, auditOfManifest } from '../../../extension/audit/auditMarks';
import { META_KEY, modelOf, type CellLike } from '../../../extension/notebook/cellText';

function cellsOf(text: string): CellLike[] {
  return toEditorCells(splitNotebook(text)).map((c) => ({
    isMarkdown: c.type === 'markdown',
    languageId: c.language,
    value: c.value,
    metadata: { [META_KEY]: { header: c.header, layout: c.meta } },
  }));
}

const TEXT =
  '# %% load prices\nsource: a.csv\n\n# %% features\nreturns: close\nexpressions:\n  ok: close / ' +
  'shift(close, 1)\n  fut: fwd_ret_h1 * 1\n\n# %% labels\nhorizon: 1\n';
const cut = { ms: Date.UTC(2024, 2, 1), iso: '2024-03-01T00:00:00.000Z' };

function finding(over: Partial<AuditFinding>): AuditFinding {
  return {
    cell: 'features',
    cellIndex: 1,
    cellKind: 'features',
    column: 'fut',
    firstMovedMs: cut.ms - 3_600_000,
    firstMovedIso: '2024-02-29T23:00:00.000Z',
    cut,
    rowsCompared: 1000,
    rowsMoved: 1,
    label: false,
    message: 'm',
    ...over,
  };
}

function report(cells: CellAudit[]): AuditReport {
  return {
    version: 1,
    notebook: '/w/nb.pipeline',
    mode: 'error',
    downgraded: false,
    verdict: cells.some((c) => c.verdict === 'leak') ? 'leak' : 'clean',
    cuts: [cut],
    seed: 1,
    cells,
    recomputed: cells.length,
    durationMs: 5,
  };
}

test(
  'a leak is marked on its cell at the line of its key (the whole-file line moved into the cell), with a ' +
    'look-ahead badge; clean cells get a check',
  () => {
    const model = modelOf('', cellsOf(TEXT));
    // 'fut:' is line 8 of the file (1-based); in the features cell's editor text it is line 3 (0-based: returns,
    // expressions, ok, fut).
    const leak: CellAudit = {
      cell: 'features',
      cellIndex: 1,
      cellKind: 'features',
      verdict: 'leak',
      cached: false,
      findings: [finding({ location: { file: '/w/nb.pipeline', line: 8, key: 'expressions.fut' } })],
    };
    const clean: CellAudit = {
      cell: 'prices',
      cellIndex: 0,
      cellKind: 'load',
      verdict: 'clean',
      cached: true,
      findings: [],
    };
    const m = auditMarks(report([clean, leak]), model);
    assert.equal(m.diagnostics.length, 1);
    const d = m.diagnostics[0];
    assert.equal(d.editorIndex, 1);
    assert.equal(cellsOf(TEXT)[1].value.split('\n')[d.line].trim(), 'fut: fwd_ret_h1 * 1');
    assert.match(
      d.message,
      /column 'fut' at 2024-02-29T23:00:00\.000Z changed when every input row after 2024-03-01T00:00:00\.000Z was replaced \(1 of 1,000 rows/,
    );
    assert.equal(m.badges.get(1)?.badge, 'look-ahead');
    assert.equal(m.badges.get(0)?.badge, 'clean');
    assert.equal(m.badges.get(2), undefined, 'a cell the audit did not cover gets no badge');
  },
);

test(
  'a finding only inherited from an upstream leak marks nothing on the downstream cell; no location points at ' +
    'the cell top',
  () => {
    const model = modelOf('', cellsOf(TEXT));
    const up: CellAudit = {
      cell: 'features',
      cellIndex: 1,
      cellKind: 'features',
      verdict: 'leak',
      cached: false,
      findings: [finding({})],
    };
    const down: CellAudit = {
      cell: 'labels',
      cellIndex: 2,
      cellKind: 'labels',
      verdict: 'leak',
      cached: false,
      findings: [finding({ cell: 'labels', cellIndex: 2, inheritedFrom: 'features' })],
    };
    const m = auditMarks(report([up, down]), model);
    assert.deepEqual(
      m.diagnostics.map((d) => [d.editorIndex, d.line]),
      [[1, 0]],
    );
    assert.equal(m.badges.get(2), undefined);
  },
);

test('run.json: the audit report is taken only when it is of the known version', () => {
  const r = report([]);
  assert.deepEqual(auditOfManifest({ id: 'pipeline_x', audit: r }), r);
  assert.equal(auditOfManifest({ id: 'pipeline_x' }), undefined);
  assert.equal(auditOfManifest({ audit: { ...r, version: 2 } }), undefined);
  assert.equal(auditOfManifest(null), undefined);
  assert.deepEqual(auditOfManifest({ id: 'pipeline_x', meta: { audit: r } }), r, 'the run store keeps it under meta');
});

test(
  'end to end: phasebook run refuses a ts shift(-1) (exit 2); its run.json audit marks the ts cell at the ' +
    'shift line, the clean cells with a check, not the inheriting cell',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-auditmarks-'));
    try {
      writeDemoCsv(join(dir, 'data.csv'), { symbols: 2, bars: 600, seed: 5 });
      const text = [
        '# %% load prices',
        'source: data.csv',
        '',
        '# %% validate',
        'contract: ohlcv',
        'policy: { ohlc: quarantine, duplicates: quarantine, order: quarantine }',
        '',
        '# %% features',
        'returns: close',
        'lags: [1, 2]',
        '',
        '# %% ts peek',
        '// from: features',
        'export default function (inputs, { pl }) {',
        "  return inputs.features.withColumns(pl.col('close').shift(-1).alias('peek'));",
        '}',
        '',
        '# %% labels',
        'horizon: 5',
        '',
        '# %% cv',
        'models: [ridge]',
        'n_splits: 3',
        '',
      ].join('\n');
      writeFileSync(join(dir, 'nb.pipeline'), text);
      let out = '';
      const code = await main(['run', 'nb.pipeline', '--allow-code'], {
        out: (s) => {
          out += s;
        },
        err: (s) => {
          out += s;
        },
        tty: false,
        cwd: dir,
        env: {},
      });
      assert.equal(code, 2, out);
      const run = readdirSync(join(dir, 'runs')).find((d) => d.startsWith('pipeline_'));
      assert.ok(run);
      const report = auditOfManifest(JSON.parse(readFileSync(join(dir, 'runs', run, 'run.json'), 'utf8')));
      assert.ok(report, 'run.json carries the audit');
      const cells = cellsOf(text);
      const m = auditMarks(report, modelOf('', cells));
      assert.equal(m.diagnostics.length, 1, JSON.stringify(m.diagnostics));
      const d = m.diagnostics[0];
      assert.equal(d.editorIndex, 3, 'the ts cell');
      assert.match(cells[3].value.split('\n')[d.line], /shift\(-1\)/);
      assert.match(d.message, /column 'peek'/);
      assert.equal(m.badges.get(3)?.badge, 'look-ahead');
      for (const i of [0, 1, 2]) assert.equal(m.badges.get(i)?.badge, 'clean', `cell ${i}`);
      assert.equal(m.badges.get(4), undefined, 'labels only inherited the leak');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
