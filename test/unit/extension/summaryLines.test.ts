import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellOutputPayload } from '../../../core/kernel/protocol';
import { summaryText } from '../../../extension/kernel/outputs';
import { metricLines, shownPath } from '../../../extension/kernel/summaryLines';

const out = (patch: Partial<CellOutputPayload>): CellOutputPayload => ({
  summary: {},
  warnings: [],
  artifacts: [],
  charts: [],
  tables: [],
  ...patch,
});
const countOf = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;

test('scale says its scaler once, relative to the workspace', () => {
  const path = '/ws/proj/artifacts/scaler_9a7a.json';
  const text = summaryText(
    'scale',
    'ok',
    290,
    out({ summary: { method: 'robust', scaler: path }, artifacts: [{ label: 'scaler', path }] }),
    '/ws/proj',
  );
  assert.equal(countOf(text, /scaler:/), 1, text);
  assert.match(text, /^ {2}scaler: artifacts\/scaler_9a7a\.json$/m);
  assert.ok(!text.includes('/ws/proj'), text);
});

test('cv says its run once (the run line, with kind and folder)', () => {
  const run = { id: '20261202_1318_0890', dir: '/ws/proj/data/stacking/20261202_1318_0890', kind: 'cv' as const };
  const text = summaryText(
    'cv',
    'ok',
    417,
    out({ summary: { run: run.id, models: 'ridge, logistic' }, run }),
    '/ws/proj',
  );
  assert.equal(countOf(text, /run:/), 1, text);
  assert.match(text, /run: 20261202_1318_0890 \(cv\) data\/stacking\/20261202_1318_0890$/m);
});

test(
  'stack states each interval once: no *_ci_low / *_ci_high lines; metrics the summary lacks get their ' +
    'interval and fold spread folded in',
  () => {
    const metrics = {
      roc_auc: 0.5888,
      roc_auc_ci_low: 0.4954,
      roc_auc_ci_high: 0.7189,
      roc_auc_fold_mean: 0.5,
      roc_auc_fold_sd: 0,
      log_loss: 0.7064,
      log_loss_ci_low: 0.6718,
      log_loss_ci_high: 0.7365,
      log_loss_fold_mean: 0.7064,
      log_loss_fold_sd: 0.0252,
      stack_minus_best_base_roc_auc: 0.2072,
    };
    const text = summaryText(
      'stack',
      'ok',
      131,
      out({
        summary: { 'roc_auc pooled': '0.5888 [0.4954, 0.7189]', 'roc_auc per fold': '0.5000 ± 0.0000 (4 folds)' },
        metrics,
      }),
    );
    assert.ok(!/_ci_(low|high)|_fold_(mean|sd)/.test(text), text);
    assert.equal(countOf(text, /^ {2}roc_auc/), 2, 'roc_auc is said by the two summary lines only');
    assert.match(text, /^ {2}log_loss: 0\.7064 \[0\.6718, 0\.7365\] · per fold 0\.7064 ± 0\.0252$/m);
    assert.match(text, /^ {2}stack_minus_best_base_roc_auc: 0\.2072$/m);
  },
);

test('a metric a summary names by its own key is not split apart; paths outside the workspace stay absolute', () => {
  assert.deepEqual(metricLines(['best_val_log_loss'], { best_val_log_loss: 0.67, accuracy: 0.5 }, String), [
    'accuracy: 0.5',
  ]);
  assert.deepEqual(metricLines(['test accuracy'], { accuracy: 0.47, f1: 0.6 }, String), ['f1: 0.6']);
  assert.equal(shownPath('/elsewhere/x.json', '/ws/proj'), '/elsewhere/x.json');
  assert.equal(shownPath('/ws/project2/x.json', '/ws/proj'), '/ws/project2/x.json');
  assert.equal(shownPath('/ws/proj/a/b.json', undefined), '/ws/proj/a/b.json');
});
