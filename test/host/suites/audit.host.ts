// The causality audit in a real VS Code: a pipeline run whose run.json carries an audit report
// (core/audit/types.ts) for an open notebook puts a diagnostic on the leaking cell at the line of
// its key, a "look-ahead" badge on that cell and a check on the clean ones; an edit clears them.
import * as assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { AuditReport } from '../../../core/audit/types';
import type { PhasebookApi } from '../../../extension/api';
import { cellNamed, phasebookApi, setCellText, showNotebook, waitFor } from './helpers/phasebook';
import { workspaceRoot } from '../support';

const TEXT = [
  '# %% load prices',
  'source: data/raw/prices.csv',
  '',
  '# %% features',
  'returns: close',
  'expressions:',
  '  ok: close / shift(close, 1)',
  '  fut: fwd_ret_h1 * 1',
  '',
  '# %% labels',
  'horizon: 1',
  '',
].join('\n');
const FUT_LINE = TEXT.split('\n').indexOf('  fut: fwd_ret_h1 * 1') + 1;
const cut = { ms: Date.UTC(2024, 2, 1), iso: '2024-03-01T00:00:00.000Z' };

function reportFor(notebook: string): AuditReport {
  return {
    version: 1,
    notebook,
    mode: 'error',
    downgraded: false,
    verdict: 'leak',
    cuts: [cut],
    seed: 42,
    recomputed: 2,
    durationMs: 40,
    cells: [
      { cell: 'prices', cellIndex: 0, cellKind: 'load', verdict: 'clean', findings: [], cached: false },
      {
        cell: 'features',
        cellIndex: 1,
        cellKind: 'features',
        verdict: 'leak',
        cached: false,
        findings: [
          {
            cell: 'features',
            cellIndex: 1,
            cellKind: 'features',
            column: 'fut',
            firstMovedMs: cut.ms - 3_600_000,
            firstMovedIso: '2024-02-29T23:00:00.000Z',
            symbol: 'BTCUSDT',
            cut,
            rowsCompared: 1400,
            rowsMoved: 1,
            label: false,
            location: { file: notebook, line: FUT_LINE, key: 'expressions.fut' },
            message: "column 'fut' moved",
          },
        ],
      },
    ],
  };
}

suite('causality audit on the cells', function () {
  this.timeout(60_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    nb = (await showNotebook('host-tests/audit.pipeline', TEXT)).notebook;
  });

  test(
    'a pipeline run with a leak: a diagnostic on the leaking cell at its key line, a look-ahead badge there, a ' +
      'check on the clean cell',
    async () => {
      const id = 'pipeline_20261202_120000_000001_a0d1';
      const dir = join(workspaceRoot().fsPath, 'runs', id);
      mkdirSync(dir, { recursive: true });
      const manifest = {
        id,
        kind: 'pipeline',
        status: 'failed',
        created: new Date().toISOString(),
        source: { cli: ['run'] },
        config: {},
        config_hash: 'h',
        seed: 42,
        metrics: {},
        artifacts: [],
        engine_version: 'test',
        audit: reportFor(nb.uri.fsPath),
      };
      writeFileSync(join(dir, '.tmp-run.json'), JSON.stringify(manifest));
      renameSync(join(dir, '.tmp-run.json'), join(dir, 'run.json'));
      const features = await cellNamed(nb, 'features');
      const diags = await waitFor(
        () => api.auditDiagnostics(features).length > 0 && api.auditDiagnostics(features),
        10_000,
        'the audit diagnostic',
      );
      assert.equal(diags.length, 1);
      const d = diags[0];
      assert.equal(features.document.lineAt(d.range.start.line).text, '  fut: fwd_ret_h1 * 1');
      assert.equal(d.range.start.character, 2, 'starts at the key');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.match(
        d.message,
        /look-ahead: column 'fut' at 2024-02-29T23:00:00\.000Z \(BTCUSDT\) changed when every input row after 2024-03-01T00:00:00\.000Z was replaced/,
      );
      // The same diagnostic is in VS Code's own list for the cell document (what the Problems view shows).
      assert.ok(vscode.languages.getDiagnostics(features.document.uri).some((x) => x.source === 'phasebook audit'));
      assert.equal(api.auditDiagnostics(await cellNamed(nb, 'prices')).length, 0);
      const badges = api.auditBadges(nb);
      assert.equal(badges[(await cellNamed(nb, 'features')).index], 'look-ahead');
      assert.equal(badges[(await cellNamed(nb, 'prices')).index], 'clean');
      assert.equal(badges[(await cellNamed(nb, 'labels')).index], '', 'a cell the audit did not cover has no badge');
    },
  );

  test('a notebook opened after its run landed shows the audit of its newest run', async () => {
    const file = join(workspaceRoot().fsPath, 'host-tests', 'audit-later.pipeline');
    writeFileSync(file, TEXT);
    const id = 'pipeline_20261202_120500_000002_a0d2';
    const dir = join(workspaceRoot().fsPath, 'runs', id);
    mkdirSync(dir, { recursive: true });
    const manifest = {
      id,
      kind: 'pipeline',
      status: 'failed',
      created: new Date().toISOString(),
      source: { cli: ['run'] },
      config: {},
      config_hash: 'h',
      seed: 42,
      metrics: {},
      artifacts: [],
      engine_version: 'test',
      audit: reportFor(file),
    };
    writeFileSync(join(dir, '.tmp-run.json'), JSON.stringify(manifest));
    renameSync(join(dir, '.tmp-run.json'), join(dir, 'run.json'));
    await api.waitForRun((r) => r.dir === dir, 10_000);
    const later = (await showNotebook('host-tests/audit-later.pipeline')).notebook;
    const features = await cellNamed(later, 'features');
    const diags = await waitFor(
      () => api.auditDiagnostics(features).length > 0 && api.auditDiagnostics(features),
      10_000,
      'the audit diagnostic on the reopened notebook',
    );
    assert.equal(features.document.lineAt(diags[0].range.start.line).text, '  fut: fwd_ret_h1 * 1');
    assert.equal(api.auditBadges(later)[features.index], 'look-ahead');
  });

  test('editing the notebook clears the audit marks (they described the old text)', async () => {
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nexpressions:\n  ok: close / shift(close, 1)');
    await waitFor(() => api.auditDiagnostics(features).length === 0, 10_000, 'the audit diagnostic to clear');
    assert.ok(api.auditBadges(nb).every((b) => b === ''));
  });
});
