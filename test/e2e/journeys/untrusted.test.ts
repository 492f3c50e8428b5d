// Restricted Mode as a user meets it: the folder is not trusted; the Runs view still lists the runs
// on disk; Run All makes VS Code ask for trust; the user says Cancel; nothing runs, and the
// notebook says why on its cells (docs/design.md §9.7). Screenshots: test-results/journey-untrusted-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  DIALOG,
  NOTEBOOK_CELL,
  openFile,
  openWorkbench,
  screenshot,
  waitForNotebook,
  type Workbench,
} from '../../harness/browser';
import { startCodeServer, type CodeServer } from '../../harness/codeServer';
import { UNTRUSTED_CV_RUN, UNTRUSTED_TRAINING_RUN, untrustedWorkspaceFiles } from '../../host/untrustedFixture';
import { DEMO_PIPELINE } from './demoWorkspace';
import { clickRunAll, visibleCellRows } from './notebookView';
import { notebookOutputs } from './outputFrames';
import { runRows, runsOnDisk, showRunsView } from './runsView';

let server: CodeServer;
let wb: Workbench;
let page: Page;

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-untrusted',
      workspaceTrust: true,
      // No trust prompt at startup: the folder opens in Restricted Mode, as for a user who has not trusted it yet.
      settings: { 'security.workspace.trust.startupPrompt': 'never' },
      workspaceFiles: untrustedWorkspaceFiles(),
    });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
    page = wb.page;
  },
  { timeout: 180_000 },
);

after(async () => {
  await wb?.close();
  await server?.stop();
});

let declined = false;

test(
  'untrusted: the Runs view lists the runs on disk; Run All asks for trust, and after Cancel no cell runs',
  { timeout: 120_000 },
  async () => {
    await page
      .locator('.statusbar-item', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(async () => {
        assert.fail(
          `the workbench does not show Restricted Mode; see ` +
            `${await screenshot(page, 'journey-untrusted-not-restricted')}`,
        );
      });
    await openFile(page, DEMO_PIPELINE);
    await waitForNotebook(page);
    await page.locator(NOTEBOOK_CELL).nth(2).waitFor({ timeout: 30_000 });
    await showRunsView(page);
    await page
      .waitForFunction(
        (id) =>
          Array.from(document.querySelectorAll('.part.sidebar .monaco-list-row')).some((e) =>
            (e.getAttribute('aria-label') ?? '').endsWith(`, run ${id}`),
          ),
        UNTRUSTED_CV_RUN.id,
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    const rows = await runRows(page);
    const listed = await screenshot(page, 'journey-untrusted-runs');
    for (const id of [UNTRUSTED_TRAINING_RUN.id, UNTRUSTED_CV_RUN.id]) {
      assert.ok(
        rows.some((r) => r.id === id),
        `run ${id} is on disk but not in the Runs view (${JSON.stringify(rows.map((r) => r.id))}); see ${listed}`,
      );
    }

    const before = runsOnDisk(server.workspaceDir)
      .map((r) => r.id)
      .sort();
    await clickRunAll(page, false); // in Restricted Mode VS Code asks for trust before anything starts
    const prompt = page
      .locator(DIALOG)
      .filter({ hasText: /trust the authors/i })
      .first();
    await prompt.waitFor({ timeout: 15_000 }).catch(async () => {
      assert.fail(
        `Run All in an untrusted workspace showed no trust prompt; see ` +
          `${await screenshot(page, 'journey-untrusted-no-prompt')}`,
      );
    });
    const text = (await prompt.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Executing a notebook cell will run code from this workspace/, `the prompt reads: ${text}`);
    await screenshot(page, 'journey-untrusted-prompt');
    await prompt.getByRole('button', { name: 'Cancel', exact: true }).click();
    await prompt.waitFor({ state: 'hidden', timeout: 5000 });
    declined = true;
    await page.waitForTimeout(1500); // a kernel would have started and finished the first cells by now
    const shot = await screenshot(page, 'journey-untrusted-declined');
    const ran = (await visibleCellRows(page)).filter(
      (r) => r.state !== 'not run' || /^\[\d+\]$/.test(r.executionOrder),
    );
    assert.deepEqual(
      ran.map((r) => `${r.name}: ${r.state} ${r.executionOrder}`),
      [],
      `cells ran after the user declined trust; see ${shot}`,
    );
    assert.deepEqual(
      runsOnDisk(server.workspaceDir)
        .map((r) => r.id)
        .sort(),
      before,
      'a run was written',
    );
    const kernelItem = (await page.locator('.statusbar-item', { hasText: 'Phasebook' }).allInnerTexts()).join(' | ');
    assert.match(
      kernelItem,
      /restricted/,
      `the Phasebook status bar item does not say it is restricted: ${kernelItem}`,
    );
  },
);

test(
  'untrusted: after the declined run each phase cell says, on the cell, that nothing runs in an untrusted workspace',
  { timeout: 60_000 },
  async () => {
    assert.ok(declined, 'the previous journey did not get as far as declining trust (see its failure above)');
    const rows = await visibleCellRows(page);
    const outputs = (await notebookOutputs(page)).texts.join('\n');
    const shot = await screenshot(page, 'journey-untrusted-cells');
    const phaseRows = rows.filter((r) => r.name && r.name !== 'settings');
    assert.ok(phaseRows.length > 0, `no phase cell is on screen; see ${shot}`);
    const silent = phaseRows.filter((r) => !/untrusted|restricted/i.test(r.statusText));
    assert.ok(
      silent.length === 0 || /untrusted workspace/i.test(outputs),
      `cells ${silent.map((r) => `'${r.name}' (status bar: "${r.statusText}")`).join(', ')} do not say why ` +
        `they did not run: neither their status bar nor an output mentions the untrusted workspace / ` +
        `Restricted Mode. ` +
        `VS Code's trust prompt comes before the controller, so after Cancel the controller's own message is ` +
        `never shown; see ${shot}`,
    );
  },
);
