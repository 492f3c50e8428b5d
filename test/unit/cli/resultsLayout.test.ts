// Issue 20 item 5 through the CLI: the results layout of notes/002,
//   results/{results_dir}/{workflow_id}/{phase}/{window_id}/{container_id}_results.json,
// and `phasebook runs` listing runs of this layout next to runs of the layout before it
// (results/{name}/{phase}/[{window}/]containers/{id}_results.json), with and without run.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, readJson, writePredictionCsv } from './cliHarness';

const NOTEBOOK = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]

# %% labels
horizon: 1

# %% backtest search
results_dir: study
workflow: sweep
sequence: train_test
grid: { threshold: [0, 0.3] }

# %% walk_forward wf
results_dir: study
train_bars: 150
test_bars: 50
model: ridge

# %% backtest plain
results_storage: disk
`;

const put = (path: string, value: unknown): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
};

/** A run in the layout before notes/002, as Phasebook wrote it (with run.json). */
function oldPhasebookRun(results: string): void {
  const run = join(results, 'old_exp');
  put(join(run, 'run.json'), {
    id: 'old_exp',
    kind: 'workflow',
    status: 'complete',
    created: '2026-11-01T10:00:00.000Z',
    finished: '2026-11-01T10:01:00.000Z',
    source: { notebook: 'old.pipeline' },
    config: {},
    config_hash: 'x',
    seed: 0,
    metrics: { 'validation.sharpe_ratio': 0.5 },
    artifacts: [],
    meta: { phases: ['parameter_search', 'validation'] },
    engine_version: '0.1.0',
  });
  put(join(run, 'parameter_search', 'containers', 'portfolio_001_results.json'), { container_id: 'portfolio_001' });
  put(join(run, 'parameter_search', 'aggregate_results.json'), {
    aggregate_metrics: { best_sharpe_ratio: 0.7 },
    total_trades: 3,
    containers_tracked: 1,
  });
}

/** A run in the layout before notes/002 written by another tool: no run.json, walk-forward windows. */
function oldForeignRun(results: string): void {
  for (const w of ['window_001', 'window_002']) {
    const d = join(results, 'legacy_wf', 'wf', w);
    put(join(d, 'containers', 'portfolio_001_results.json'), { container_id: 'portfolio_001' });
    put(join(d, 'phase_summary.json'), {
      phase: 'wf',
      timestamp: '2026-10-01T00:00:00Z',
      containers: ['portfolio_001'],
      metrics_summary: { sharpe_ratio: 0.2 },
    });
  }
}

test(
  'results/{results_dir}/{workflow_id}/{phase}/{window_id}/{container_id}_results.json; runs of the old layout ' +
    'are still listed',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-layout-'));
    try {
      writePredictionCsv(join(dir, 'data.csv'), 1, 500);
      writeFileSync(join(dir, 'nb.pipeline'), NOTEBOOK);
      const r = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(r.code, 0, r.out + r.err);
      const results = join(dir, 'results');
      // results_dir + workflow: results/study/sweep/{phase}/ with the containers in the phase folder.
      const sweep = join(results, 'study', 'sweep');
      assert.deepEqual(
        readdirSync(join(sweep, 'parameter_search'))
          .filter((f) => f.startsWith('portfolio_'))
          .sort(),
        ['portfolio_001_results.json', 'portfolio_002_results.json'],
      );
      assert.ok(!existsSync(join(sweep, 'parameter_search', 'containers')), 'no containers/ folder');
      assert.equal(readJson(join(sweep, 'run.json')).id, 'study/sweep');
      // results_dir without workflow: the workflow id is the notebook's name; windows under the phase.
      const wf = join(results, 'study', 'nb', 'wf');
      const windows = readdirSync(wf)
        .filter((f) => f.startsWith('window_'))
        .sort();
      assert.ok(windows.length >= 2, `windows: ${windows}`);
      for (const w of windows) {
        assert.ok(existsSync(join(wf, w, 'portfolio_001_results.json')), `${w}/portfolio_001_results.json`);
        assert.ok(existsSync(join(wf, w, 'phase_summary.json')));
      }
      // No results_dir: results/{workflow_id}/{phase}/ with workflow_id {notebook}_{cell}.
      assert.ok(existsSync(join(results, 'nb_plain', 'plain', 'portfolio_001_results.json')));
      assert.match(r.out, /run: study\/sweep/);

      oldPhasebookRun(results);
      oldForeignRun(results);
      const listed = await cli(dir, ['runs', '--json']);
      assert.equal(listed.code, 0, listed.err);
      const runs = JSON.parse(listed.out) as {
        id: string;
        kind: string;
        dir: string;
        phases?: string[];
        folds?: number;
        foreign?: boolean;
      }[];
      const byId = new Map(runs.filter((x) => x.kind !== 'pipeline').map((x) => [x.id, x]));
      assert.deepEqual([...byId.keys()].sort(), ['legacy_wf', 'nb_plain', 'old_exp', 'study/nb', 'study/sweep']);
      assert.equal(byId.get('study/sweep')!.dir, sweep);
      assert.deepEqual(byId.get('study/sweep')!.phases, ['parameter_search', 'validation']);
      assert.equal(byId.get('study/nb')!.folds, windows.length);
      assert.deepEqual(byId.get('old_exp')!.phases, ['parameter_search', 'validation']);
      assert.equal(byId.get('legacy_wf')!.foreign, true);
      assert.equal(byId.get('legacy_wf')!.folds, 2);
      const table = await cli(dir, ['runs']);
      for (const id of ['study/sweep', 'study/nb', 'nb_plain', 'old_exp', 'legacy_wf'])
        assert.match(table.out, new RegExp(`^${id.replace('/', '\\/')} `, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('a workflow id that is not one folder name is an error naming the cell and key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-layout-'));
  try {
    writePredictionCsv(join(dir, 'data.csv'), 1, 200);
    writeFileSync(
      join(dir, 'nb.pipeline'),
      '# %% load prices\nsource: data.csv\n\n# %% backtest bt\nresults_dir: study\nworkflow: ../up\n',
    );
    const r = await cli(dir, ['run', 'nb.pipeline']);
    assert.notEqual(r.code, 0);
    assert.match(r.out + r.err, /invalid workflow "\.\.\/up": it contains a path separator/);
    assert.match(r.out + r.err, /bt/);
    assert.ok(
      !existsSync(join(dir, 'results', 'up')) && !existsSync(join(dir, 'up')),
      'nothing written outside results/study',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
