import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellStatus } from '../../../core/graph/events';
import {
  aggregateStatus,
  BranchTracker,
  branchLabel,
  branchOutputs,
  staleOrigins,
  type BranchStep,
} from '../../../extension/kernel/branchTracker';

type Ev = ['queued' | 'started', string] | ['finished', string, CellStatus] | ['progress', string, string];

/** Feeds kernel events and returns, per editor cell, what the user sees: begun, branch lines, final status. */
function replay(
  events: Ev[],
  hold = false,
): {
  steps: BranchStep[];
  cells: Map<string, { begins: number; branches: string[]; end?: CellStatus; progress: string[] }>;
} {
  const t = new BranchTracker();
  const steps: BranchStep[] = [];
  for (const e of events) {
    if (e[0] === 'queued') steps.push(...t.queued(e[1]));
    else if (e[0] === 'started') steps.push(...t.started(e[1]));
    else if (e[0] === 'progress') steps.push(...t.progress(e[1], 0.5, e[2]));
    else steps.push(...t.finished(e[1], e[2] as CellStatus, hold));
  }
  steps.push(...t.flush());
  const cells = new Map<string, { begins: number; branches: string[]; end?: CellStatus; progress: string[] }>();
  for (const s of steps) {
    const c = cells.get(s.cell) ?? { begins: 0, branches: [], progress: [] };
    cells.set(s.cell, c);
    if (s.kind === 'begin') c.begins++;
    if (s.kind === 'append') c.branches.push(s.branch);
    if (s.kind === 'progress') c.progress.push(s.message);
    if (s.kind === 'end') c.end = s.status;
  }
  return { steps, cells };
}

test('four train branches make one execution on `train`: begun once, one line per branch, ended after the last', () => {
  const names = ['train[mean][ridge]', 'train[mean][gbdt]', 'train[median][ridge]', 'train[median][gbdt]'];
  const events: Ev[] = [...names.map((n): Ev => ['queued', n])];
  for (const n of names) events.push(['started', n], ['progress', n, 'fold 2/5'], ['finished', n, 'ok']);
  const { steps, cells } = replay(events);
  const train = cells.get('train')!;
  assert.equal(train.begins, 1);
  assert.deepEqual(train.branches, ['mean · ridge', 'mean · gbdt', 'median · ridge', 'median · gbdt']);
  assert.equal(train.end, 'ok');
  assert.equal(train.progress[0], 'mean · ridge: fold 2/5');
  // The end comes right after the last branch's output, not before.
  const ends = steps.map((s, i) => [s, i] as const).filter(([s]) => s.kind === 'end');
  assert.equal(ends.length, 1);
  assert.equal(steps[ends[0]![1] - 1]!.kind, 'append');
  assert.equal((steps[ends[0]![1] - 1] as { branch: string }).branch, 'median · gbdt');
});

test('branches of different cells run interleaved; each cell ends when its own branches are done', () => {
  const { steps, cells } = replay([
    ['queued', 'features[a]'],
    ['queued', 'features[b]'],
    ['queued', 'train[a]'],
    ['queued', 'train[b]'],
    ['started', 'features[a]'],
    ['finished', 'features[a]', 'ok'],
    ['started', 'train[a]'],
    ['started', 'features[b]'],
    ['finished', 'features[b]', 'cached'],
    ['finished', 'train[a]', 'ok'],
    ['started', 'train[b]'],
    ['finished', 'train[b]', 'failed'],
  ]);
  assert.equal(cells.get('features')!.end, 'ok');
  assert.equal(cells.get('train')!.end, 'failed');
  const order = steps.filter((s) => s.kind === 'end').map((s) => s.cell);
  assert.deepEqual(order, ['features', 'train']);
});

test(
  'a branch that never finished makes the cell end cancelled when the request returns; never-started cells ' + 'settle',
  () => {
    const { cells } = replay([
      ['queued', 'train[a]'],
      ['queued', 'train[b]'],
      ['queued', 'eval[a]'],
      ['started', 'train[a]'],
      ['finished', 'train[a]', 'ok'],
    ]);
    assert.equal(cells.get('train')!.end, 'cancelled');
    assert.equal(cells.get('eval')!.end, undefined);
    assert.equal(cells.get('eval')!.begins, 0);
  },
);

test('restore (no queued events, held): all branches land on one execution, ended at the flush as cached', () => {
  const { cells } = replay(
    [
      ['finished', 'train[a]', 'cached'],
      ['finished', 'train[b]', 'cached'],
    ],
    true,
  );
  assert.equal(cells.get('train')!.begins, 1);
  assert.deepEqual(cells.get('train')!.branches, ['a', 'b']);
  assert.equal(cells.get('train')!.end, 'cached');
});

test('aggregate status: failed wins, cached only when every branch was cached', () => {
  assert.equal(aggregateStatus(['ok', 'failed', 'cached']), 'failed');
  assert.equal(aggregateStatus(['cached', 'ok']), 'ok');
  assert.equal(aggregateStatus(['cached', 'cached']), 'cached');
  assert.equal(aggregateStatus(['ok', 'skipped']), 'skipped');
});

test('stale lists map virtual names to their editor cells, once each', () => {
  assert.deepEqual(staleOrigins(['prices', 'features[a]', 'features[b]', 'train[a][x]']), [
    'prices',
    'features',
    'train',
  ]);
  assert.equal(branchLabel('train[median_impute][ridge]'), 'median_impute · ridge');
});

test('a branch output is labelled: "<branch>: <headline>" and keeps the summary lines', () => {
  const specs = branchOutputs('train[median_impute][ridge]', 'ok', 1500, {
    summary: { rmse: 0.25 },
    warnings: [],
    artifacts: [],
    charts: [],
    tables: [],
  });
  const text = new TextDecoder().decode(specs[0]!.items[0]!.data);
  assert.equal(text.split('\n')[0], 'median_impute · ridge: 1.50 s');
  assert.match(text, /rmse: 0\.25/);
});
