import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../../core/phases/register';
import { allSchemas, COMMON_KEYS } from '../../../core/spec/registry';
import { cellSnippet, keyDocMarkdown, keySpecAt, keySpecsAt, valueChoices } from '../../../extension/notebook/keyDocs';

test('keys of a phase cell are its own keys plus the common ones, with their docs', () => {
  const keys = keySpecsAt('features', []);
  assert.ok(keys?.lags && keys.from && keys.description);
  assert.match(keyDocMarkdown('lags', keys.lags), /^`lags`: a list of whole numbers\n\n/);
});

test('nested keys come from the object type of their parent key', () => {
  assert.deepEqual(Object.keys(keySpecsAt('split', ['dates']) ?? {}).sort(), ['test', 'val']);
  assert.equal(keySpecAt('split', ['dates'], 'test')?.required, true);
  assert.equal(keySpecsAt('nosuchkind', []), undefined);
});

test('the settings cell offers the settings keys and enum values', () => {
  const mode = keySpecAt('settings', [], 'mode');
  assert.ok(mode);
  assert.deepEqual(valueChoices(mode.type), ['autorun', 'lazy']);
});

test('a cell snippet starts with the marker and fills the required keys', () => {
  const body = cellSnippet('load');
  assert.equal(body[0], '# %% load');
  assert.ok(
    body.some((l) => l.startsWith('source: ')),
    body.join('\n'),
  );
});

test('docs shown as markdown keep underscores and stars literal outside code spans', async () => {
  const { docMarkdown } = await import('../../../extension/notebook/keyDocs');
  assert.equal(docMarkdown('blocks: {col}_roll_{stat}_{w}.'), 'blocks: {col}\\_roll\\_{stat}\\_{w}.');
  assert.equal(docMarkdown('per check: `ohlc_x`, a*b'), 'per check: `ohlc_x`, a\\*b');
});

test("a new cell's snippet (offered on its first line) writes only keys its kind accepts", () => {
  for (const p of allSchemas()) {
    const body = cellSnippet(p.kind);
    assert.equal(body[0], `# %% ${p.kind}`);
    for (const line of body.slice(1)) {
      const key = /^([A-Za-z_][\w-]*):/.exec(line)?.[1];
      if (key) assert.ok(key in p.keys || key in COMMON_KEYS, `snippet for '${p.kind}' writes unknown key '${key}'`);
    }
  }
});
