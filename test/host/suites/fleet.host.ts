// The notebook on a worker fleet inside a real VS Code (docs/design.md §4.9, §9): the suite starts its own
// redis-server on 127.0.0.1 on a free port and two `phasebook worker` processes (dist/cli.js) sharing a temp store
// directory; the VS Code settings phasebook.executor.* pick the bullmq executor (the notebook says nothing of it; the
// kernel reads the settings when it starts). Run All -> every cell succeeds, and each computed cell's summary (each
// branch's line for a fanned cell) names the executor and one of those workers: a kernel that ignored the settings
// runs the cells itself and names none. Everything started here is stopped by its pid in suiteTeardown, and the
// settings are cleared. Without redis-server the suite fails, naming it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { phasebookExtension } from '../support';
import { hasRedis, REDIS_SERVER, startRedis, startWorkerProcess, type RedisHandle } from '../../shared/fleet';
import type { WorkerHandle } from '../../shared/fleet';
import { cellNamed, outputText, phaseCells, phasebookApi, showNotebook, waitForExecutions } from './helpers/phasebook';
import { ensureFanoutData } from './helpers/fanoutData';

const PIPELINE = `# %% load prices
source: data/fleet_ohlcv_1h.csv

# %% features
returns: close
return_type: log
lags: [1, 2, 3]

# %% preprocess
scenarios: [mean_impute, median_impute]
`;

const summaries = (cell: vscode.NotebookCell): string[] =>
  cell.outputs
    .filter((o) => o.metadata?.phasebookSummary)
    .map((o) => new TextDecoder().decode(o.items.find((i) => i.mime === 'text/plain')?.data ?? new Uint8Array()));

suite('fleet: the kernel runs the notebook on BullMQ workers', function () {
  this.timeout(240_000);
  let redis: RedisHandle | undefined;
  const workers: WorkerHandle[] = [];
  const temp = mkdtempSync(join(tmpdir(), 'pb-host-fleet-'));
  let nb: vscode.NotebookDocument;
  const config = () => vscode.workspace.getConfiguration('phasebook');
  const SETTINGS = ['executor.kind', 'executor.redis', 'executor.store'];

  suiteSetup(async () => {
    assert.ok(hasRedis, `${REDIS_SERVER} is missing: install redis-server (CI apt-installs it)`);
    await phasebookApi();
    // Data of its own: cells the fanout suite computed would come from the shared cache, on no worker.
    ensureFanoutData('fleet_ohlcv_1h.csv', 11);
    redis = await startRedis();
    const cli = join(phasebookExtension().extensionUri.fsPath, 'dist', 'cli.js');
    const store = join(temp, 'store');
    const env = { ELECTRON_RUN_AS_NODE: '1', PHASEBOOK_CLI_MAIN: '1' };
    for (const i of [1, 2])
      workers.push(
        await startWorkerProcess(
          { file: process.execPath, args: [cli] },
          ['--redis', redis.url, '--store', store, '--cache', join(temp, `cache-${i}`)],
          env,
        ),
      );
    const values = ['bullmq', redis.url, store];
    for (const [i, key] of SETTINGS.entries())
      await config().update(key, values[i], vscode.ConfigurationTarget.Workspace);
    nb = (await showNotebook('fleet.pipeline', PIPELINE)).notebook;
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of SETTINGS) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    for (const w of workers) await w.stop('SIGKILL');
    await redis?.stop();
    rmSync(temp, { recursive: true, force: true });
  });

  test("Run All: every cell succeeds, and each computed cell's summary names the bullmq worker", async () => {
    const cells = await phaseCells(nb);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    await waitForExecutions(cells, t0, 220_000);
    for (const c of cells)
      assert.equal(
        c.executionSummary?.success,
        true,
        `cell ${c.index} failed:\n${outputText(c)}\n${outputText(c, 'application/vnd.code.notebook.error')}`,
      );
    const names = new Set(workers.map((w) => `${hostname()}:${w.proc.pid}`));
    const ranOn = (line: string): string | undefined => /ran on: bullmq · worker (\S+) · attempt 1/.exec(line)?.[1];
    const features = summaries(await cellNamed(nb, 'features'));
    assert.equal(features.length, 1, features.join('\n---\n'));
    assert.ok(names.has(ranOn(features[0]) ?? ''), `features names no worker of ours:\n${features[0]}`);
    // A fanned cell: one summary per branch, each with its own worker line.
    const branches = summaries(await cellNamed(nb, 'preprocess'));
    assert.equal(branches.length, 2, branches.join('\n---\n'));
    for (const b of branches) assert.ok(names.has(ranOn(b) ?? ''), `a branch names no worker of ours:\n${b}`);
    const ran = workers.flatMap((w) => w.lines().filter((l) => /^job finished$/.test(String(l.msg))));
    assert.ok(ran.length >= 3, `the workers logged ${ran.length} finished jobs`);
  });
});
