// "Query metrics" in the kernel: a SQL result becomes one typed frame for the grid (numbers f64, the rest text).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { queryResultFrame, runQuery } from '../../../core/kernel/queryFrame';
import { isUserError } from '../../../core/errors';
import { writeExecution } from '../../../core/orchestrate/metricsDb';

test(
  'a SQL result is a frame: all-number columns are f64 (nulls kept), text and blobs are str, names ' + 'de-duplicated',
  () => {
    const df = queryResultFrame({
      columns: ['model', 'value', 'value', 'blob'],
      rows: [
        ['ridge', 0.52, 3, new Uint8Array([1, 2])],
        ['gbdt', null, 'x', null],
      ],
    });
    assert.deepEqual(df.columns, ['model', 'value', 'value_1', 'blob']);
    assert.deepEqual(
      df.dtypes.map((d) => d.variant),
      ['String', 'Float64', 'String', 'String'],
    );
    assert.deepEqual(df.getColumn('value').toArray(), [0.52, null]);
    assert.deepEqual(df.getColumn('value_1').toArray(), ['3', 'x']);
    assert.deepEqual(df.getColumn('blob').toArray(), ['<2 bytes>', null]);
  },
);

test('runQuery on a folder with no metrics.db is a user error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-query-'));
  try {
    const db = join(dir, 'metrics.db');
    await assert.rejects(
      runQuery(db, 'SELECT 1'),
      (e: unknown) => isUserError(e) && /no metrics database yet/.test(e.message) && e.location.file === db,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'runQuery on a real metrics.db answers with Arrow IPC the grid decodes: str and f64 columns as SQLite ' +
    'returned them',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-query-'));
    try {
      const db = join(dir, 'metrics.db');
      await writeExecution(
        db,
        {
          executionId: 'e1',
          notebook: 'nb.pipeline',
          started: '2026-12-02T10:00:00Z',
          finished: '2026-12-02T10:00:05Z',
          seed: 42,
          exitCode: 0,
          executor: 'local',
          engineVersion: 'test',
        },
        [
          {
            cell: 'train',
            origin: 'train',
            kind: 'train',
            branch: {},
            status: 'ok',
            durationMs: 10,
            metrics: { rmse: 0.25 },
          },
        ],
      );
      const r = await runQuery(db, 'SELECT cell, metric, value FROM latest_metrics');
      assert.equal(r.rows, 1);
      const t = tableFromIPC(r.ipc);
      assert.deepEqual(
        t.schema.fields.map((f) => `${f.name}:${String(f.type)}`),
        ['cell:LargeUtf8', 'metric:LargeUtf8', 'value:Float64'],
      );
      assert.equal(t.getChild('value')?.get(0), 0.25);
      await assert.rejects(
        runQuery(db, 'SELECT * FROM nope'),
        (e: unknown) =>
          isUserError(e) && /SQL error/.test(e.message) && e.details.some((d) => /latest_metrics/.test(d)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
