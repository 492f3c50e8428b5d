import assert from 'node:assert/strict';
import { test } from 'node:test';
import pl from 'nodejs-polars';
import { tableFromIPC } from 'apache-arrow';
import type { CellOutputPayload } from '../../../core/kernel/protocol';
import { frameToIpc } from '../../../core/kernel/encode';
import { CHART_MIME, cellOutputs, ERROR_MIME, FRAME_MIME, summaryText } from '../../../extension/kernel/outputs';
import type { ChartMimePayload } from '../../../core/kernel/mimes';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function payload(patch: Partial<CellOutputPayload> = {}): CellOutputPayload {
  return { summary: {}, warnings: [], artifacts: [], charts: [], tables: [], ...patch };
}

test('the text summary names the cell, shape, time, facts and warnings; a cache hit says "cached"', () => {
  const out = payload({
    summary: { rows: 48000, symbols: 2 },
    warnings: ['3 rows dropped'],
    dataset: { rows: 48000, columns: 23, features: 17, featureSetId: 'fs_ab12' },
  });
  const text = summaryText('features', 'ok', 1234, out);
  assert.equal(text.split('\n')[0], 'features · 48,000 rows × 23 columns · 17 features · 1.23 s');
  assert.match(text, /rows: 48,000/);
  assert.match(text, /feature set: fs_ab12/);
  assert.match(text, /⚠ 3 rows dropped/);
  assert.equal(
    summaryText('features', 'cached', 3, out).split('\n')[0],
    'features · 48,000 rows × 23 columns · 17 features · cached',
  );
});

test('a table travels as Arrow IPC bytes under the frame mime type, with a markdown fallback showing rows', () => {
  const df = pl.DataFrame({ symbol: ['BTC', 'ETH', 'a|b'], close: [1.5, 2.25, null] });
  const ipc = frameToIpc(df);
  const [, table] = cellOutputs(
    'load',
    'ok',
    10,
    payload({ tables: [{ title: 'head', rows: 3, columns: df.columns, ipc, truncated: false }] }),
  );
  assert.ok(table);
  const frame = table.items.find((i) => i.mime === FRAME_MIME);
  assert.ok(frame);
  assert.equal(tableFromIPC(frame.data).numRows, 3);
  const md = decode(table.items.find((i) => i.mime === 'text/markdown')!.data);
  assert.match(md, /\| symbol \| close \|/);
  assert.match(md, /\| BTC \| 1\.5 \|/);
  assert.match(md, /\| a\\\|b \| null \|/);
  assert.deepEqual(table.metadata, {
    title: 'head',
    rows: 3,
    columns: ['symbol', 'close'],
    truncated: false,
    phasebookCell: 'load',
  });
});

test('a chart carries its vega-lite spec and each dataset as base64 Arrow IPC', () => {
  const data = pl.DataFrame({ fold: [1, 2], auc: [0.6, 0.62] });
  const spec = { mark: 'bar', data: { name: 'scores' } };
  const [, chart] = cellOutputs(
    'cv',
    'ok',
    10,
    payload({ charts: [{ id: 'folds', title: 'Fold scores', spec, data: { scores: frameToIpc(data) } }] }),
  );
  const item = chart!.items.find((i) => i.mime === CHART_MIME)!;
  const parsed = JSON.parse(decode(item.data)) as ChartMimePayload;
  assert.deepEqual(parsed.spec, spec);
  assert.equal(parsed.title, 'Fold scores');
  const back = tableFromIPC(Buffer.from(parsed.data.scores!, 'base64'));
  assert.deepEqual(back.getChild('auc')?.toArray() ? [...back.getChild('auc')!.toArray()] : [], [0.6, 0.62]);
  assert.ok(chart!.items.some((i) => i.mime === 'text/markdown'));
});

test('a user mistake shows as one message naming file, line, cell and key — no stack', () => {
  const error = {
    message: "unknown column 'clse'",
    location: { file: 'demo.pipeline', line: 12, column: 10, cell: 'features', key: 'returns' },
    details: ['columns: close, open'],
    exitCode: 1,
  };
  const [err] = cellOutputs('features', 'failed', 5, undefined, error);
  const value = JSON.parse(decode(err!.items.find((i) => i.mime === ERROR_MIME)!.data)) as {
    name: string;
    message: string;
    stack?: string;
  };
  assert.equal(value.stack, undefined);
  assert.equal(
    value.message,
    "demo.pipeline:12:10 cell 'features' key 'returns': unknown column 'clse'\n  columns: close, open",
  );
  assert.equal(decode(err!.items.find((i) => i.mime === 'text/plain')!.data), value.message);
});

test('an internal error keeps its stack', () => {
  const error = {
    message: "internal error in cell 'cv': boom",
    location: { cell: 'cv' },
    details: [],
    exitCode: 1,
    stack: 'Error: boom\n    at x (y.ts:1:1)',
  };
  const [err] = cellOutputs('cv', 'failed', 5, undefined, error);
  const value = JSON.parse(decode(err!.items[0]!.data)) as { name: string; stack?: string };
  assert.match(value.name, /^Internal error/);
  assert.match(value.stack ?? '', /at x/);
});
