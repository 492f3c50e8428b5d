// Tested as installed (docs/design.md §11.5): `npm run package` builds the .vsix, code-server installs it with
// `--install-extension` into a fresh extensions folder, and a folder holding only a CSV is opened.
// A user's short journey there: New pipeline notebook (the template) -> Run All -> a CV notebook's
// run appears in the Runs view -> its dashboard opens; `phasebook` works in an integrated terminal
// and after "Install 'phasebook' command in PATH". The installed folder holds no symlink and no
// node_modules, and the kernel maps its nodejs-polars addon from that folder, not from a checkout.
// PHASEBOOK_VSIX=<file> tests that package instead of building one; PHASEBOOK_INSTALL_DEMO=1 also
// times the first Run All of examples/demo.pipeline in the installed extension (bench/analysis.md, "The installed
// extension").
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openFile, openWorkbench, runCommand, screenshot, waitForNotebook, type Workbench } from '../harness/browser';
import { startCodeServer, type CodeServer } from '../harness/codeServer';
import { repoRoot } from '../harness/paths';
import { clickRunAll, scanNotebook, waitForRunToEnd } from '../e2e/journeys/notebookView';
import { DEMO_PIPELINE, ensureDemoData } from '../e2e/journeys/demoWorkspace';
import { dashboardOf } from '../e2e/journeys/outputFrames';
import { runContextMenu, runRows, showRunsView } from '../e2e/journeys/runsView';
import { answerQuickPick } from '../e2e/journeys/quickInput';
import { activationMs, kernelLibraries } from './installedChecks';
import { journeyCsv, CV_PIPELINE } from './journeyFiles';

const RUN_ALL_TIMEOUT_MS = 180_000;
let vsix = process.env.PHASEBOOK_VSIX ?? '';
let home: string;
let server: CodeServer;
let wb: Workbench;
let page: Page;

before(
  async () => {
    if (!vsix) {
      const r = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: repoRoot, encoding: 'utf8' });
      const m = /phasebook package: (\S+\.vsix) — ([\d.]+ MB)/.exec(r.stdout);
      assert.ok(r.status === 0 && m, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
      vsix = m[1];
      console.log(`# packaged ${relative(repoRoot, vsix)} (${m[2]})`);
    }
    home = mkdtempSync(join(tmpdir(), 'phasebook-install-home-'));
    server = await startCodeServer({
      name: 'install',
      vsix,
      emptyWorkspace: true,
      workspaceFiles: { 'data/raw/prices.csv': journeyCsv() },
      // "Install 'phasebook' command in PATH" writes into ~/.local/bin: a throwaway home.
      env: { HOME: home },
    });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
    page = wb.page;
    // The installed extension's contributions reach the workbench once the remote extension host has
    // scanned it: its activity-bar icon shows then.
    await page
      .locator('.activitybar .action-item .action-label[aria-label^="Phasebook"]')
      .first()
      .waitFor({ timeout: 60_000 });
  },
  { timeout: 240_000 },
);

after(async () => {
  await wb?.close();
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('the installed extension is a plain folder outside any checkout: no symlink, no node_modules', () => {
  const ext = server.extensionDir;
  assert.ok(relative(repoRoot, ext).startsWith('..'), `the extension was installed inside the checkout: ${ext}`);
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) return [p];
      return st.isDirectory() ? walk(p) : [];
    });
  assert.deepEqual(walk(ext), [], 'the installed extension holds symlinks');
  assert.equal(existsSync(join(ext, 'node_modules')), false, 'the installed extension ships node_modules');
  for (const f of [
    'dist/extension.js',
    'dist/kernel.js',
    'dist/cli.js',
    'dist/sql-wasm.wasm',
    'dist/esbuild',
    'bin/phasebook',
    'media/icon.png',
    'changelog.md',
    'LICENSE.txt',
  ]) {
    assert.ok(
      existsSync(join(ext, f)),
      `${f} is missing from the installed extension (vsce stores CHANGELOG.md and LICENSE as changelog.md ` +
        `and LICENSE.txt)`,
    );
  }
});

test(
  'journey: the template notebook runs, a CV run lands in the Runs view, its dashboard opens',
  { timeout: RUN_ALL_TIMEOUT_MS * 2 + 120_000 },
  async (t) => {
    await runCommand(page, 'Phasebook: New pipeline notebook');
    // The flow asks for the data file first (the folder's CSV, Browse…, or the template).
    await answerQuickPick(page, /which data file/i, 'Start from the template');
    await waitForNotebook(page);
    await page.locator('.tabs-container .tab[aria-label^="untitled.pipeline"]').first().waitFor({ timeout: 15_000 });
    const t0 = Date.now();
    await clickRunAll(page);
    await waitForRunToEnd(page, RUN_ALL_TIMEOUT_MS);
    t.diagnostic(`template Run All (first, cold kernel): ${Date.now() - t0} ms`);
    const template = readFileSync(join(server.workspaceDir, 'untitled.pipeline'), 'utf8');
    const cells = (template.match(/^# %%/gm) ?? []).length;
    const scan = await scanNotebook(page, cells);
    const shot = await screenshot(page, 'install-template-run');
    const states = [...scan.rows.values()].map((r) => `${r.name}: ${r.state}`);
    assert.ok(states.length >= 2, `the template shows ${states.length} phase cells; see ${shot}`);
    assert.deepEqual(
      states.filter((s) => !s.endsWith(': success')),
      [],
      `template cells did not all succeed; see ${shot}`,
    );

    // The user grows the notebook into a cross-validation (written as a file, opened like any other).
    writeFileSync(join(server.workspaceDir, 'cv.pipeline'), CV_PIPELINE);
    await openFile(page, 'cv.pipeline');
    await waitForNotebook(page);
    await showRunsView(page);
    await clickRunAll(page);
    await waitForRunToEnd(page, RUN_ALL_TIMEOUT_MS);
    let cv: { id: string } | undefined;
    const deadline = Date.now() + 30_000;
    while (!cv && Date.now() < deadline) {
      cv = (await runRows(page)).find((r) => r.group === 'Cross-validation' && r.status === 'complete');
      if (!cv) await page.waitForTimeout(250);
    }
    const runsShot = await screenshot(page, 'install-runs-view');
    assert.ok(cv, `no complete CV run in the Runs view; rows: ${JSON.stringify(await runRows(page))}; see ${runsShot}`);
    await runContextMenu(page, cv.id, 'Open dashboard');
    let seen: Awaited<ReturnType<typeof dashboardOf>>;
    const dashDeadline = Date.now() + 30_000;
    const shown = (d: typeof seen) => !!d && Object.keys(d.cards).length > 0;
    while (!shown(seen) && Date.now() < dashDeadline) {
      seen = await dashboardOf(page, cv.id);
      if (!shown(seen)) await page.waitForTimeout(250);
    }
    const dashShot = await screenshot(page, 'install-dashboard');
    assert.ok(seen && shown(seen), `the dashboard of ${cv.id} did not open with its metric cards; see ${dashShot}`);
    assert.deepEqual(seen.errors, [], `the dashboard shows errors; see ${dashShot}`);
  },
);

test('the kernel loads nodejs-polars from the installed folder, never from the checkout', () => {
  const libs = kernelLibraries(server.extensionDir);
  assert.ok(libs.length, 'no running kernel of the installed extension was found');
  for (const { pid, polars } of libs) {
    assert.ok(polars.length, `kernel ${pid} maps no nodejs-polars addon`);
    for (const p of polars)
      assert.ok(p.startsWith(`${server.extensionDir}/`), `kernel ${pid} maps ${p}, outside the installed extension`);
  }
});

test(
  '`phasebook` runs in an integrated terminal, and from ~/.local/bin after "Install \'phasebook\' command in PATH"',
  { timeout: 120_000 },
  async () => {
    const expected = execFileSync('sh', [join(server.extensionDir, 'bin', 'phasebook'), '--version'], {
      env: { ...process.env, PHASEBOOK_NODE: process.execPath },
      encoding: 'utf8',
    }).trim();
    await runCommand(page, 'Terminal: Create New Terminal');
    const xterm = page.locator('.part.panel .terminal-wrapper.active .xterm-screen, .part.panel .xterm-screen').last();
    await xterm.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500); // the shell's first prompt
    await xterm.click(); // the keyboard goes where the user clicked: the terminal
    const out = join(server.workspaceDir, 'pb-version.txt');
    await page.keyboard.type('phasebook --version > pb-version.txt\n');
    const deadline = Date.now() + 20_000;
    while (!(existsSync(out) && readFileSync(out, 'utf8').trim()) && Date.now() < deadline)
      await page.waitForTimeout(200);
    const termShot = await screenshot(page, 'install-terminal');
    assert.equal(
      existsSync(out) ? readFileSync(out, 'utf8').trim() : '(no file)',
      expected,
      `the terminal's phasebook --version; see ${termShot}`,
    );

    await runCommand(page, "Phasebook: Install 'phasebook' command in PATH");
    const shim = join(home, '.local', 'bin', 'phasebook');
    const shimDeadline = Date.now() + 15_000;
    while (!existsSync(shim) && Date.now() < shimDeadline) await page.waitForTimeout(200);
    assert.ok(existsSync(shim), `${shim} was not written`);
    // Another terminal, without VS Code's environment: only the shim and the system PATH.
    const version = execFileSync(shim, ['--version'], {
      env: { PATH: '/usr/bin:/bin', HOME: home },
      encoding: 'utf8',
    }).trim();
    assert.equal(version, expected);
  },
);

test('activation time and the first Run All, from the extension host log (diagnostics)', (t) => {
  const ms = activationMs(server.extensionHostLog());
  t.diagnostic(
    ms === undefined
      ? 'activation time: not found in the extension host log'
      : `activation: ${ms} ms (extension host log)`,
  );
  assert.ok(ms !== undefined, 'the extension host log has no activation record for phasebook.phasebook');
});

test(
  'the first Run All of the demo in the installed extension (PHASEBOOK_INSTALL_DEMO=1; diagnostics)',
  {
    skip: process.env.PHASEBOOK_INSTALL_DEMO !== '1' && 'set PHASEBOOK_INSTALL_DEMO=1 to time the demo',
    timeout: 600_000,
  },
  async (t) => {
    ensureDemoData(server.workspaceDir);
    copyFileSync(join(repoRoot, 'examples', DEMO_PIPELINE), join(server.workspaceDir, DEMO_PIPELINE));
    // Quick open's file index may not list a file written a moment ago: try again as a user would.
    for (let attempt = 1; ; attempt++) {
      try {
        await openFile(page, DEMO_PIPELINE);
        break;
      } catch (e) {
        if (attempt === 5) throw e;
        await page.waitForTimeout(3000);
      }
    }
    await waitForNotebook(page);
    const t0 = Date.now();
    await clickRunAll(page);
    await waitForRunToEnd(page, 540_000);
    t.diagnostic(`demo first Run All (installed extension, new kernel): ${Date.now() - t0} ms`);
    const shot = await screenshot(page, 'install-demo-run-all');
    const cells = (readFileSync(join(server.workspaceDir, DEMO_PIPELINE), 'utf8').match(/^# %%/gm) ?? []).length;
    const failed = [...(await scanNotebook(page, cells)).rows.values()]
      .filter((r) => r.state === 'error')
      .map((r) => r.name);
    assert.deepEqual(failed, [], `demo cells failed; see ${shot}`);
  },
);
