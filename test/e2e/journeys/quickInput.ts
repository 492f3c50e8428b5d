// VS Code's quick picks and notification toasts, as a user reads and answers them.
import type { Page } from 'playwright-core';

const QUICK_INPUT = '.quick-input-widget';

/**
 * Waits until the quick input on screen is the one titled `title` (not the command palette it replaced) and returns
 * its title: keys typed before then land elsewhere.
 */
export async function waitForQuickPick(page: Page, title: RegExp, timeoutMs = 15_000): Promise<string> {
  const widget = page.locator(QUICK_INPUT);
  const deadline = Date.now() + timeoutMs;
  let seenTitle = '';
  while (Date.now() < deadline) {
    seenTitle =
      (await widget
        .locator('.quick-input-title')
        .textContent({ timeout: 500 })
        .catch(() => '')) ?? '';
    if (title.test(seenTitle) && (await widget.isVisible())) return seenTitle;
    await page.waitForTimeout(150);
  }
  throw new Error(`no quick pick titled ${title} within ${timeoutMs} ms (last title seen: "${seenTitle}")`);
}

/** Waits for a quick pick whose title matches, then clicks the item whose label starts with `label`. */
export async function answerQuickPick(
  page: Page,
  title: RegExp,
  label: string,
  timeoutMs = 15_000,
): Promise<{ title: string; items: string[] }> {
  const widget = page.locator(QUICK_INPUT);
  const seenTitle = await waitForQuickPick(page, title, timeoutMs);
  const rows = widget.locator('.monaco-list-row');
  await rows.first().waitFor({ timeout: 5000 });
  const items = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).filter(Boolean);
  const index = items.findIndex((i) => i === label || i.startsWith(`${label},`) || i.startsWith(`${label} `));
  if (index < 0) {
    await page.keyboard.press('Escape');
    throw new Error(`the quick pick "${seenTitle}" offers no "${label}"; it offers ${JSON.stringify(items)}`);
  }
  await rows.nth(index).click();
  return { title: seenTitle, items };
}

/** Notification toasts on screen (their text, one string each). */
export async function toasts(page: Page): Promise<string[]> {
  return (
    await page
      .locator('.notifications-toasts .notification-toast')
      .allInnerTexts()
      .catch(() => [])
  ).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Waits for a visible quick input row whose label starts with `label` and clicks it (any title). */
export async function clickQuickPickRow(page: Page, label: string, timeoutMs = 15_000): Promise<string[]> {
  const rows = page.locator(`${QUICK_INPUT} .monaco-list-row`);
  const deadline = Date.now() + timeoutMs;
  let items: string[] = [];
  while (Date.now() < deadline) {
    items = (
      await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')).catch(() => [])
    ).filter(Boolean);
    const index = items.findIndex((i) => i === label || i.startsWith(`${label},`) || i.startsWith(`${label} `));
    if (index >= 0) {
      await rows.nth(index).click();
      return items;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`no quick input row "${label}" within ${timeoutMs} ms; it offers ${JSON.stringify(items)}`);
}

/** Waits for the quick input titled `title` (a save or open dialog, an input box) and presses Enter. */
export async function acceptQuickInput(page: Page, title: RegExp, timeoutMs = 15_000): Promise<string> {
  const widget = page.locator(QUICK_INPUT);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seen =
      (await widget
        .locator('.quick-input-title')
        .textContent({ timeout: 500 })
        .catch(() => '')) ?? '';
    if (title.test(seen) && (await widget.isVisible())) {
      const value = await widget.locator('input').first().inputValue();
      await page.keyboard.press('Enter');
      return value;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`no quick input titled ${title} within ${timeoutMs} ms`);
}

/**
 * In the multi-select quick pick on screen, ticks the checkbox of each row whose label is one of `labels` (rows the
 * user sees: filter first if the list is long), checks that each shows as ticked, then presses Enter (OK).
 */
export async function tickQuickPickRows(page: Page, labels: string[], timeoutMs = 15_000): Promise<void> {
  const rows = page.locator(`${QUICK_INPUT} .monaco-list-row`);
  const ariaOf = async (): Promise<string[]> =>
    rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')).catch(() => []);
  const indexOf = (items: string[], label: string): number =>
    items.findIndex((i) => i === label || i.startsWith(`${label},`) || i.startsWith(`${label} `));
  for (const label of labels) {
    const deadline = Date.now() + timeoutMs;
    let items = await ariaOf();
    while (indexOf(items, label) < 0 && Date.now() < deadline) {
      await page.waitForTimeout(150);
      items = await ariaOf();
    }
    const index = indexOf(items, label);
    if (index < 0) throw new Error(`no quick pick row "${label}" to tick; it offers ${JSON.stringify(items)}`);
    const box = rows.nth(index).locator('[role="checkbox"]').first();
    await box.click();
    const ticked = await box.getAttribute('aria-checked');
    if (ticked !== 'true') throw new Error(`the row "${label}" is not ticked after a click (aria-checked=${ticked})`);
  }
  await page.keyboard.press('Enter');
  await page
    .locator(QUICK_INPUT)
    .waitFor({ state: 'hidden', timeout: timeoutMs })
    .catch(() => {
      throw new Error(`the quick pick stayed open after OK with ${JSON.stringify(labels)} ticked`);
    });
}
