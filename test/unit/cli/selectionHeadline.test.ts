// Issue 17: the backtest cell's headline is selection-adjusted from the trial ledger of its study
// (artifacts/metrics.db): one trial says so, a re-run with a changed cell is a second trial, and an
// unchanged re-run is the same trial again. The same line goes into the run's run.json for the explorer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRun } from '../../../core/runs/scan';
import { runItemView } from '../../../extension/explorer/runItems';
import { cli, readJson, writePredictionCsv } from './cliHarness';

const notebook = (threshold: number) => `# %% load prices
source: data.csv

# %% backtest bt
mode: threshold
threshold: ${threshold}
`;

const selectionOf = (out: string): string => {
  const m = /selection: (.*)$/m.exec(out);
  assert.ok(m, `no selection line in:\n${out}`);
  return m[1].trim();
};

test(
  'the backtest summary counts the trials of its study across re-runs, and run.json and the tooltip carry the ' +
    'line',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-sel-'));
    try {
      writePredictionCsv(join(dir, 'data.csv'), 1, 400);
      writeFileSync(join(dir, 'nb.pipeline'), notebook(0.2));
      const first = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(first.code, 0, first.err);
      const one = selectionOf(first.out);
      assert.match(one, /^Sharpe -?\d+\.\d\d · 1 trial: no selection adjustment$/);
      const runDir = join(dir, 'results', 'nb_bt');
      assert.deepEqual(readJson(join(runDir, 'run.json')).meta.selection, { bt: one });

      writeFileSync(join(dir, 'nb.pipeline'), notebook(0.6));
      const second = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(second.code, 0, second.err);
      const two = selectionOf(second.out);
      assert.match(two, /^Sharpe -?\d+\.\d\d · deflated \d\.\d\d after 2 trials · PBO \d\.\d\d$/);
      assert.deepEqual(readJson(join(runDir, 'run.json')).meta.selection, { bt: two });

      // the same cell again: the same returns, so the same trial, not a third
      const again = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(again.code, 0, again.err);
      assert.equal(selectionOf(again.out), two);

      const trials = await cli(dir, ['trials', '--json']);
      assert.equal(trials.code, 0, trials.err);
      assert.equal((JSON.parse(trials.out) as unknown[]).length, 2);

      const summary = await readRun(runDir);
      assert.ok(summary);
      assert.ok(runItemView(summary).tooltip.split('\n').includes(two), runItemView(summary).tooltip);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
