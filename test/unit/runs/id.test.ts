import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { newRunId, parseRunId, trainingRunId, formatRunTimestamp } from '../../../core/runs/id';

const PRINT_IDS = join(__dirname, '../../fixtures/runs/print-ids.ts');

function runChild(count: number, startAt: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PRINT_IDS, String(count), String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`child exited ${code}`))));
  });
}

test('1,000 ids made by 8 concurrent processes in the same instant never collide', async () => {
  const startAt = Date.now() + 2500; // every child busy-waits until then, so they overlap
  const batches = await Promise.all(Array.from({ length: 8 }, () => runChild(125, startAt)));
  const ids = batches.flat();
  assert.equal(ids.length, 1000);
  assert.equal(new Set(ids).size, 1000);
  for (const id of ids) assert.match(id, /^(gbdt_h20_)?\d{8}_\d{6}_\d{6}_[0-9a-f]{4}$/);
  // The timestamps really carry sub-millisecond digits (not ms * 1000).
  const subMs = new Set(ids.map((id) => parseRunId(id)!.micros % 1000));
  assert.ok(subMs.size > 50, `only ${subMs.size} distinct sub-millisecond values`);
});

test('ids made in one process sort in the order they were made', () => {
  const ids = Array.from({ length: 2000 }, () => newRunId());
  const stamps = ids.map((id) => id.slice(0, 22));
  assert.deepEqual([...stamps].sort(), stamps);
  assert.equal(new Set(stamps).size, ids.length);
});

test('an id has the UTC date, time and microseconds of its creation', () => {
  const at = new Date('2025-12-28T14:30:25.789Z');
  assert.match(newRunId(at), /^20251228_143025_789000_[0-9a-f]{4}$/);
  assert.match(trainingRunId('xgboost', 20, at), /^xgboost_h20_20251228_143025_789000_[0-9a-f]{4}$/);
  assert.equal(formatRunTimestamp(Date.UTC(2024, 1, 29, 23, 59, 59) * 1000 + 123456), '20240229_235959_123456');
  const live = parseRunId(newRunId())!;
  assert.ok(Math.abs(Date.parse(live.created) - Date.now()) < 5000, 'a fresh id is stamped with the current UTC time');
});

test('parseRunId reads model, horizon and creation time back', () => {
  assert.deepEqual(parseRunId('xgboost_h20_20251228_143025_789456_a3f9'), {
    model: 'xgboost',
    horizon: 20,
    created: '2025-12-28T14:30:25.789Z',
    timestamp: '20251228_143025_789456',
    micros: 789456,
    suffix: 'a3f9',
  });
  const cv = parseRunId('20251228_143025_789456_a3f9')!;
  assert.equal(cv.model, undefined);
  assert.equal(cv.created, '2025-12-28T14:30:25.789Z');
  assert.equal(parseRunId('stacking_h5_20251228_143030_123456_b8c2')?.model, 'stacking');
  assert.equal(parseRunId('my_model_v2_h10_20251228_143030_123456_b8c2')?.model, 'my_model_v2');
  // older second-precision ids of other tools still give a date
  assert.equal(parseRunId('20240105_090000')?.created, '2024-01-05T09:00:00.000Z');
});

test('parseRunId rejects names that are not run ids', () => {
  for (const s of ['xgb_tuned_v1', '', '20251328_143025_789456_a3f9', '20250230_000000_000000_abcd', '20251228_243025_789456_a3f9', '20251228_143025_789456_a3f9x']) {
    assert.equal(parseRunId(s), undefined, s);
  }
});

test('trainingRunId refuses model names that would break the id', () => {
  assert.throws(() => trainingRunId('../x', 5));
  assert.throws(() => trainingRunId('gbdt', -1));
  assert.throws(() => trainingRunId('gbdt', 2.5));
});
