import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { chartToOutput } from '../../../core/charts/frames';
import { nullRateChart } from '../../../core/charts';
import { frameToIpc } from '../../../core/kernel/encode';

test('a ChartSpec becomes a phase ChartOutput whose frames travel as Arrow IPC with typed columns', () => {
  const out = chartToOutput(nullRateChart([{ column: 'close', nulls: 1, null_rate: 0.1, max_null_rate: null }]));
  assert.equal(out.id, 'null-rate');
  const t = tableFromIPC(frameToIpc(out.data.null_rates));
  assert.deepEqual(
    t.schema.fields.map((f) => `${f.name}:${f.type}`),
    ['column:LargeUtf8', 'nulls:Float64', 'null_rate:Float64', 'max_null_rate:Float64', 'over_limit:Bool'],
  );
  assert.equal(t.getChild('column')!.get(0), 'close');
  assert.equal(t.getChild('over_limit')!.get(0), false);
});
