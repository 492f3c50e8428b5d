import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellOutputPayload, KernelEvent } from '../../../core/kernel/protocol';
import { ExecutionState, type ExecutionStep } from '../../../extension/kernel/executionState';

const out = (patch: Partial<CellOutputPayload> = {}): CellOutputPayload => ({
  summary: {},
  warnings: [],
  artifacts: [],
  charts: [],
  tables: [],
  ...patch,
});
const run = { id: 'cv_20260101_abcd', dir: '/p/data/stacking/cv_20260101_abcd', kind: 'cv' as const };

/** The steps as short strings: what the user's cell executions go through. */
function feed(s: ExecutionState, events: KernelEvent[]): string[] {
  const show = (st: ExecutionStep): string => {
    switch (st.kind) {
      case 'finished':
        return `finished ${st.cell} ${st.status}${st.withOrder ? '' : ' (no order)'} outputs=${st.outputs.length}`;
      case 'appendOutputs':
        return `append ${st.cell} outputs=${st.outputs.length}`;
      case 'end':
        return `end ${st.cell} ${st.status}`;
      case 'started':
        return `started ${st.cell}${st.withOrder ? '' : ' (no order)'}`;
      case 'runCreated':
        return `run ${st.run.id} of ${st.run.cell}`;
      case 'changed':
        return 'changed';
      case 'progress':
        return `progress ${st.cell} ${st.message ?? ''}`;
      default:
        return `${st.kind} ${st.cell}`;
    }
  };
  return events.flatMap((e) => s.onEvent(e)).map(show);
}

test(
  'a plain cell goes queued -> started -> finished with ' + 'its outputs; a run it made is remembered for the lens',
  () => {
    const s = new ExecutionState();
    const steps = feed(s, [
      { type: 'stale', cells: ['cv', 'stack'] },
      { type: 'queued', cell: 'cv', order: 0 },
      { type: 'started', cell: 'cv', order: 0 },
      { type: 'progress', cell: 'cv', fraction: 0.5, message: 'fold 2/4' },
      { type: 'runCreated', cell: 'cv', ...run },
      { type: 'finished', cell: 'cv', status: 'ok', durationMs: 12, output: out({ run }) },
    ]);
    assert.deepEqual(steps, [
      'changed',
      'queued cv',
      'started cv',
      'progress cv fold 2/4',
      `run ${run.id} of cv`,
      'finished cv ok outputs=1',
      'changed',
    ]);
    assert.deepEqual([...s.stale], ['stack'], 'the cell that ran is no longer stale');
    assert.deepEqual(s.completedRuns.get('cv'), { ...run, cell: 'cv' });
    feed(s, [
      {
        type: 'finished',
        cell: 'cv',
        status: 'failed',
        durationMs: 3,
        error: { message: 'boom', location: { cell: 'cv' }, details: [], exitCode: 1 },
      },
    ]);
    assert.equal(s.completedRuns.has('cv'), false, 'a failed rerun forgets the run');
  },
);

test('restored results finish without taking an execution order', () => {
  const s = new ExecutionState();
  s.restoring = true;
  assert.deepEqual(feed(s, [{ type: 'finished', cell: 'load', status: 'cached', durationMs: 0, output: out() }]), [
    'finished load cached (no order) outputs=1',
    'changed',
  ]);
});

test('stale branch names mark their editor cell stale', () => {
  const s = new ExecutionState();
  feed(s, [{ type: 'stale', cells: ['train[a]', 'train[b]', 'report'] }]);
  assert.deepEqual([...s.stale].sort(), ['report', 'train']);
});

test(
  'fanned-out branches make one execution on their editor cell: queued, begun once, one output block per ' +
    'branch, ended once',
  () => {
    const s = new ExecutionState();
    s.stale.add('train');
    const steps = feed(s, [
      { type: 'queued', cell: 'train[a]', order: 0 },
      { type: 'queued', cell: 'train[b]', order: 1 },
      { type: 'started', cell: 'train[a]', order: 0 },
      { type: 'finished', cell: 'train[a]', status: 'ok', durationMs: 5, output: out() },
      { type: 'started', cell: 'train[b]', order: 1 },
      {
        type: 'finished',
        cell: 'train[b]',
        status: 'failed',
        durationMs: 5,
        error: { message: 'nan in y', location: { cell: 'train[b]' }, details: [], exitCode: 1 },
      },
    ]);
    assert.deepEqual(
      steps.filter((x) => x.startsWith('started')),
      ['started train'],
    );
    assert.equal(steps.filter((x) => x.startsWith('append train')).length, 2);
    assert.deepEqual(
      steps.filter((x) => x.startsWith('end')),
      ['end train failed'],
    );
    assert.deepEqual(s.flush(), [], 'nothing left for the end of the request');
    assert.ok(s.stale.has('train'), 'a failed branch leaves the cell stale');
  },
);

test('a request that returns with a branch unfinished ends its cell cancelled at the flush', () => {
  const s = new ExecutionState();
  feed(s, [
    { type: 'queued', cell: 'train[a]', order: 0 },
    { type: 'queued', cell: 'train[b]', order: 1 },
    { type: 'started', cell: 'train[a]', order: 0 },
    { type: 'finished', cell: 'train[a]', status: 'ok', durationMs: 1, output: out() },
  ]);
  const flushed = s.flush();
  assert.deepEqual(
    flushed.map((x) => x.kind),
    ['end', 'changed'],
  );
  assert.deepEqual(flushed[0], { kind: 'end', cell: 'train', status: 'cancelled', success: false });
});

test('a cell blocked by a failed upstream cell ends with no verdict and one muted line, not another error', () => {
  const s = new ExecutionState();
  const err = { message: "no column 'retrun'", location: { cell: 'features' }, details: [], exitCode: 1 };
  const blocked = {
    message: "not run: upstream cell 'features' failed",
    location: { cell: 'labels' },
    details: [],
    exitCode: 1,
    blockedBy: 'features',
  };
  const steps = [
    { type: 'queued', cell: 'features', order: 0 },
    { type: 'queued', cell: 'labels', order: 1 },
    { type: 'started', cell: 'features', order: 0 },
    { type: 'finished', cell: 'features', status: 'failed', durationMs: 5, error: err },
    { type: 'finished', cell: 'labels', status: 'skipped', durationMs: 0, error: blocked },
  ]
    .flatMap((e) => s.onEvent(e as KernelEvent))
    .filter((st) => st.kind === 'finished');
  const [features, labels] = steps as Extract<ExecutionStep, { kind: 'finished' }>[];
  assert.equal(features!.success, false, 'the cell at fault is red');
  assert.equal(labels!.success, undefined, 'the blocked cell is not red');
  assert.equal(labels!.outputs.length, 1);
  const shown = new TextDecoder().decode(labels!.outputs[0]!.items.find((i) => i.mime === 'text/plain')!.data);
  assert.match(shown, /^waiting for 'features'/);
  assert.ok(
    !labels!.outputs[0]!.items.some((i) => i.mime === 'application/vnd.code.notebook.error'),
    'no error output on the blocked cell',
  );
  assert.deepEqual([...s.failed], ['features']);
  assert.deepEqual([...s.waiting], [['labels', 'features']]);
  // The fix: features comes back from the cache (no queue: restored), labels too; both clear.
  const revived = [
    {
      type: 'finished',
      cell: 'features',
      status: 'cached',
      durationMs: 0,
      output: out({ ran: { at: '2026-12-02T10:00:00Z', durationMs: 1300 } }),
    },
    { type: 'finished', cell: 'labels', status: 'cached', durationMs: 0, output: out() },
    { type: 'stale', cells: [] },
  ]
    .flatMap((e) => s.onEvent(e as KernelEvent))
    .filter((st) => st.kind === 'finished') as Extract<ExecutionStep, { kind: 'finished' }>[];
  assert.deepEqual(
    revived.map((r) => [r.cell, r.success, r.restored, r.withOrder]),
    [
      ['features', true, true, false],
      ['labels', true, true, false],
    ],
  );
  const summary = new TextDecoder().decode(revived[0]!.outputs[0]!.items[0]!.data).split('\n')[0]!;
  assert.match(
    summary,
    /^features · cached \(ran 1\.30 s on \d{4}-\d\d-\d\d \d\d:\d\d\)$/,
    'a cache hit says when it ran and for how long',
  );
  assert.deepEqual([...s.failed], []);
  assert.deepEqual([...s.waiting], []);
});

test('a cell the kernel queued is not a restore: it takes an execution order and a timer', () => {
  const s = new ExecutionState();
  const fin = [
    { type: 'queued', cell: 'load', order: 0 },
    { type: 'started', cell: 'load', order: 0 },
    { type: 'finished', cell: 'load', status: 'cached', durationMs: 3, output: out() },
  ]
    .flatMap((e) => s.onEvent(e as KernelEvent))
    .find((st) => st.kind === 'finished') as Extract<ExecutionStep, { kind: 'finished' }>;
  assert.equal(fin.restored, false);
  assert.equal(fin.withOrder, true);
});
