/**
 * A fleet job's staging project and its outputs, without Redis: the worker's scratch folder mirrors the
 * project (data and earlier outputs readable, cache and logs left out), what a cell writes there comes
 * back to the project through the store with the project's paths, logs appended and trials merged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../../core/base/hash';
import { writeFileAtomic } from '../../../core/runs/atomicWrite';
import { resolveRoots } from '../../../core/runs/roots';
import { listTrials, recordTrials, type TrialInput } from '../../../core/runs/trials';
import { objectName } from '../../../core/store/cacheEntries';
import { openStore } from '../../../core/store/open';
import { applyOutputs } from '../../../core/orchestrate/bullmq/outputs';
import { pushOutputs, stageProject } from '../../../core/orchestrate/bullmq/staging';

const trial = (notebook: string, cell: string, r: number): TrialInput => ({
  study: 'nb.pipeline/scenario_compare/rmse',
  cell,
  origin: 'scenario_compare',
  branch: {},
  notebook,
  metric: 'rmse',
  value: r,
  periodsPerYear: 8760,
  times: new Float64Array([1, 2, 3]),
  returns: new Float64Array([r, -r, r]),
});

function project(): { base: string; nb: string } {
  const base = mkdtempSync(join(tmpdir(), 'pb-stage-'));
  mkdirSync(join(base, 'data'));
  writeFileSync(join(base, 'data', 'x.csv'), 'x\n1\n');
  mkdirSync(join(base, 'runs', 'old'), { recursive: true });
  writeFileSync(join(base, 'runs', 'old', 'run.json'), '{"old":true}\n');
  mkdirSync(join(base, 'logs'));
  writeFileSync(join(base, 'logs', 'train.log'), 'old line\n');
  mkdirSync(join(base, '.phasebook', 'cache'), { recursive: true });
  writeFileSync(join(base, '.phasebook', 'cache', 'secret'), 'cache');
  const nb = join(base, 'nb.pipeline');
  writeFileSync(nb, '# %% ts\n');
  return { base, nb };
}

test('a cell staged in a scratch folder: its files reach the project with the project paths', async () => {
  const { base, nb } = project();
  const roots = resolveRoots(base);
  await recordTrials(join(roots.artifacts, 'metrics.db'), [trial(nb, 'evaluate[a]', 0.5)]);
  const worker = mkdtempSync(join(tmpdir(), 'pb-stage-w-'));
  const st = await stageProject(base, nb, roots, join(worker, 'cache'), join(worker, 'staging'));

  // The mirror: data and earlier outputs readable through symlinks; not the cache, not the logs.
  assert.ok(lstatSync(join(st.baseDir, 'data', 'x.csv')).isSymbolicLink());
  assert.equal(readFileSync(join(st.baseDir, 'runs', 'old', 'run.json'), 'utf8'), '{"old":true}\n');
  assert.equal(existsSync(join(st.baseDir, '.phasebook', 'cache')), false);
  assert.equal(existsSync(join(st.baseDir, 'logs', 'train.log')), false);
  assert.equal(st.roots.runs, join(st.baseDir, 'runs'));
  assert.equal(st.roots.cache, join(worker, 'cache'));
  assert.equal(st.notebookPath, join(st.baseDir, 'nb.pipeline'));

  // What a cell does: a run folder naming its own path, a binary file, a log line, a trial, a report.
  mkdirSync(join(st.roots.runs, 'ridge_1'), { recursive: true });
  await writeFileAtomic(
    join(st.roots.runs, 'ridge_1', 'run.json'),
    JSON.stringify({ dir: join(st.roots.runs, 'ridge_1'), notebook: st.notebookPath }),
  );
  const binary = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(st.baseDir)]);
  writeFileSync(join(st.roots.runs, 'ridge_1', 'predictions.parquet'), binary);
  mkdirSync(st.roots.logs, { recursive: true });
  await appendFile(join(st.roots.logs, 'train.log'), 'new line\n');
  await recordTrials(join(st.roots.artifacts, 'metrics.db'), [trial(st.notebookPath, 'evaluate[b]', 0.25)]);
  mkdirSync(join(st.baseDir, 'reports'));
  await writeFileAtomic(join(st.baseDir, 'reports', 'summary.md'), '# summary\n');

  const store = openStore(mkdtempSync(join(tmpdir(), 'pb-stage-s-')));
  const sha = await pushOutputs(st, store, 'scope', 'k1');
  await st.close();
  assert.equal(existsSync(st.baseDir), false);
  const manifest = JSON.parse(String(await store.get(objectName(sha)))) as { files: { root: string; path: string }[] };
  assert.deepEqual(manifest.files.map((f) => `${f.root}:${f.path}`).sort(), [
    'artifacts:metrics.db',
    'base:reports/summary.md',
    'logs:train.log',
    'runs:ridge_1/predictions.parquet',
    'runs:ridge_1/run.json',
  ]);

  const written = await applyOutputs(store, sha, roots, base);
  assert.equal(written.at(-1), join(base, 'runs', 'ridge_1', 'run.json'), 'run.json last');
  assert.deepEqual(JSON.parse(readFileSync(join(base, 'runs', 'ridge_1', 'run.json'), 'utf8')), {
    dir: join(base, 'runs', 'ridge_1'),
    notebook: nb,
  });
  assert.deepEqual(readFileSync(join(base, 'runs', 'ridge_1', 'predictions.parquet')), binary, 'binary as it was');
  assert.equal(readFileSync(join(base, 'logs', 'train.log'), 'utf8'), 'old line\nnew line\n');
  assert.equal(readFileSync(join(base, 'reports', 'summary.md'), 'utf8'), '# summary\n');
  const trials = await listTrials(join(roots.artifacts, 'metrics.db'));
  assert.deepEqual(
    trials.map((t) => [t.cell, t.notebook]),
    [
      ['evaluate[a]', nb],
      ['evaluate[b]', nb],
    ],
  );
});

test(
  'an output manifest naming a file outside its root, or ' + 'an object that does not hash to its name, is refused',
  async () => {
    const { base } = project();
    const roots = resolveRoots(base);
    const dir = mkdtempSync(join(tmpdir(), 'pb-stage-s-'));
    const store = openStore(dir);
    const data = Buffer.from('x');
    await store.put(objectName(sha256(data)), data);
    const put = async (files: unknown[]): Promise<string> => {
      const m = Buffer.from(JSON.stringify({ format: 1, key: 'k', files, mapping: [] }));
      await store.put(objectName(sha256(m)), m);
      return sha256(m);
    };
    const escape = await put([{ root: 'runs', path: '../../etc/x', sha256: sha256(data), mode: 0o644, how: 'write' }]);
    await assert.rejects(
      applyOutputs(store, escape, roots, base),
      /names a file outside its root: runs\/\.\.\/\.\.\/etc\/x/,
    );
    const wrong = sha256(Buffer.from('y'));
    mkdirSync(join(dir, 'objects', wrong.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, objectName(wrong)), 'not y');
    const bad = await put([{ root: 'base', path: 'reports/a.md', sha256: wrong, mode: 0o644, how: 'write' }]);
    await assert.rejects(applyOutputs(store, bad, roots, base), /does not hash to its name/);
    assert.equal(existsSync(join(base, 'reports')), false);
  },
);
