/**
 * The causality auditor, one planted leak per class (issue 12): each is flagged on the cell and
 * column that look ahead, with a first-moved timestamp at or before the cut that revealed it;
 * a notebook of backward-looking features audits clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CONTROL, dataDir, LEAKS, notebook } from './fixtures';

const dir = dataDir();
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const [name, leak] of Object.entries(LEAKS)) {
  test(`audit flags ${name.replace(/_/g, ' ')}: cell '${leak.cell}', column '${leak.column}'`, async () => {
    const report = await notebook(dir, name, leak.text).audit();
    assert.equal(report.verdict, 'leak');
    const cell = report.cells.find((c) => c.cell === leak.cell);
    assert.ok(cell, `cell ${leak.cell} audited: ${report.cells.map((c) => c.cell).join(', ')}`);
    assert.equal(cell.verdict, 'leak', JSON.stringify(cell));
    const f = cell.findings.find((x) => x.column === leak.column);
    assert.ok(f, `finding for ${leak.column}: ${cell.findings.map((x) => x.column).join(', ')}`);
    assert.equal(f.inheritedFrom, undefined);
    assert.ok(f.firstMovedMs <= f.cut.ms, `first moved ${f.firstMovedIso} is not after the cut ${f.cut.iso}`);
    assert.equal(new Date(f.firstMovedMs).toISOString(), f.firstMovedIso);
    assert.ok(f.location && f.location.line > 0);
    // Cells above the leak stay clean: the finding is on the cell at fault.
    const above = report.cells.slice(0, report.cells.indexOf(cell));
    assert.deepEqual(
      above.filter((c) => c.verdict !== 'clean').map((c) => c.cell),
      [],
    );
  });
}

test(
  'a notebook of backward-looking features (lags, trailing windows, forward fill, fit on training rows) audits ' +
    'clean',
  async () => {
    const report = await notebook(dir, 'control', CONTROL).audit();
    assert.deepEqual(
      report.cells
        .filter((c) => c.verdict !== 'clean')
        .map((c) => `${c.cell}: ${c.reason ?? JSON.stringify(c.findings.slice(0, 2))}`),
      [],
    );
    assert.equal(report.verdict, 'clean');
    assert.equal(report.cuts.length, 3);
    assert.deepEqual(
      report.cells.map((c) => c.cell),
      ['prices', 'preprocess', 'features', 'lagged', 'labels', 'split', 'scale'],
    );
  },
);
