import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KernelEvent } from '../../../core/kernel/protocol';
import { RunSnapshot } from '../../../core/kernel/replay';
import { encodeFrame, FrameDecoder, tokensEqual } from '../../../core/kernel/wire';

test('frames split anywhere come back whole and in order, Uint8Array payloads intact', () => {
  const messages = [
    { type: 'event', event: { type: 'started', cell: 'a', order: 1 } },
    { type: 'response', id: 7, ok: true, result: { ipc: new Uint8Array([1, 2, 3, 250]) } },
  ];
  const bytes = Buffer.concat(messages.map(encodeFrame));
  for (const cut of [1, 3, 4, 5, 17, bytes.length - 1]) {
    const d = new FrameDecoder();
    const out = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(out, messages, `split at byte ${cut}`);
    const ipc = (out[1] as { result: { ipc: unknown } }).result.ipc;
    assert.ok(ipc instanceof Uint8Array, 'the payload is still a Uint8Array');
  }
});

test('a corrupt length prefix is a protocol error, not a 4 GB allocation', () => {
  const d = new FrameDecoder();
  assert.throws(() => d.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0])), /exceeds the .* limit/);
});

test('the token check accepts only the exact token, whatever its length or type', () => {
  const token = 'a'.repeat(64);
  assert.equal(tokensEqual(token, token), true);
  assert.equal(tokensEqual(token, `${token}x`), false);
  assert.equal(tokensEqual(token, 'a'.repeat(63) + 'b'), false);
  assert.equal(tokensEqual(token, ''), false);
  assert.equal(tokensEqual(token, undefined), false);
  assert.equal(tokensEqual(token, 42), false);
});

const started = (cell: string, order: number): KernelEvent => ({ type: 'started', cell, order });
const finished = (cell: string): KernelEvent => ({ type: 'finished', cell, status: 'ok', durationMs: 5 });

test('the snapshot keeps each cell at its latest state, in the order the states were reached', () => {
  const s = new RunSnapshot();
  s.record({ type: 'queued', cell: 'a', order: 1 });
  s.record({ type: 'queued', cell: 'b', order: 2 });
  s.record(started('a', 1));
  s.record({ type: 'progress', cell: 'a', fraction: 0.2 });
  s.record({ type: 'progress', cell: 'a', fraction: 0.6, message: 'fold 3/5' });
  s.record({ type: 'runCreated', cell: 'a', id: 'r1', dir: '/runs/r1', kind: 'cv' });
  s.record(finished('a'));
  s.record(started('b', 2));
  s.record({ type: 'progress', cell: 'b', fraction: 0.5 });
  s.record({ type: 'progress', cell: 'zzz', fraction: 0.5 }); // never started: ignored
  assert.deepEqual(s.events(), [
    { type: 'runCreated', cell: 'a', id: 'r1', dir: '/runs/r1', kind: 'cv' },
    finished('a'),
    started('b', 2),
    { type: 'progress', cell: 'b', fraction: 0.5 },
  ]);
  assert.equal(s.truncated, false);
  s.reset();
  assert.deepEqual(s.events(), []);
});

test('the snapshot is bounded: past its size the oldest states go and it says so', () => {
  const s = new RunSnapshot(3);
  for (const c of ['a', 'b', 'c', 'd', 'e']) s.record(finished(c));
  assert.deepEqual(
    s.events().map((e) => (e as { cell: string }).cell),
    ['c', 'd', 'e'],
  );
  assert.equal(s.truncated, true);
});
