import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import './testPhases';
import { TEST_PHASES } from './testPhases';
import { openJobSession, PipelineSession, type SessionOptions } from '../../../core/engine/session';
import type { ExecutionEvent } from '../../../core/graph/events';
import { silentLogger } from '../../../core/log';
import { SerialExecutor } from '../../../core/orchestrate/serial';
import { LocalPoolExecutor } from '../../../core/orchestrate/pool';
import { groupJobs, jobWidth } from '../../../core/orchestrate/jobs';

const NB = `# %% o_src src
path: x.csv

# %% o_scale
scenarios: [double, triple]

# %% o_fit
models: [mean, max]
`;

function project(text = NB): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-exec-'));
  writeFileSync(join(dir, 'x.csv'), 'x\n1\n2\n3\n4\n');
  const path = join(dir, 'nb.pipeline');
  writeFileSync(path, text);
  return { dir, path };
}

function session(p: { path: string }, opts: Partial<SessionOptions> = {}, text = NB): PipelineSession {
  return new PipelineSession(text, { notebookPath: p.path, log: silentLogger, preload: [TEST_PHASES], ...opts });
}

const scores = (r: Awaited<ReturnType<PipelineSession['run']>>) =>
  Object.fromEntries(r.outcomes.filter((o) => o.result?.metrics).map((o) => [o.cell, o.result!.metrics!.score]));

test('branches are grouped into jobs that can run side by side', () => {
  const s = session(project());
  const compute = s.graph.order;
  const jobs = groupJobs(compute, s.graph, new Set());
  // src alone; each scale branch with nothing to chain (two fit children); four fits.
  assert.deepEqual(
    jobs.map((j) => j.cells.join('+')),
    [
      'src',
      'o_scale[double]',
      'o_scale[triple]',
      'o_fit[double][mean]',
      'o_fit[double][max]',
      'o_fit[triple][mean]',
      'o_fit[triple][max]',
    ],
  );
  assert.deepEqual(jobs.find((j) => j.id === 'o_fit[triple][max]')?.dependsOn, ['o_scale[triple]']);
  assert.equal(jobWidth(jobs), 4);
  const chain = groupJobs(
    ['a', 'b', 'c'],
    {
      parents: (n) => ({ a: [], b: ['a'], c: ['b'] })[n] ?? [],
      children: (n) => ({ a: ['b'], b: ['c'], c: [] })[n] ?? [],
    },
    new Set(),
  );
  assert.deepEqual(
    chain.map((j) => j.cells),
    [['a', 'b', 'c']],
  );
});

test('the pool, the serial executor and the in-process loop give the same results and events per branch', async () => {
  const inProcess = await session(project(), { jobs: 1 }).run();
  const events: ExecutionEvent[] = [];
  const pooled = await session(project(), { executor: new LocalPoolExecutor({ size: 2 }) }).run({
    onEvent: (e) => events.push(e),
  });
  const serial = await session(project(), { executor: new SerialExecutor(openJobSession) }).run();
  assert.equal(inProcess.executor, 'in-process');
  assert.equal(pooled.executor, 'local-pool');
  for (const r of [inProcess, pooled, serial])
    assert.equal(r.exitCode, 0, JSON.stringify(r.outcomes.map((o) => [o.cell, o.status, o.error?.message])));
  assert.deepEqual(scores(pooled), scores(inProcess));
  assert.deepEqual(scores(serial), scores(inProcess));
  assert.deepEqual(scores(inProcess), {
    'o_fit[double][mean]': 5,
    'o_fit[double][max]': 8,
    'o_fit[triple][mean]': 7.5,
    'o_fit[triple][max]': 12,
  });
  // Every branch reports its own start and finish, and its result comes back to the session.
  const started = events.filter((e) => e.type === 'started').map((e) => e.cell);
  const finished = events.filter((e) => e.type === 'finished');
  assert.equal(new Set(started).size, 7);
  assert.equal(finished.length, 7);
  assert.ok(finished.every((e) => e.type === 'finished' && e.result));
  // The fits really ran in other processes (two workers at most).
  const pids = new Set(pooled.outcomes.filter((o) => o.cell.startsWith('o_fit')).map((o) => o.result!.summary.pid));
  assert.ok(!pids.has(process.pid));
  assert.ok(pids.size >= 1 && pids.size <= 2);
});

test('a failing branch blocks only its own descendants; the others finish (exit 1)', async () => {
  const text = NB.replace('scenarios: [double, triple]', 'scenarios: [double, triple]').replace(
    '# %% o_fit',
    '# %% o_scale bad\nfrom: src\nscenario: half\nfail: true\n\n# %% o_fit\nfrom: o_scale',
  );
  const p = project(text);
  const r = await session(p, { executor: new SerialExecutor(openJobSession) }, text).run();
  assert.equal(r.exitCode, 1);
  const status = Object.fromEntries(r.outcomes.map((o) => [o.cell, o.status]));
  assert.equal(status.bad, 'failed');
  assert.equal(status['o_fit[double][mean]'], 'ok');
});

test('a worker that dies fails its job with the reason, and the run goes on', async () => {
  const text = NB.replace('models: [mean, max]', 'models: [mean, max]\ncrash_above: 10');
  const r = await session(project(text), { executor: new LocalPoolExecutor({ size: 2 }) }, text).run();
  assert.equal(r.exitCode, 1);
  const fit = r.outcomes.find((o) => o.cell === 'o_fit[triple][max]')!;
  assert.equal(fit.status, 'failed');
  assert.match(fit.error!.message, /worker process running it stopped \(exit code 7\)/);
  for (const other of ['o_fit[double][mean]', 'o_fit[double][max]', 'o_fit[triple][mean]'])
    assert.equal(r.outcomes.find((o) => o.cell === other)!.status, 'ok', other);
});

test('cancel stops every branch and kills the workers', async () => {
  const text = NB.replace('models: [mean, max]', 'models: [mean, max]\nwait: true');
  const ac = new AbortController();
  const pids: number[] = [];
  const s = session(project(text), { executor: new LocalPoolExecutor({ size: 2 }) }, text);
  const t0 = Date.now();
  const done = s.run({
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'started' && e.cell.startsWith('o_fit') && !ac.signal.aborted) setTimeout(() => ac.abort(), 100);
      if (e.type === 'finished' && e.result?.summary.pid) pids.push(Number(e.result.summary.pid));
    },
  });
  const r = await done;
  assert.ok(Date.now() - t0 < 60_000);
  const fits = r.outcomes.filter((o) => o.cell.startsWith('o_fit'));
  assert.equal(fits.length, 4);
  assert.ok(
    fits.every((o) => o.status === 'cancelled'),
    JSON.stringify(fits.map((o) => o.status)),
  );
  assert.equal(r.exitCode, 1);
  // The workers that ran the scale branches are gone.
  await new Promise((ok) => setTimeout(ok, 200));
  for (const pid of new Set(pids)) {
    if (pid === process.pid) continue;
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  }
});

test('every job writes a checkpoint and a log; metrics land in metrics.db', async () => {
  const p = project();
  const r = await session(p, { jobs: 1 }).run();
  assert.ok(r.executionId);
  for (const stem of ['src', 'o_scale_double', 'o_fit_triple_max']) {
    assert.ok(existsSync(join(p.dir, 'artifacts', `${stem}.ok`)), stem);
    assert.ok(existsSync(join(p.dir, 'logs', `${stem}.log`)), stem);
  }
  const meta = JSON.parse(readFileSync(join(p.dir, 'artifacts', 'o_fit_triple_max.meta.json'), 'utf8'));
  assert.deepEqual(meta.branch, { scenario: 'triple', model: 'max' });
  assert.equal(meta.inputs[0].cell, 'o_scale[triple]');
  assert.equal(meta.output.rows, 4);
  assert.match(
    readFileSync(join(p.dir, 'logs', 'o_fit_triple_max.log'), 'utf8'),
    /"msg":"job o_fit\[triple\]\[max\] started"/,
  );
});

test(
  'input schema drift under an unchanged pipeline is a hard failure (exit 2); deleting the checkpoint accepts ' + 'it',
  async () => {
    const p = project();
    assert.equal((await session(p, { jobs: 1 }).run()).exitCode, 0);
    writeFileSync(join(p.dir, 'x.csv'), 'x,extra\n1,a\n2,b\n3,c\n4,d\n');
    const drift = await session(p, { jobs: 1 }).run();
    assert.equal(drift.exitCode, 2);
    const scale = drift.outcomes.find((o) => o.cell === 'o_scale[double]')!;
    assert.equal(scale.status, 'failed');
    assert.match(scale.error!.message, /schema of the input changed since the last run .* the data drifted/);
    assert.equal(scale.error!.location.cell, 'o_scale[double]');
    assert.equal(scale.error!.location.line, 4);
    assert.ok(
      scale.error!.details.includes("column 'extra' added (DataType(String))"),
      scale.error!.details.join('\n'),
    );
    assert.ok(
      scale.error!.details.some(
        (d) => d.includes('delete') && d.endsWith('o_scale_double.ok to accept the new schema'),
      ),
    );
    assert.equal(drift.outcomes.find((o) => o.cell === 'o_fit[double][max]')!.status, 'skipped');
    // Only where the data enters: the fits below are not reported again once the new schema is accepted.
    rmSync(join(p.dir, 'artifacts', 'o_scale_double.ok'));
    rmSync(join(p.dir, 'artifacts', 'o_scale_triple.ok'));
    const accepted = await session(p, { jobs: 1 }).run();
    assert.equal(
      accepted.exitCode,
      0,
      JSON.stringify(accepted.outcomes.filter((o) => o.error).map((o) => o.error?.message)),
    );
    // When the pipeline changed too, a new input schema is expected: recorded, no complaint.
    writeFileSync(join(p.dir, 'x.csv'), 'x,extra,more\n1,a,1\n2,b,2\n3,c,3\n4,d,4\n');
    const edited = NB.replace('scenarios: [double, triple]', 'scenarios: [double, triple]\nfail: false');
    const r2 = await session(p, { jobs: 1 }, edited).run();
    assert.equal(r2.exitCode, 0, JSON.stringify(r2.outcomes.filter((o) => o.error).map((o) => o.error?.message)));
    assert.equal(r2.outcomes.find((o) => o.cell === 'o_scale[double]')!.status, 'ok');
  },
);
