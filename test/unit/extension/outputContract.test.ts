import assert from 'node:assert/strict';
import { test } from 'node:test';
import pl from 'nodejs-polars';
import { frameToIpc } from '../../../core/kernel/encode';
import { CHART_MIME, FRAME_MIME, frameMetaOf, isChartMimePayload } from '../../../core/kernel/mimes';
import { isRendererMessage } from '../../../extension/dashboard/protocol';
import { cellOutputs } from '../../../extension/kernel/outputs';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

test("what the host writes under the chart and frame mimes is what the renderer's guards accept", () => {
  const df = pl.DataFrame({ fold: [1, 2], auc: [0.6, 0.62] });
  const outs = cellOutputs('cv', 'ok', 10, {
    summary: {},
    warnings: [],
    artifacts: [],
    charts: [
      {
        id: 'folds',
        title: 'Fold scores',
        spec: { mark: 'bar', data: { name: 'scores' } },
        data: { scores: frameToIpc(df) },
      },
    ],
    tables: [{ title: 'scores', rows: 2, columns: df.columns, ipc: frameToIpc(df), truncated: false }],
  });
  const chart = outs.flatMap((o) => o.items).find((i) => i.mime === CHART_MIME);
  assert.ok(chart);
  assert.equal(isChartMimePayload(JSON.parse(decode(chart.data))), true);
  const table = outs.find((o) => o.items.some((i) => i.mime === FRAME_MIME));
  assert.deepEqual(frameMetaOf(table?.metadata), {
    title: 'scores',
    rows: 2,
    columns: ['fold', 'auc'],
    truncated: false,
  });
});

test('the chart guard refuses payloads the renderer could not draw', () => {
  assert.equal(isChartMimePayload({ spec: { mark: 'bar' }, data: {} }), true, 'id and title may be absent');
  for (const bad of [
    null,
    'x',
    { nope: 1 },
    { spec: {}, data: { a: 3 } },
    { spec: [], data: {} },
    { spec: {}, data: {}, title: 7 },
  ]) {
    assert.equal(isChartMimePayload(bad), false, JSON.stringify(bad));
  }
  assert.deepEqual(frameMetaOf({ title: 3, rows: '9' }), {
    title: undefined,
    rows: undefined,
    columns: undefined,
    truncated: undefined,
  });
});

test('the host takes only save requests (with content) from the notebook renderer', () => {
  assert.equal(isRendererMessage({ type: 'save', fileName: 'c.svg', mime: 'image/svg+xml', text: '<svg/>' }), true);
  assert.equal(isRendererMessage({ type: 'save', fileName: 'c.svg', mime: 'image/svg+xml' }), false);
  assert.equal(isRendererMessage({ type: 'openRun', dir: '/etc' }), false);
  assert.equal(isRendererMessage({ type: 'save', fileName: 1, mime: 'x', text: '' }), false);
});
