// Headless Debian chromium through playwright-core, with a page that records CSP violations,
// page errors and what the webview posts to its host (a stand-in for acquireVsCodeApi).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, startPageServer, type PageServer } from './pageServer';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const screenshotDir = join(repoRoot, 'test-results', 'webview');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PHASEBOOK_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

export interface WatchedPage {
  page: Page;
  /** CSP violations ("directive blocked-uri") and uncaught page errors. */
  problems: string[];
}

export async function openPage(browser: Browser, url: string, theme: 'light' | 'dark' = 'light'): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  // tsx (esbuild keepNames) wraps named functions in __name(); functions sent to the page need it.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript((themeClass: string) => {
    const w = window as unknown as { pbPosted: unknown[]; acquireVsCodeApi: () => unknown; pbState?: unknown };
    w.pbPosted = [];
    let state: unknown;
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.pbPosted.push(m),
      getState: () => state,
      setState: (s: unknown) => (state = s),
    });
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`),
    );
    document.addEventListener('DOMContentLoaded', () => {
      document.body.classList.add(themeClass);
      // A few of the variables VS Code defines, so screenshots look like the real theme.
      const dark = themeClass === 'vscode-dark';
      const vars: Record<string, string> = dark
        ? {
            '--vscode-editor-background': '#1f1f1f',
            '--vscode-foreground': '#cccccc',
            '--vscode-editor-foreground': '#cccccc',
            '--vscode-descriptionForeground': '#9d9d9d',
            '--vscode-panel-border': '#2b2b2b',
          }
        : {
            '--vscode-editor-background': '#ffffff',
            '--vscode-foreground': '#3b3b3b',
            '--vscode-editor-foreground': '#3b3b3b',
            '--vscode-descriptionForeground': '#717171',
            '--vscode-panel-border': '#e5e5e5',
          };
      for (const [k, v] of Object.entries(vars))
        if (!document.documentElement.style.getPropertyValue(k)) document.documentElement.style.setProperty(k, v);
      document.body.style.background = 'var(--vscode-editor-background)';
      document.body.style.color = 'var(--vscode-foreground)';
    });
  }, `vscode-${theme}`);
  await page.goto(url);
  return { page, problems };
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}

/**
 * One page server and one browser for a test file: started before its tests, closed after.
 * `open('dashboard.html', 'dark')` opens a watched page served from dist/webview.
 */
export function useWebviewPages(): { open(file: string, theme?: 'light' | 'dark'): Promise<WatchedPage> } {
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startPageServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    open: (file, theme = 'light') => openPage(browser as Browser, `${(server as PageServer).origin}/${file}`, theme),
  };
}
