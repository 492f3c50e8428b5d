// Opens code-server's workbench in Debian's headless chromium (playwright-core) and drives it the
// way a user does: command palette, quick open, notebook cells, screenshots.
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { chromiumPath, ensureTestResultsDir } from './paths';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
] as const;

export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  readonly server: CodeServer;
  /** Browser console errors seen so far (useful in failure messages). */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  timeoutMs?: number;
  viewport?: { width: number; height: number };
}

/** Launches chromium, opens the workbench on the server's workspace, waits for `.monaco-workbench`. */
export async function openWorkbench(server: CodeServer, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const timeout = options.timeoutMs ?? 90_000;
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS] });
  const consoleErrors: string[] = [];
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(server.workbenchUrl, { timeout });
    await page.waitForSelector('.monaco-workbench', { timeout });
    // The status bar appears once the workbench has restored its parts.
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout });
    return { browser, page, server, consoleErrors, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw new Error(
      `the workbench did not load from ${server.workbenchUrl}: ${(err as Error).message}\n` +
        `server log tail:\n${server.logTail()}`,
      { cause: err },
    );
  }
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROW = `${QUICK_INPUT} .monaco-list-row`;

async function pickFromQuickInput(
  page: Page,
  text: string,
  matches: (label: string) => boolean,
  what: string,
  timeout: number,
): Promise<void> {
  await page.keyboard.type(text);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const rows = page.locator(QUICK_INPUT_ROW);
    const count = await rows.count();
    for (let i = 0; i < count; i++) {
      const label = (await rows.nth(i).getAttribute('aria-label')) ?? (await rows.nth(i).innerText());
      if (matches(label)) {
        await rows.nth(i).click();
        return;
      }
    }
    await page.waitForTimeout(200);
  }
  const shown = await page
    .locator(QUICK_INPUT_ROW)
    .allInnerTexts()
    .catch(() => []);
  await page.keyboard.press('Escape');
  throw new Error(
    `${what} not found in the quick input after typing "${text}"; it showed: ${JSON.stringify(shown.slice(0, 10))}`,
  );
}

/** Runs a command from the command palette by its title as the palette shows it (e.g. "Phasebook: Run All"). */
export async function runCommand(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator(`${QUICK_INPUT} input`).waitFor({ state: 'visible', timeout: timeoutMs });
  const wanted = title.toLowerCase();
  await pickFromQuickInput(
    page,
    title,
    (label) => label.toLowerCase().startsWith(wanted),
    `command "${title}"`,
    timeoutMs,
  );
}

/** Opens a workspace file through quick open (Ctrl+P), as a user would. */
export async function openFile(page: Page, relativePath: string, timeoutMs = 15_000): Promise<void> {
  await runCommand(page, 'Go to File', timeoutMs);
  const name = relativePath.split('/').pop() ?? relativePath;
  await pickFromQuickInput(page, relativePath, (label) => label.includes(name), `file "${relativePath}"`, timeoutMs);
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: timeoutMs });
}

/** The notebook editor that is currently visible. */
export const NOTEBOOK_EDITOR = '.notebook-editor';
/** One row per cell in the visible notebook editor (markdown and code). */
export const NOTEBOOK_CELL =
  `${NOTEBOOK_EDITOR} .monaco-list-row.code-cell-row, ` + `${NOTEBOOK_EDITOR} .monaco-list-row.markdown-cell-row`;

export async function waitForNotebook(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.locator(NOTEBOOK_EDITOR).first().waitFor({ state: 'attached', timeout: timeoutMs });
}

/**
 * True when some frame other than the workbench itself (the notebook's webview and its nested
 * iframes, where outputs and rendered markdown live, inside shadow roots) shows `text`.
 */
export async function webviewShowsText(page: Page, text: string | RegExp): Promise<boolean> {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const n = await frame
      .getByText(text)
      .count()
      .catch(() => 0);
    if (n > 0) return true;
  }
  return false;
}

/** Waits until a notebook cell output (or rendered markdown) contains `text`. */
export async function waitForCellOutput(page: Page, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await webviewShowsText(page, text)) return;
    await page.waitForTimeout(300);
  }
  throw new Error(`no notebook cell output matched ${String(text)} within ${timeoutMs} ms`);
}

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(ensureTestResultsDir(), `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** VS Code's modal dialogs (workspace trust prompts among them). */
export const DIALOG = '.monaco-dialog-box';

/**
 * Answers every workspace-trust prompt ("Do you trust the authors of the files in this folder?",
 * shown before anything runs in Restricted Mode) the way a user who keeps the folder untrusted
 * does: "Cancel". `onPrompt` gets the dialog's text before the click. Returns a stop function.
 */
export function declineTrustPrompts(
  page: Page,
  onPrompt: (text: string) => void,
  intervalMs = 250,
): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const dialog = page
        .locator(DIALOG)
        .filter({ hasText: /trust the authors/i })
        .first();
      if (await dialog.isVisible().catch(() => false)) {
        const text = await dialog.innerText().catch(() => '');
        onPrompt(text);
        await dialog
          .getByRole('button', { name: 'Cancel', exact: true })
          .click({ timeout: 5000 })
          .catch(() => undefined);
      }
      await page.waitForTimeout(intervalMs).catch(() => {
        stopped = true;
      });
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/**
 * Reloads the window as a user does: "Developer: Reload Window" from the palette, then waits for the reloaded
 * workbench's status bar. Not the browser's reload (F5, `page.reload()`): that unloads the page while the workbench
 * is still writing its state (open editors, webview panels) to IndexedDB, and when the write loses that race the
 * window comes back with an empty editor area. The command awaits that write before it reloads.
 */
export async function reloadWindow(page: Page, timeoutMs = 90_000): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (f) => f === page.mainFrame(),
    timeout: timeoutMs,
  });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
}
