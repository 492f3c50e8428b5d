import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunSummary } from '../../../core/runs/scan';
import { resolveRoots, type ArtifactRoots } from '../../../core/runs/roots';
import { coreRunReader, groupOf, RunIndex, type WatchedRoot } from '../../../extension/explorer/runIndex';
import {
  RunWatcher,
  runDirOf,
  WATCHER_LIMIT_WARNING,
  type WatchHandle,
  type WatchOptions,
} from '../../../extension/explorer/runWatcher';

const base = mkdtempSync(join(tmpdir(), 'pb-watch-'));
after(() => rmSync(base, { recursive: true, force: true }));

function manifest(id: string, kind: string, status = 'complete', metrics: Record<string, number> = {}): string {
  return JSON.stringify({
    id,
    kind,
    status,
    created: new Date().toISOString(),
    source: {},
    config: {},
    config_hash: 'x',
    seed: 42,
    metrics,
    artifacts: [],
    engine_version: 't',
  });
}

/** Writes run.json the way the run store does: a temp file, then a rename. */
function writeRun(
  dir: string,
  id: string,
  kind: string,
  status = 'complete',
  metrics: Record<string, number> = {},
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `.tmp-run.json.${process.pid}`), manifest(id, kind, status, metrics));
  renameSync(join(dir, `.tmp-run.json.${process.pid}`), join(dir, 'run.json'));
}

function watchedRootsOf(roots: ArtifactRoots): WatchedRoot[] {
  return (['stacking', 'runs', 'results'] as const).map((layout) => ({ path: roots[layout], layout, roots }));
}

function until(cond: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve(Date.now() - t0);
      if (Date.now() - t0 > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

test('runDirOf in a results root: {results_dir}/{workflow_id} once its run.json exists (notes/002)', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pb-rundirof-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'study', 'sweep', 'search'), { recursive: true });
  const file = join(root, 'study', 'sweep', 'search', 'portfolio_001_results.json');
  assert.equal(runDirOf(root, file, 'results'), join(root, 'study'));
  writeFileSync(join(root, 'study', 'sweep', 'run.json'), '{}');
  assert.equal(runDirOf(root, file, 'results'), join(root, 'study', 'sweep'));
  assert.equal(runDirOf(root, file, 'runs'), join(root, 'study'), 'other layouts: the first folder');
});

test('runDirOf maps any path inside a run folder to that folder, and ignores dot-folders and the root', () => {
  assert.equal(runDirOf('/w/runs', '/w/runs/r1/metrics.json'), '/w/runs/r1');
  assert.equal(runDirOf('/w/runs', '/w/runs/r1/a/b/c.json'), '/w/runs/r1');
  assert.equal(runDirOf('/w/runs', '/w/runs'), undefined);
  assert.equal(runDirOf('/w/runs', '/w/runs/.tmp-x'), undefined);
  assert.equal(runDirOf('/w/runs', '/w/other/r1'), undefined);
});

test(
  'runs written on disk appear within a second (also the first one of a root created later), updates and ' +
    'deletions follow, and a root deleted and recreated is picked up again',
  async () => {
    const ws = join(base, 'ws1');
    const roots = resolveRoots(ws);
    mkdirSync(roots.runs, { recursive: true });
    const index = new RunIndex();
    const watched = watchedRootsOf(roots);
    const watcher = new RunWatcher({
      onRunDirs: (dirs) => void index.refresh(dirs),
      onRootAppeared: (r) => void index.scanRoot(r),
      onRootVanished: (r) => index.removeUnder(r.path),
      onWarning: () => undefined,
    });
    try {
      watcher.setRoots(watched);
      await index.scanAll(watched);
      await new Promise((r) => setTimeout(r, 300)); // chokidar's initial walk
      const dir = join(roots.runs, 'ridge_h5_20250101_000000_000001_ab12');
      writeRun(dir, 'ridge_h5_20250101_000000_000001_ab12', 'training', 'running');
      const ms = await until(() => index.get(dir)?.status === 'running', 3000, 'the new run');
      assert.ok(ms < 1000, `appeared after ${ms} ms`);
      writeRun(dir, 'ridge_h5_20250101_000000_000001_ab12', 'training', 'complete', { test_auc: 0.61 });
      await until(() => index.get(dir)?.status === 'complete', 3000, 'the completed run');
      assert.equal(index.get(dir)?.keyMetric?.value, 0.61);

      // Another tool's CV run: a folder with cv_results.json and no run.json, in a root that does not exist yet.
      const cvDir = join(roots.stacking, '20250102_000000_000001_cd34');
      mkdirSync(cvDir, { recursive: true });
      writeFileSync(join(cvDir, 'cv_results.json'), JSON.stringify({ models: ['ridge'], horizons: [5] }));
      const cvMs = await until(
        () => index.get(cvDir) !== undefined,
        4000,
        'the foreign CV run in a root created after start',
      );
      assert.ok(cvMs < 1000, `the first run of a new root appeared after ${cvMs} ms`);
      assert.equal(index.get(cvDir)?.kind, 'cv');
      assert.equal(index.get(cvDir)?.foreign, true);

      rmSync(roots.runs, { recursive: true, force: true });
      await until(() => index.get(dir) === undefined, 3000, 'the deleted root to empty');
      writeRun(dir, 'ridge_h5_20250101_000000_000001_ab12', 'training');
      await until(() => index.get(dir)?.status === 'complete', 4000, 'the run in the recreated root');
      writeRun(join(roots.runs, 'later_run'), 'later_run', 'stacking');
      await until(
        () => index.get(join(roots.runs, 'later_run')) !== undefined,
        3000,
        'a new run in the recreated root',
      );
      assert.equal(groupOf(index.get(join(roots.runs, 'later_run'))!.kind), 'training');
    } finally {
      watcher.dispose();
    }
  },
);

test('one changed run folder is read alone: no rescan of the other runs', async () => {
  const ws = join(base, 'ws2');
  const roots = resolveRoots(ws);
  for (let i = 0; i < 300; i++) writeRun(join(roots.runs, `r${i}`), `r${i}`, 'training');
  const reads: string[] = [];
  let scans = 0;
  const index = new RunIndex({
    scan: (r) => {
      scans++;
      return coreRunReader.scan(r);
    },
    read: (d, r) => {
      reads.push(d);
      return coreRunReader.read(d, r);
    },
  });
  const watched = watchedRootsOf(roots);
  await index.scanAll(watched);
  assert.equal(index.size, 300);
  const scansAfterStart = scans;
  const changes: string[][] = [];
  index.onChange.on((c) => changes.push(c.dirs));
  writeRun(join(roots.runs, 'r7'), 'r7', 'training', 'failed');
  await index.refresh([{ dir: join(roots.runs, 'r7'), root: watched[1]! }]);
  assert.deepEqual(reads, [join(roots.runs, 'r7')]);
  assert.equal(scans, scansAfterStart);
  assert.deepEqual(changes, [[join(roots.runs, 'r7')]]);
  assert.equal(index.group('training').length, 300);
  assert.equal(index.get(join(roots.runs, 'r7'))?.status, 'failed');
});

test('when the OS runs out of watchers (ENOSPC) it warns once and watches again by polling', async () => {
  const ws = join(base, 'ws3');
  const roots = resolveRoots(ws);
  mkdirSync(roots.runs, { recursive: true });
  mkdirSync(roots.stacking, { recursive: true });
  const created: WatchOptions[] = [];
  const handles: { emitError(e: unknown): void; closed: boolean }[] = [];
  const factory = (_path: string, opts: WatchOptions): WatchHandle => {
    created.push(opts);
    let onError: (e: unknown) => void = () => undefined;
    const h = {
      closed: false,
      emitError: (e: unknown) => onError(e),
      on(event: string, listener: (...a: never[]) => void) {
        if (event === 'error') onError = listener as (e: unknown) => void;
        return h;
      },
      close: async () => {
        h.closed = true;
      },
    };
    handles.push(h);
    return h as unknown as WatchHandle;
  };
  const warnings: string[] = [];
  const watcher = new RunWatcher({
    factory,
    onRunDirs: () => undefined,
    onRootAppeared: () => undefined,
    onRootVanished: () => undefined,
    onWarning: (m) => warnings.push(m),
  });
  try {
    watcher.setRoots(watchedRootsOf(roots));
    assert.deepEqual(
      created.map((o) => o.usePolling),
      [false, false],
    );
    handles[0]!.emitError(Object.assign(new Error('watch ENOSPC'), { code: 'ENOSPC' }));
    handles[1]!.emitError(Object.assign(new Error('watch ENOSPC'), { code: 'ENOSPC' }));
    assert.deepEqual(warnings, [WATCHER_LIMIT_WARNING]);
    assert.ok(watcher.isPolling);
    assert.ok(handles[0]!.closed && handles[1]!.closed);
    assert.deepEqual(
      created.slice(2).map((o) => o.usePolling),
      [true, true],
    );
  } finally {
    watcher.dispose();
  }
});

test('the index groups runs by kind, newest first', async () => {
  const ws = join(base, 'ws4');
  const roots = resolveRoots(ws);
  writeRun(join(roots.stacking, '20250101_000000_000001_aaaa'), '20250101_000000_000001_aaaa', 'cv');
  writeRun(
    join(roots.runs, 'stacking_h5_20250103_000000_000001_bbbb'),
    'stacking_h5_20250103_000000_000001_bbbb',
    'stacking',
  );
  writeRun(
    join(roots.runs, 'ridge_h5_20250102_000000_000001_cccc'),
    'ridge_h5_20250102_000000_000001_cccc',
    'training',
  );
  const index = new RunIndex();
  await index.scanAll(watchedRootsOf(roots));
  const ids = (g: Parameters<RunIndex['group']>[0]) => index.group(g).map((s: RunSummary) => s.id);
  assert.deepEqual(ids('cv'), ['20250101_000000_000001_aaaa']);
  assert.equal(ids('training').length, 2);
  assert.deepEqual(ids('backtest'), []);
});

test(
  'overlapping refreshes of one run: a slow read that saw it running does not overwrite the later read that ' +
    'saw it finished',
  async () => {
    const dir = '/runs/cv_20261202_100000_000000_abcd';
    const summary = (status: RunSummary['status']): RunSummary => ({
      id: 'cv_20261202_100000_000000_abcd',
      kind: 'cv',
      status,
      created: '2026-12-02T10:00:00Z',
      dir,
      metrics: {},
      foreign: false,
    });
    let releaseSlow: (s: RunSummary) => void = () => undefined;
    const reads: Promise<RunSummary>[] = [
      new Promise((r) => (releaseSlow = r)), // the watcher's first batch: run.json still says running
      Promise.resolve(summary('complete')), // run.json landed: the next batch reads it at once
    ];
    const index = new RunIndex({ scan: () => Promise.resolve([]), read: () => reads.shift()! });
    const root: WatchedRoot = { path: '/runs', layout: 'runs', roots: resolveRoots('/') };
    const first = index.refresh([{ dir, root }]);
    await index.refresh([{ dir, root }]);
    assert.equal(index.get(dir)?.status, 'complete');
    releaseSlow(summary('running'));
    await first;
    assert.equal(index.get(dir)?.status, 'complete', 'the stale read replaced the finished run');
  },
);
