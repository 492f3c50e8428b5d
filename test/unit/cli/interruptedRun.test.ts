/**
 * Cause 11 through the CLI: a real `phasebook cv` (or `phasebook run` of a notebook's cv cell) SIGKILLed while its run
 * is open leaves a run.json
 * saying `running`; `phasebook runs` shows it as `interrupted` (never running), and
 * `phasebook runs --prune-interrupted` removes it, saying so, and leaves complete runs alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoCsv } from '../../../core/demo/ohlcv';
import { cli } from './cliHarness';
import { assertNoStack } from './badInput/harness';

const CV = ['cv', '--data', 'data.csv', '--models', 'gbdt', '--horizons', '5'];

function runningRun(root: string): string | undefined {
  if (!existsSync(root)) return undefined;
  for (const id of readdirSync(root)) {
    try {
      if (JSON.parse(readFileSync(join(root, id, 'run.json'), 'utf8')).status === 'running') return id;
    } catch {
      // not written yet
    }
  }
  return undefined;
}

async function killMidRun(dir: string, args: string[] = CV): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cliChild.ts'), dir, ...args], {
    cwd: join(__dirname, '..', '..', '..'),
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
  const root = join(dir, 'data', 'stacking');
  const t0 = Date.now();
  let id: string | undefined;
  while (!(id = runningRun(root)) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the child was killed, not finished');
  assert.ok(id, 'the cv run was open when the process was killed');
  return id;
}

test('a phasebook cv killed mid-run shows as interrupted, and --prune-interrupted removes it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-kill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeDemoCsv(join(dir, 'data.csv'), { symbols: 1, bars: 3000, seed: 3 });
  const killed = await killMidRun(dir);
  assert.equal(
    JSON.parse(readFileSync(join(dir, 'data', 'stacking', killed, 'run.json'), 'utf8')).status,
    'running',
    'run.json still says running',
  );

  const complete = await cli(dir, CV);
  assert.equal(complete.code, 0, complete.out + complete.err);

  const listed = await cli(dir, ['runs', '--json']);
  const runs = JSON.parse(listed.out) as { id: string; status: string; error?: string }[];
  const row = runs.find((r) => r.id === killed);
  assert.equal(row?.status, 'interrupted', listed.out);
  assert.match(row?.error ?? '', /is no longer running/);
  assert.ok(!runs.some((r) => r.status === 'running'), 'no run shows as running');
  assert.match((await cli(dir, ['runs'])).out, /interrupted/);
  assert.match(
    (await cli(dir, ['cv-runs'])).out,
    new RegExp(`${killed}\\s+interrupted`),
    'cv-runs (what stacking picks from) agrees',
  );

  const pruned = await cli(dir, ['runs', '--prune-interrupted']);
  assert.equal(pruned.code, 0);
  assert.match(pruned.out, new RegExp(`removed interrupted run ${killed} \\(cv\\)`));
  assert.match(pruned.out, /removed 1 interrupted run\n/);
  assertNoStack('prune', pruned.out + pruned.err);
  assert.equal(existsSync(join(dir, 'data', 'stacking', killed)), false);
  const after = JSON.parse((await cli(dir, ['runs', '--json'])).out) as { status: string }[];
  assert.deepEqual(
    after.map((r) => r.status),
    ['complete'],
    'the complete run is kept',
  );
  assert.match((await cli(dir, ['runs', '--prune-interrupted'])).out, /no interrupted runs/);
});

test(
  'a phasebook run killed while its cv cell is running leaves an interrupted cv run, and no complete pipeline ' + 'run',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-kill-run-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeDemoCsv(join(dir, 'data.csv'), { symbols: 1, bars: 3000, seed: 3 });
    writeFileSync(
      join(dir, 'nb.pipeline'),
      '# %% load prices\nsource: data.csv\n\n# %% features\nreturns: close\nlags: [1, 2]\n\n# %% ' +
        'labels\nhorizon: 5\ntarget: close\n\n# %% cv\nmodels: [gbdt]\nn_splits: 3\n',
    );
    const killed = await killMidRun(dir, ['run', 'nb.pipeline']);
    const runs = JSON.parse((await cli(dir, ['runs', '--json'])).out) as { id: string; kind: string; status: string }[];
    assert.deepEqual(
      runs.map((r) => [r.id, r.kind, r.status]),
      [[killed, 'cv', 'interrupted']],
    );
  },
);
