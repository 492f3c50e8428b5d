import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../core/cli/main';
import type { CliIO } from '../../../core/cli/io';
import { writeDemoCsv } from '../../../core/demo/ohlcv';

async function cli(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      out += s;
    },
    tty: false,
    cwd,
    env: {},
  };
  return { code: await main(args, io), out };
}

const notebook = (stack: string) => `# %% settings
seed: 11

# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2, 3]
rolling: { column: ret, windows: [12], stats: [mean, std] }

# %% labels
horizon: 5

# %% split
fractions: [0.6, 0.2, 0.2]

# %% cv
models: [ridge, logistic]
n_splits: 4

# %% stack
bootstrap: 200
${stack}
`;

function project(stack: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-ho-'));
  writeDemoCsv(join(dir, 'data.csv'), { symbols: 2, bars: 700, seed: 3 });
  writeFileSync(join(dir, 'nb.pipeline'), notebook(stack));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- run.json and metrics.json read as JSON in a test
function stackingRun(dir: string): { metrics: Record<string, any>; manifest: Record<string, any> } {
  const id = readdirSync(join(dir, 'runs')).find((d) => d.startsWith('stacking_'));
  assert.ok(id, 'a stacking run');
  const read = (f: string) => JSON.parse(readFileSync(join(dir, 'runs', id, f), 'utf8'));
  return { metrics: read('metrics.json'), manifest: read('run.json') };
}

const num = (line: string, key: string) => Number(new RegExp(`${key}: ([\\d,]+)`).exec(line)?.[1].replace(/,/g, ''));

test(
  'stack holdout: true scores the stack on the test split, labelled holdout in the summary and the run, beside ' +
    'the walk-forward',
  async () => {
    const { dir, cleanup } = project('holdout: true');
    try {
      const r = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(r.code, 0, r.out);
      const split = r.out.split('\n').find((l) => l.includes('✓ split')) ?? '';
      const stack = r.out.split('\n').find((l) => l.includes('✓ stack')) ?? '';
      const testRows = num(split, 'test_rows');
      const devRows = num(split, 'train_rows') + num(split, 'val_rows');
      // The walk-forward score is still there, and the holdout one is labelled as such, on the test split's rows.
      assert.match(stack, /roc_auc pooled: 0\.\d{4} \[/);
      assert.match(
        stack,
        new RegExp(
          `holdout roc_auc: 0\\.\\d{4} \\[0\\.\\d{4}, 0\\.\\d{4}\\] \\(test split, ` +
            `${testRows.toLocaleString('en-US')} rows\\)`,
        ),
      );
      const { metrics, manifest } = stackingRun(dir);
      const h = metrics.holdout;
      assert.equal(h.split, 'test');
      assert.equal(h.rows, testRows);
      // Base models are refitted on the development rows only: none of the test rows, and rows whose label reaches the
      // test split purged.
      assert.equal(h.trainRows + h.purged, devRows);
      assert.ok(h.purged >= 2 * 5 - 2 && h.purged <= 2 * 5 * 2, `purged ${h.purged}: about horizon x symbols`);
      // Compared with the base model that was best in the walk-forward (chosen before the test rows were seen).
      assert.equal(h.comparison.bestBase, metrics.comparison.bestBase);
      assert.ok(
        h.comparison.difference.low <= h.comparison.difference.value &&
          h.comparison.difference.value <= h.comparison.difference.high,
      );
      assert.ok(Math.abs(h.comparison.stack - h.metrics.roc_auc.value) < 1e-12);
      assert.ok(Math.abs(h.comparison.best - h.baseModels[h.comparison.bestBase].roc_auc.value) < 1e-12);
      assert.ok(h.metrics.roc_auc.low < h.metrics.roc_auc.value && h.metrics.roc_auc.value < h.metrics.roc_auc.high);
      // Its intervals are block bootstraps over the test bars, the block at least the horizon.
      assert.equal(h.bootstrap.method, 'moving_block');
      assert.equal(h.bootstrap.unit, 'bars');
      assert.ok(h.bootstrap.block >= 5);
      assert.equal(h.bootstrap.rows, testRows);
      assert.ok(
        h.bootstrap.units < testRows && h.bootstrap.units * 2 >= testRows,
        `${h.bootstrap.units} bars: the two symbols' rows at one timestamp resample together`,
      );
      assert.match(
        stack,
        new RegExp(
          `holdout_vs_best_base: holdout \\(test split, ${testRows.toLocaleString('en-US')} rows; bases ` +
            `refitted on ${h.trainRows.toLocaleString('en-US')} development rows\\): stack 0\\.\\d{4} vs ` +
            `${h.comparison.bestBase} `,
        ),
      );
      assert.equal(manifest.meta.holdout.rows, testRows);
      assert.equal(manifest.metrics.holdout_roc_auc, h.metrics.roc_auc.value);
      // The holdout is not the walk-forward score relabelled.
      assert.notEqual(h.metrics.roc_auc.value, metrics.scores.pooled.roc_auc.value);
    } finally {
      cleanup();
    }
  },
);

test('holdout is off by default: no test-split score in the summary, metrics.json or run.json', async () => {
  const { dir, cleanup } = project('');
  try {
    const r = await cli(dir, ['run', 'nb.pipeline']);
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /holdout/i);
    const { metrics, manifest } = stackingRun(dir);
    assert.equal(metrics.holdout, undefined);
    assert.equal(manifest.meta.holdout, undefined);
    assert.ok(!Object.keys(manifest.metrics).some((k) => k.startsWith('holdout')));
  } finally {
    cleanup();
  }
});

test(
  'holdout on a dataset without a test split is ' + 'refused, naming the cell and key, without a stack ' + 'trace',
  async () => {
    const { dir, cleanup } = project('');
    try {
      assert.equal((await cli(dir, ['run', 'nb.pipeline', '--cell', 'cv'])).code, 0);
      const cvRun = readdirSync(join(dir, 'data', 'stacking'))[0];
      writeFileSync(
        join(dir, 'nb.pipeline'),
        notebook('') + `\n# %% stack on_labels\nfrom: labels\nhorizon: 5\nstacking_data: ${cvRun}\nholdout: true\n`,
      );
      const r = await cli(dir, ['run', 'nb.pipeline', '--cell', 'on_labels']);
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, /cell 'on_labels' key 'holdout'/);
      assert.match(r.out, /holdout needs train\/val\/test splits upstream/);
      assert.doesNotMatch(r.out, /\n\s+at /, 'no stack trace');
    } finally {
      cleanup();
    }
  },
);
