// Rename, tag and annotate a run: kept in run.json (atomically), shown by the index and the label.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { annotateRun, parseTags } from '../../../core/runs/annotate';
import { describeRun, runLabel } from '../../../core/runs/label';
import { summarizeManifest } from '../../../core/runs/summary';

function runDir(manifest: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-annotate-'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(manifest));
  return dir;
}

const manifest = {
  id: 'stacking_h20_20261201_100000_000000_abcd',
  kind: 'stacking',
  status: 'complete',
  created: '2026-12-01T10:00:00.000Z',
  config: { meta_learner: 'logistic', horizon: 20 },
  seed: 7,
  metrics: { test_roc_auc: 0.6125, test_roc_auc_ci_low: 0.58 },
  meta: { horizon: 20 },
};

test('annotations are written into run.json, keep every other field, and no temp file is left', async () => {
  const dir = runDir(manifest);
  await annotateRun(dir, { name: '  best stack ', tags: parseTags('#final, v2 v2'), note: 'ridge dominates' });
  const json = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  assert.deepEqual(json.annotations, { name: 'best stack', tags: ['final', 'v2'], note: 'ridge dominates' });
  assert.equal(json.id, manifest.id);
  assert.deepEqual(json.metrics, manifest.metrics);
  assert.deepEqual(readdirSync(dir), ['run.json']);
  await annotateRun(dir, { name: null });
  const after = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  assert.deepEqual(after.annotations, { tags: ['final', 'v2'], note: 'ridge dominates' });
});

test('a running run, a missing run.json and a bad tag are refused naming the file', async () => {
  const running = runDir({ ...manifest, status: 'running' });
  await assert.rejects(annotateRun(running, { name: 'x' }), /run\.json while the run is running/);
  await assert.rejects(annotateRun(join(running, 'nope'), { name: 'x' }), /nope\/run\.json does not exist/);
  await assert.rejects(annotateRun(running, { tags: ['a;b'] }), /tag "a;b" must be/);
});

test(
  'the label is the name when set, else kind, horizon, meta-learner and key metric; summary carries config and ' +
    'seed',
  () => {
    const fallback = { id: 'x', kind: 'stacking' as const, mtime: new Date(0) };
    const s = summarizeManifest(manifest, '/r', fallback);
    assert.equal(describeRun(s), 'stacking h20 logistic · test_roc_auc 0.6125');
    assert.equal(s.seed, 7);
    assert.deepEqual(s.config, { meta_learner: 'logistic', horizon: 20 });
    const named = summarizeManifest(
      { ...manifest, annotations: { name: 'best stack', tags: ['final'] } },
      '/r',
      fallback,
    );
    assert.equal(runLabel(named), 'best stack');
    assert.deepEqual(named.tags, ['final']);
  },
);
