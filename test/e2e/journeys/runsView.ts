// The Phasebook activity-bar view ("Runs") as a user sees it, the run folders on disk, and a
// watcher that notes when each run lands on disk (run.json, written last) and when its row shows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const SIDEBAR = '.part.sidebar';
const VIEW_TITLE = 'Phasebook: Runs';
const TREE_ROW = `${SIDEBAR} .monaco-list-row`;

export interface RunRow {
  /** The group row above it: "Cross-validation", "Training (incl. stacking)", ... */
  group: string;
  /** The run id (the end of the row's aria-label: "<label>, <description>, run <id>"). */
  id: string;
  /** The row's label: the run's name, or "<kind> h<H> <model> · <key metric> <value>". */
  label: string;
  /** What follows the label: "[#tags · ][status · ]<created>". */
  description: string;
  /** From the row's status icon. */
  status: 'complete' | 'running' | 'failed' | 'unknown';
}

async function sidebarTitle(page: Page): Promise<string> {
  return (
    (
      await page
        .locator(`${SIDEBAR} .composite.title`)
        .first()
        .textContent({ timeout: 2000 })
        .catch(() => '')
    )?.trim() ?? ''
  );
}

/** Opens the Phasebook view from the activity bar (a click on an already open view would close it). */
export async function showRunsView(page: Page): Promise<void> {
  if ((await page.locator(SIDEBAR).isVisible()) && (await sidebarTitle(page)).startsWith(VIEW_TITLE)) return;
  await page.locator('.activitybar .action-item .action-label[aria-label^="Phasebook"]').first().click();
  await page.waitForFunction(
    (title) => document.querySelector('.part.sidebar .composite.title')?.textContent?.trim().startsWith(title),
    VIEW_TITLE,
    { timeout: 10_000 },
  );
}

/** Switches the side bar to the file Explorer (so the Phasebook view can be opened again). */
export async function showFileExplorer(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item .action-label[aria-label^="Explorer"]').first().click();
  await page.waitForFunction(
    () => /^Explorer/i.test(document.querySelector('.part.sidebar .composite.title')?.textContent?.trim() ?? ''),
    undefined,
    { timeout: 10_000 },
  );
}

/** The run rows the tree renders (groups are expanded by default), each with its group. */
export async function runRows(page: Page): Promise<RunRow[]> {
  if (!(await sidebarTitle(page)).startsWith(VIEW_TITLE)) return [];
  const rows = await page.locator(TREE_ROW).evaluateAll((els) =>
    els.map((e) => ({
      level: e.getAttribute('aria-level'),
      name: (e.querySelector('.label-name')?.textContent ?? '').trim(),
      aria: e.getAttribute('aria-label') ?? '',
      description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
      icons: Array.from(e.querySelectorAll('.codicon'))
        .map((c) => c.className)
        .join(' '),
    })),
  );
  const out: RunRow[] = [];
  let group = '';
  for (const r of rows) {
    if (r.level === '1') group = r.name;
    else if (r.level === '2') {
      const status = /codicon-pass\b/.test(r.icons)
        ? 'complete'
        : /codicon-error\b/.test(r.icons)
          ? 'failed'
          : /codicon-sync\b|codicon-loading\b/.test(r.icons)
            ? 'running'
            : 'unknown';
      const id = /, run (\S+)$/.exec(r.aria)?.[1] ?? r.name;
      out.push({ group, id, label: r.name, description: r.description, status });
    }
  }
  return out;
}

/** Right-clicks a run's row and picks `item` from its context menu. */
export async function runContextMenu(page: Page, runId: string, item: string): Promise<void> {
  const row = page
    .locator(TREE_ROW)
    .and(page.locator(`[aria-label$=", run ${runId}"]`))
    .first();
  await row.click({ button: 'right' });
  const entry = page.locator('.context-view .monaco-menu .action-item').filter({ hasText: item }).first();
  await entry.waitFor({ timeout: 5000 }).catch(async () => {
    const shown = await page.locator('.context-view .monaco-menu .action-item').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(
      `the context menu of run ${runId} has no "${item}"; it shows ${JSON.stringify(shown.filter(Boolean))}`,
    );
  });
  await entry.hover();
  await entry.click();
  // A click that lands while the menu is still opening is ignored: then choose it with the keyboard.
  const menu = page.locator('.context-view .monaco-menu');
  if (
    await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(
      () => false,
      () => true,
    )
  )
    await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 5000 });
}

export interface RunOnDisk {
  id: string;
  kind: string;
  /** run.json's status: `running` from the moment a run starts, `complete` when it landed. */
  status: string;
  dir: string;
  /** run.json's mtime (it is replaced atomically, so this is when its status was last set). */
  writtenAt: number;
  metrics: Record<string, number>;
}

/** Runs under the default roots (data/stacking/<id>/, runs/<id>/) that have a run.json. */
export function runsOnDisk(workspaceDir: string): RunOnDisk[] {
  const out: RunOnDisk[] = [];
  for (const root of ['data/stacking', 'runs']) {
    let names: string[];
    try {
      names = readdirSync(join(workspaceDir, root));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(workspaceDir, root, name, 'run.json');
      try {
        const writtenAt = statSync(file).mtimeMs;
        const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
          id?: string;
          kind?: string;
          status?: string;
          metrics?: Record<string, number>;
        };
        out.push({
          id: manifest.id ?? name,
          kind: manifest.kind ?? '?',
          status: manifest.status ?? '?',
          dir: join(workspaceDir, root, name),
          writtenAt,
          metrics: manifest.metrics ?? {},
        });
      } catch {
        /* not landed yet */
      }
    }
  }
  return out;
}

export interface Landing {
  id: string;
  /** When run.json first said `complete`: the run landed. */
  landedAt: number;
  /** Start of the last poll that did not show the run as complete (it did after this). */
  absentAt?: number;
  /** End of the first poll whose Runs view showed the run, complete (undefined: never). */
  shownBy?: number;
  /** When the run folder first appeared with its run.json (`running`), and when its row first showed at all. */
  startedAt?: number;
  firstRowBy?: number;
}

/** How long a landed run took to show: at least `min` ms, at most `max` ms (polls bracket the moment). */
export function landingLatency(l: Landing): { min: number; max: number } | undefined {
  if (l.shownBy === undefined) return undefined;
  return {
    min: Math.max(0, Math.round((l.absentAt ?? l.landedAt) - l.landedAt)),
    max: Math.round(l.shownBy - l.landedAt),
  };
}

/**
 * Polls the disk and the Runs view every `intervalMs` and notes, for each new run, when it landed
 * (run.json says complete) and when the Runs view showed it complete.
 */
export function watchLandings(page: Page, workspaceDir: string, intervalMs = 50): { stop(): Promise<Landing[]> } {
  const known = new Set(
    runsOnDisk(workspaceDir)
      .filter((r) => r.status === 'complete')
      .map((r) => r.id),
  );
  const landings = new Map<string, Landing>();
  const started = new Map<string, number>();
  const firstRow = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = Date.now();
      const rows = new Map((await runRows(page).catch(() => [])).map((r) => [r.id, r]));
      const t1 = Date.now();
      for (const r of runsOnDisk(workspaceDir)) {
        if (known.has(r.id)) continue;
        if (!started.has(r.id)) started.set(r.id, r.writtenAt);
        if (r.status === 'complete' && !landings.has(r.id)) landings.set(r.id, { id: r.id, landedAt: r.writtenAt });
      }
      for (const id of started.keys()) if (rows.has(id) && !firstRow.has(id)) firstRow.set(id, t1);
      for (const l of landings.values()) {
        if (l.shownBy !== undefined) continue;
        if (rows.get(l.id)?.status === 'complete') l.shownBy = t1;
        else l.absentAt = t0;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return [...landings.values()].map((l) => ({
        ...l,
        startedAt: started.get(l.id),
        firstRowBy: firstRow.get(l.id),
      }));
    },
  };
}

/** Drags the side bar's edge so it is `width` px wide (run ids are long; the key metric follows them). */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator(SIDEBAR).boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/**
 * "id: 120-180 ms" per landing: how long after its run.json said complete the Runs view showed it
 * complete; and how long after the run started (run.json `running`) its row first showed at all.
 */
export function describeLandings(landings: Landing[]): string[] {
  return landings.map((l) => {
    const ms = landingLatency(l);
    const first =
      l.startedAt !== undefined && l.firstRowBy !== undefined
        ? ` (row first shown ≤ ${Math.round(l.firstRowBy - l.startedAt)} ms after the run started)`
        : '';
    return `${l.id}: ${ms ? `${ms.min}-${ms.max} ms` : 'never shown complete'}${first}`;
  });
}

/** Landings certainly slower than the limit (their row was still missing a second after landing), or never shown. */
export function slowLandings(limitMs: number, landings: Landing[]): string[] {
  return describeLandings(
    landings.filter((l) => {
      const ms = landingLatency(l);
      return !ms || ms.min > limitMs;
    }),
  );
}
