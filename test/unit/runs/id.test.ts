import { after, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildSync } from 'esbuild';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { newRunId, parseRunId, trainingRunId, formatRunTimestamp } from '../../../core/runs/id';

// The child script is bundled once with esbuild so 8 plain node processes start in milliseconds
// (8 tsx loaders would cost seconds of CPU on a 2-core machine).
let printIdsJs: string | undefined;
function printIdsScript(): string {
  if (!printIdsJs) {
    const dir = mkdtempSync(join(tmpdir(), 'pb-ids-'));
    printIdsJs = join(dir, 'print-ids.js');
    buildSync({
      entryPoints: [join(__dirname, '../../fixtures/runs/print-ids.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: printIdsJs,
      logLevel: 'error',
    });
  }
  return printIdsJs;
}

after(() => {
  if (printIdsJs) rmSync(dirname(printIdsJs), { recursive: true, force: true });
});

interface Child {
  ready: Promise<void>;
  go(): void;
  ids: Promise<string[]>;
}

function startChild(count: number): Child {
  const child = spawn(process.execPath, [printIdsScript(), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  const ids = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim().split('\n').slice(1)) : reject(new Error(`child exited ${code}`)),
    );
  });
  return { ready, go: () => child.stdin.end('go\n'), ids };
}

test('1,000 ids made by 8 concurrent processes in the same instant never collide', async () => {
  const children = Array.from({ length: 8 }, () => startChild(125));
  await Promise.all(children.map((c) => c.ready)); // all loaded: now they generate together
  for (const c of children) c.go();
  const ids = (await Promise.all(children.map((c) => c.ids))).flat();
  assert.equal(ids.length, 1000);
  assert.equal(new Set(ids).size, 1000);
  for (const id of ids) assert.match(id, /^(gbdt_h20_)?\d{8}_\d{6}_\d{6}_[0-9a-f]{4}$/);
});

const epochMicros = (id: string) => {
  const p = parseRunId(id)!;
  return Date.parse(p.created) * 1000 + (p.micros % 1000);
};

test('the microsecond digits are real: two ids 300 µs apart are stamped about 300 µs apart', () => {
  const gaps: number[] = [];
  for (let k = 0; k < 21; k++) {
    const a = newRunId();
    const until = process.hrtime.bigint() + 300_000n;
    while (process.hrtime.bigint() < until) {
      // busy-wait 300 µs
    }
    gaps.push(epochMicros(newRunId()) - epochMicros(a));
  }
  const median = gaps.sort((x, y) => x - y)[10]!;
  // A millisecond clock would give gaps of ~0 or ~1000 µs.
  assert.ok(median >= 300 && median < 900, `median gap ${median} µs (gaps ${gaps.join(', ')})`);
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
  for (const s of [
    'xgb_tuned_v1',
    '',
    '20251328_143025_789456_a3f9',
    '20250230_000000_000000_abcd',
    '20251228_243025_789456_a3f9',
    '20251228_143025_789456_a3f9x',
  ]) {
    assert.equal(parseRunId(s), undefined, s);
  }
});

test('trainingRunId refuses model names that would break the id', () => {
  assert.throws(() => trainingRunId('../x', 5));
  assert.throws(() => trainingRunId('gbdt', -1));
  assert.throws(() => trainingRunId('gbdt', 2.5));
});
