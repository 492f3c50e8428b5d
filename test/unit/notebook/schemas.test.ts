import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../../core/phases/register';
import { allSchemas, getPhase, getSchema, schemaKinds } from '../../../core/spec/registry';
import { parseNotebook } from '../../../core/notebook';
import type { ScaleConfig } from '../../../core/phases/scale';
import type { SplitConfig } from '../../../core/phases/split';
import type { TrainConfig } from '../../../core/phases/train';

test('every runnable phase kind runs with the keys of its light schema (one source of keys)', () => {
  assert.equal(schemaKinds().length, 19);
  for (const s of allSchemas()) {
    const p = getPhase(s.kind);
    assert.ok(p, `no runnable phase for the schema '${s.kind}'`);
    assert.equal(p.keys, s.keys, `'${s.kind}' runs with other keys than its schema`);
    assert.equal(p.doc, s.doc);
    assert.equal(p.needsInput, s.needsInput);
  }
});

test('a schema carries its fan-out keys (models: for a model key) and the parser reads them', () => {
  assert.equal(getSchema('train')?.keys.models?.fanOutOf, 'model');
  const text = '# %% load prices\nsource: a.csv\n# %% train\nmodels: [ridge, nosuch]\n';
  assert.deepEqual(
    parseNotebook(text).diagnostics.map((d) => d.message),
    ["key 'models[1]': unknown model 'nosuch'"],
  );
});

test('a config type is read off its key specs: closed lists become unions, required keys are required', () => {
  const scale: ScaleConfig = { method: 'robust', per_symbol: true, columns: ['close'] };
  // @ts-expect-error a method outside the closed list of scalers
  const wrongMethod: ScaleConfig = { method: 'robus' };
  const train: TrainConfig = { model: 'ridge', horizon: 3 };
  // @ts-expect-error `model` is required
  const noModel: TrainConfig = { horizon: 3 };
  // @ts-expect-error a model outside MODEL_KINDS
  const wrongModel: TrainConfig = { model: 'ridgee' };
  const split: SplitConfig = { dates: { test: '2024-01-01' } };
  // @ts-expect-error `dates.test` is required
  const noTest: SplitConfig = { dates: { val: '2023-06-01' } };
  assert.equal([scale, wrongMethod, train, noModel, wrongModel, split, noTest].length, 7);
});
