import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../../core/phases/index';
import { allSchemas, getPhase, getSchema, schemaKinds } from '../../../core/spec/registry';
import { parseNotebook } from '../../../core/notebook';

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
