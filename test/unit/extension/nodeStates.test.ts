import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellOutputPayload, KernelEvent } from '../../../core/kernel/protocol';
import { NodeStates } from '../../../extension/kernel/nodeStates';
import { isGraphWebviewMessage } from '../../../extension/graph/protocol';
import { factsLine, formatDuration } from '../../../webview/graph/format';

const NOW = new Date('2026-12-02T10:00:00Z');
const output = (o: Partial<CellOutputPayload> = {}): CellOutputPayload => ({
  summary: {},
  warnings: [],
  artifacts: [],
  charts: [],
  tables: [],
  ...o,
});
const finished = (
  cell: string,
  status: 'ok' | 'cached' | 'failed' | 'skipped' | 'cancelled',
  o?: object,
): KernelEvent => ({
  type: 'finished',
  cell,
  status,
  durationMs: 1200,
  ...o,
});

function feed(s: NodeStates, ...events: KernelEvent[]): void {
  for (const e of events) s.onEvent(e, NOW);
}

test('a cell goes queued, running, then ran with its time, duration and rows', () => {
  const s = new NodeStates();
  assert.deepEqual(s.factsOf('load'), { state: 'never' });
  feed(s, { type: 'queued', cell: 'load', order: 1 });
  assert.equal(s.factsOf('load').state, 'queued');
  feed(s, { type: 'started', cell: 'load', order: 1 });
  assert.equal(s.factsOf('load').state, 'running');
  feed(s, finished('load', 'ok', { output: output({ dataset: { rows: 3950, columns: 6, features: 4 } }) }));
  assert.deepEqual(s.factsOf('load'), { state: 'ok', at: NOW.toISOString(), durationMs: 1200, rows: 3950 });
});

test(
  'a cached result shows when and how long it first ran; a failure its message; a blocked cell what it waits ' + 'for',
  () => {
    const s = new NodeStates();
    feed(
      s,
      finished('a', 'cached', {
        durationMs: 3,
        output: output({ ran: { at: '2026-12-01T08:00:00Z', durationMs: 900 } }),
      }),
      finished('b', 'failed', {
        error: { message: "column 'close' not found", location: {}, details: [], exitCode: 2 },
      }),
      finished('c', 'skipped', {
        error: { message: 'blocked', location: {}, details: [], exitCode: 1, blockedBy: 'b' },
      }),
    );
    assert.deepEqual(s.factsOf('a'), { state: 'cached', at: '2026-12-01T08:00:00Z', durationMs: 900 });
    assert.equal(s.factsOf('b').state, 'failed');
    assert.equal(s.factsOf('b').message, "column 'close' not found");
    assert.equal(s.factsOf('c').state, 'blocked');
    assert.equal(s.factsOf('c').message, 'waiting for b');
  },
);

test('the kernel marks cells stale after an edit; a good finish clears it; a failed cell stays failed', () => {
  const s = new NodeStates();
  feed(s, finished('a', 'ok'), finished('b', 'ok'), finished('c', 'failed'));
  feed(s, { type: 'stale', cells: ['b', 'c', 'never_ran'] });
  assert.equal(s.factsOf('a').state, 'ok');
  assert.equal(s.factsOf('b').state, 'stale');
  assert.equal(s.factsOf('b').at, NOW.toISOString(), 'a stale cell still says when it last ran');
  assert.equal(s.factsOf('c').state, 'failed');
  assert.equal(s.factsOf('never_ran').state, 'stale');
  feed(s, finished('b', 'ok'));
  assert.equal(s.factsOf('b').state, 'ok');
});

test('when a request ends, queued cells go back to what they were and running ones were cancelled', () => {
  const s = new NodeStates();
  feed(s, finished('a', 'cached'), { type: 'queued', cell: 'a', order: 1 }, { type: 'started', cell: 'b', order: 2 });
  assert.equal(s.settle(), true);
  assert.equal(s.factsOf('a').state, 'cached');
  assert.equal(s.factsOf('b').state, 'cancelled');
  assert.equal(s.settle(), false, 'nothing left to settle');
});

test('a fanned-out node folds its branches: the most urgent state, the latest time', () => {
  const s = new NodeStates();
  const b = ['train[ridge]', 'train[linear]'];
  assert.equal(s.foldedFacts(b).state, 'never');
  feed(
    s,
    finished('train[ridge]', 'cached', { output: output({ ran: { at: '2026-12-01T08:00:00Z', durationMs: 5 } }) }),
  );
  feed(
    s,
    finished('train[linear]', 'cached', { output: output({ ran: { at: '2026-12-01T09:00:00Z', durationMs: 7 } }) }),
  );
  assert.deepEqual(s.foldedFacts(b), { state: 'cached', at: '2026-12-01T09:00:00Z', durationMs: 7 });
  feed(s, { type: 'started', cell: 'train[linear]', order: 3 });
  assert.equal(s.foldedFacts(b).state, 'running');
  feed(
    s,
    finished('train[linear]', 'failed', { error: { message: 'singular', location: {}, details: [], exitCode: 1 } }),
  );
  assert.deepEqual(s.foldedFacts(b).state, 'failed');
  assert.equal(s.foldedFacts(b).message, 'singular');
});

test('the graph webview contract drops unknown or malformed messages', () => {
  assert.equal(isGraphWebviewMessage({ type: 'runFromHere', cell: 'train' }), true);
  assert.equal(isGraphWebviewMessage({ type: 'runFromHere' }), false);
  assert.equal(isGraphWebviewMessage({ type: 'reveal', cell: 3 }), false);
  assert.equal(isGraphWebviewMessage({ type: 'openArtifact', path: '/etc/passwd' }), false);
  assert.equal(isGraphWebviewMessage({ type: 'log', level: 'fatal', message: 'x' }), false);
  assert.equal(isGraphWebviewMessage(null), false);
});

test('a node reads its facts as one line', () => {
  assert.equal(formatDuration(340), '340 ms');
  assert.equal(formatDuration(1250), '1.3 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  const line = factsLine({ state: 'ok', at: new Date().toISOString(), durationMs: 1200, rows: 3950 });
  assert.match(line, /^\d\d:\d\d · 1\.2 s · 3,950 rows$/);
  assert.equal(factsLine({ state: 'never' }), '');
});
