import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRun } from '../../../core/runs/scan';
import { currentWriter, STALE_MS } from '../../../core/runs/liveness';
import { beginRun } from '../../../core/runs/store';

function runDir(t: { after: (fn: () => void) => void }, manifest: Record<string, unknown>, ageMs = 0): string {
  const base = mkdtempSync(join(tmpdir(), 'pb-interrupted-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'runs', 'r1');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'run.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'r1',
      kind: 'training',
      status: 'running',
      created: '2026-12-01T00:00:00.000Z',
      metrics: {},
      artifacts: [],
      ...manifest,
    }),
  );
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return dir;
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('a running run whose writer pid is dead on this host is interrupted, saying why', async (t) => {
  const pid = deadPid();
  const s = await readRun(runDir(t, { writer: { pid, host: hostname(), started: new Date().toISOString() } }));
  assert.equal(s?.status, 'interrupted');
  assert.match(s?.error ?? '', new RegExp(`pid ${pid}\\) is no longer running`));
});

test('a running run whose pid now belongs to a process that started at another time is interrupted', async (t) => {
  const me = currentWriter();
  const s = await readRun(runDir(t, { writer: { ...me, started: '2020-01-01T00:00:00.000Z' } }));
  assert.equal(s?.status, 'interrupted');
  assert.match(s?.error ?? '', /another process/);
});

test('a run whose writer is alive stays running, even with an old heartbeat on this host', async (t) => {
  const s = await readRun(runDir(t, { writer: currentWriter() }, STALE_MS * 2));
  assert.equal(s?.status, 'running');
});

test('on another host only the heartbeat counts: fresh is running, stale is interrupted', async (t) => {
  const writer = { pid: 1, host: 'some-other-host', started: '2026-12-01T00:00:00.000Z' };
  assert.equal((await readRun(runDir(t, { writer }, 1000)))?.status, 'running');
  const stale = await readRun(runDir(t, { writer }, STALE_MS + 60_000));
  assert.equal(stale?.status, 'interrupted');
  assert.match(stale?.error ?? '', /some-other-host.*heartbeat was 6 min ago/);
});

test('beginRun records its writer; complete drops it', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'pb-writer-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const run = await beginRun({ root: base, kind: 'training', config: {}, seed: 1, source: {} });
  const written = JSON.parse(readFileSync(join(base, run.id, 'run.json'), 'utf8'));
  assert.deepEqual(written.writer, currentWriter());
  assert.equal(written.writer.pid, process.pid);
  assert.equal((await readRun(join(base, run.id)))?.status, 'running');
  await run.complete();
  const done = JSON.parse(readFileSync(join(base, run.id, 'run.json'), 'utf8'));
  assert.equal(done.status, 'complete');
  assert.equal(done.writer, undefined);
});
