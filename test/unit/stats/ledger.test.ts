// The trial ledger end to end: a fanned-out study's compare cell records every branch as a trial
// in artifacts/metrics.db and shows deflated Sharpe / PBO from it; `phasebook trials` lists and
// excludes by name with a recorded reason; an unchanged re-run does not count a trial twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../core/phases/register';
import { PipelineSession } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
import { main } from '../../../core/cli/main';
import type { CliIO } from '../../../core/cli/io';
import { listTrials } from '../../../core/runs/trials';
import { STUDY, studyDir } from '../orchestrate/study';

function cli(cwd: string) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => (out += s), err: (s) => (err += s), tty: false, cwd, env: {} };
  return { io, out: () => out, err: () => err };
}

const { dir, notebook } = studyDir(STUDY, 240);
const db = join(dir, 'artifacts', 'metrics.db');
const study = 'study.pipeline/evaluate/sharpe_ratio';
const runCompare = async (force: boolean) =>
  new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger }).run({ force });

test('scenario_compare records one trial per branch and shows the selection-adjusted numbers', async () => {
  const report = await runCompare(false);
  assert.equal(report.exitCode, 0);
  const cmp = report.outcomes.find((o) => o.cell === 'scenario_compare')!;
  assert.match(
    String(cmp.result?.summary.selection),
    /^Sharpe -?\d+\.\d\d · deflated \d\.\d\d after 4 trials( \(\d distinct\))? · PBO \d\.\d\d/,
  );
  assert.ok(cmp.result?.charts.some((c) => c.id === 'selection-pbo-logits'));
  const trials = await listTrials(db, study);
  assert.equal(trials.length, 4);
  assert.ok(trials.every((t) => t.returns.length > 8 && t.times.length === t.returns.length));
  const md = readFileSync(join(dir, 'reports', 'scenario_summary.md'), 'utf8');
  assert.match(md, /## Selection/);
  assert.match(md, /Deflated Sharpe \| \d\.\d{4} \|/);
  const memo = readFileSync(join(dir, 'reports', 'model_evaluation_memo.md'), 'utf8');
  assert.match(memo, /## Selection[\s\S]*selection_pbo_logits\.svg/);
});

test(
  'an unchanged re-run adds no trial; phasebook trials lists, refuses an exclusion without a reason, excludes ' +
    'with one',
  async () => {
    await runCompare(true);
    assert.equal((await listTrials(db, study)).length, 4, 'same returns, same trial');
    const list = cli(dir);
    assert.equal(await main(['trials', '--study', study], list.io), 0);
    assert.match(list.out(), /study study\.pipeline\/evaluate\/sharpe_ratio: 4 trials, 0 excluded/);
    const name = (await listTrials(db, study))[0].trial;
    const noReason = cli(dir);
    assert.notEqual(await main(['trials', '--study', study, '--exclude', name], noReason.io), 0);
    assert.match(noReason.err(), /--exclude needs --reason TEXT/);
    const unknown = cli(dir);
    assert.notEqual(
      await main(['trials', '--study', study, '--exclude', 'nope#00000000', '--reason', 'x'], unknown.io),
      0,
    );
    assert.match(unknown.err(), /no trial 'nope#00000000' in study[\s\S]*trials: /);
    const ex = cli(dir);
    assert.equal(
      await main(['trials', '--study', study, '--exclude', name, '--reason', 'bug in its features'], ex.io),
      0,
    );
    assert.match(ex.out(), /excluded: bug in its features/);
    assert.match(ex.out(), /4 trials, 1 excluded/);
    const t = (await listTrials(db, study)).find((x) => x.trial === name)!;
    assert.equal(t.excluded?.reason, 'bug in its features');
    const inc = cli(dir);
    assert.equal(await main(['trials', '--study', study, '--include', name], inc.io), 0);
    assert.equal((await listTrials(db, study)).filter((x) => x.excluded).length, 0);
  },
);

test(
  'an exclusion reaches the next re-run: the compare cell is not served from a cache keyed before it (nor is ' +
    'the report)',
  async () => {
    const before = await runCompare(false);
    const cmp0 = before.outcomes.find((o) => o.cell === 'scenario_compare')!;
    assert.match(String(cmp0.result?.summary.selection), /after 4 trials/);
    const again = await runCompare(false);
    assert.equal(
      again.outcomes.find((o) => o.cell === 'scenario_compare')?.status,
      'cached',
      'an unchanged ledger keeps the cache',
    );
    const name = (await listTrials(db, study))[1].trial;
    assert.equal(await main(['trials', '--study', study, '--exclude', name, '--reason', 'leaky'], cli(dir).io), 0);
    const after = await runCompare(false);
    const cmp = after.outcomes.find((o) => o.cell === 'scenario_compare')!;
    assert.equal(cmp.status, 'ok', 'recomputed after the ledger changed');
    assert.match(String(cmp.result?.summary.selection), /after 3 trials/);
    assert.match(readFileSync(join(dir, 'reports', 'scenario_summary.md'), 'utf8'), /1 excluded by name/);
    assert.equal(after.outcomes.find((o) => o.cell === 'report')?.status, 'ok');
    const forced = await runCompare(true);
    assert.match(
      String(forced.outcomes.find((o) => o.cell === 'scenario_compare')?.result?.summary.selection),
      /after 3 trials/,
    );
    assert.equal(await main(['trials', '--study', study, '--include', name], cli(dir).io), 0);
    const back = await runCompare(false);
    assert.match(
      String(back.outcomes.find((o) => o.cell === 'scenario_compare')?.result?.summary.selection),
      /after 4 trials/,
    );
  },
);
