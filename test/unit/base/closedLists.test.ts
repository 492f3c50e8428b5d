import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkType, suggestionIn, t } from '../../../core/base/schema';
import { MODEL_KINDS } from '../../../core/base/modelKinds';
import { BUILTIN_CONTRACT_NAMES } from '../../../core/frame/closedLists';
import { BUILTIN_CONTRACTS } from '../../../core/frame/contracts';
import { modelKinds } from '../../../core/ml/models/registry';
import { parseNotebook } from '../../../core/notebook';
import '../../../core/phases/register';
import { didYouMeanFix } from '../../../extension/notebook/cellDiagnostics';

test('the closed lists the light schemas name are the registries they stand for, name for name', () => {
  assert.deepEqual([...MODEL_KINDS], modelKinds());
  assert.deepEqual([...BUILTIN_CONTRACT_NAMES], Object.keys(BUILTIN_CONTRACTS));
});

test('a value outside a named closed list is "unknown <what>" with the nearest name', () => {
  const models = t.string(MODEL_KINDS, 'model');
  assert.equal(checkType('ridgee', models)?.message, "unknown model 'ridgee' (did you mean 'ridge'?)");
  assert.equal(checkType('zzz', models)?.message, "unknown model 'zzz'");
  assert.equal(checkType('ridge', models), undefined);
  assert.deepEqual(checkType(['ridge', 'gbdtt'], t.list(models)), {
    path: '[1]',
    message: "unknown model 'gbdtt' (did you mean 'gbdt'?)",
  });
});

test('an unnamed closed list keeps its wording and adds the nearest value; inside oneOf too', () => {
  const methods = t.string(['standard', 'minmax', 'robust']);
  assert.equal(
    checkType('standrd', methods)?.message,
    "expected one of 'standard', 'minmax', 'robust', got the string 'standrd' (did you mean 'standard'?)",
  );
  const policy = t.oneOf(t.string(['fail', 'warn']), t.object(undefined, t.string(['fail', 'warn'])));
  assert.match(checkType('fial', policy)?.message ?? '', /got the string 'fial' \(did you mean 'fail'\?\)$/);
  assert.equal(checkType(3, methods)?.message, "expected one of 'standard', 'minmax', 'robust', got number 3");
});

test('the parser reports an unknown model, meta-learner or scaler method at the value, before running', () => {
  const text = [
    '# %% load prices',
    'source: a.csv',
    '# %% cv',
    'models: [ridge, gbdtt]',
    '# %% stack',
    'meta_learner: nonegg',
    '# %% scale',
    'method: robst',
  ].join('\n');
  const got = parseNotebook(text).diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.message]);
  assert.deepEqual(got, [
    [3, 16, "key 'models[1]': unknown model 'gbdtt' (did you mean 'gbdt'?)"],
    [5, 14, "key 'meta_learner': unknown meta-learner 'nonegg' (did you mean 'nonneg'?)"],
    [
      7,
      8,
      "key 'method': expected one of 'standard', 'minmax', 'robust', got the string 'robst' (did you mean 'robust'?)",
    ],
  ]);
});

test('the Quick Fix of a "did you mean" replaces the quoted name at the range, keeping its quotes', () => {
  const message = "key 'model': unknown model 'ridgee' (did you mean 'ridge'?)";
  assert.deepEqual(suggestionIn(message), { name: 'ridgee', near: 'ridge' });
  assert.deepEqual(didYouMeanFix(message, 'ridgee'), { title: "Change to 'ridge'", text: 'ridge' });
  assert.deepEqual(didYouMeanFix(message, '"ridgee"'), { title: "Change to 'ridge'", text: '"ridge"' });
  // The range does not cover the name the message is about (a marker line, a parent key): no fix.
  assert.equal(didYouMeanFix(message, 'model'), undefined);
  assert.equal(didYouMeanFix("unknown model 'x'", 'x'), undefined);
  assert.equal(didYouMeanFix("unknown cell 'pricez' in from (did you mean 'prices'?)", 'pricez')?.text, 'prices');
  assert.equal(didYouMeanFix("unknown key 'lagz' for phase 'features' (did you mean 'lags'?)", 'lagz')?.text, 'lags');
});

test('a contract that is neither built in nor a .yaml file is a diagnostic before running, with "did you mean"', () => {
  const cell = (contract: string) =>
    parseNotebook(`# %% load prices\nsource: a.csv\n# %% validate\ncontract: ${contract}\n`).diagnostics.map(
      (d) => d.message,
    );
  assert.deepEqual(cell('ohlvc'), ["unknown contract 'ohlvc' (did you mean 'ohlcv'?): a built-in or a .yaml file"]);
  assert.deepEqual(cell('ohlcv'), []);
  assert.deepEqual(cell('contracts/feed.yaml'), []);
  assert.deepEqual(didYouMeanFix(cell('ohlvc')[0], 'ohlvc')?.text, 'ohlcv');
});
