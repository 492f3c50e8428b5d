/**
 * `phasebook audit` and the gate of `phasebook run` (issue 12): exit 2 on a look-ahead, 0 when
 * clean; a leak refuses the cv cell naming the cell and column; `audit: warn` lets the run go on
 * and run.json records the downgrade; an unchanged notebook is audited once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, readJson } from './cliHarness';
import { CONTROL, dataDir, LEAKS } from '../audit/fixtures';
import { auditCounters } from '../../../core/audit/audit';

const dir = dataDir();
test.after(() => rmSync(dir, { recursive: true, force: true }));

const tail = `
# %% split
fractions: [0.7, 0.15, 0.15]

# %% cv
models: [ridge]
n_splits: 3
`;
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const leaky = write('leaky.pipeline', LEAKS.negative_shift.text + tail);
const control = write(
  'control.pipeline',
  CONTROL.replace('# %% scale\nmethod: standard\n', '') + `\n# %% cv\nmodels: [ridge]\nn_splits: 3\n`,
);
const pipelineRuns = () =>
  readdirSync(join(dir, 'runs'))
    .filter((d) => d.startsWith('pipeline_'))
    .sort();
const lastRunJson = () => readJson(join(dir, 'runs', pipelineRuns().at(-1) as string, 'run.json'));

test('phasebook audit recomputes ts cells, so it runs them only with --allow-code, like phasebook run', async () => {
  const refused = await cli(dir, ['audit', leaky]);
  assert.equal(refused.code, 2, refused.err);
  assert.match(refused.err, /ts cell '\w+' is code, and code cells run only when you allow them/);
  assert.match(refused.err, /phasebook audit \S+ --allow-code/);
  assert.equal(refused.out, '', 'nothing was audited');
});

test(
  'phasebook audit exits 2 on a look-ahead, naming the cell, the column and the first moved timestamp; the ' +
    'report lands in run.json',
  async () => {
    const r = await cli(dir, ['audit', leaky, '--allow-code']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.out, /✗ leaky\s+look-ahead/);
    assert.match(r.out, /leaky\.pipeline:\d+: column 'next_close' first moved at \d{4}-\d\d-\d\dT/);
    const json = lastRunJson();
    assert.equal(json.meta.audit.verdict, 'leak');
    assert.equal(
      json.meta.audit.cells.find((c: { cell: string }) => c.cell === 'leaky').findings[0].column,
      'next_close',
    );
  },
);

test(
  'phasebook audit --json prints the report; a clean ' +
    'notebook exits 0; a second audit of it recomputes ' +
    'nothing',
  async () => {
    const first = await cli(dir, ['audit', control, '--json', '--allow-code']);
    assert.equal(first.code, 0, first.err + first.out);
    const report = JSON.parse(first.out);
    assert.equal(report.verdict, 'clean');
    assert.ok(report.recomputed > 0);
    const before = auditCounters.recomputed;
    const second = await cli(dir, ['audit', control, '--json', '--allow-code']);
    assert.equal(second.code, 0);
    assert.equal(auditCounters.recomputed, before, 'the second audit recomputed cells');
    const again = JSON.parse(second.out);
    assert.equal(again.recomputed, 0);
    assert.ok(again.cells.every((c: { cached: boolean }) => c.cached));
    assert.deepEqual(again.cuts, report.cuts);
  },
);

test('phasebook run refuses the cv cell below a look-ahead with exit 2, naming the cell and column', async () => {
  const r = await cli(dir, ['run', leaky, '--allow-code']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /cv.*not run: cell 'leaky' looks ahead — its column 'next_close'/s);
  const json = lastRunJson();
  assert.equal(json.meta.audit.verdict, 'leak');
  assert.equal(json.meta.audit.downgraded, false);
  assert.equal(json.meta.cells.find((c: { cell: string }) => c.cell === 'cv').status, 'failed');
});

test('audit: warn lets the run through and run.json records the downgrade', async () => {
  const warned = write('warned.pipeline', `# %% settings\naudit: warn\n\n${LEAKS.negative_shift.text}${tail}`);
  const r = await cli(dir, ['run', warned, '--allow-code']);
  assert.equal(r.code, 0, r.out + r.err);
  const json = lastRunJson();
  assert.equal(json.meta.audit.mode, 'warn');
  assert.equal(json.meta.audit.downgraded, true);
  assert.equal(json.meta.audit.verdict, 'leak');
});

test('a clean notebook runs through the gate (exit 0) and records a clean audit', async () => {
  const clean = write(
    'clean.pipeline',
    `# %% load prices\nsource: data/p.csv\n\n# %% features\nreturns: close\nlags: [1, 2]\n\n# %% ` +
      `labels\nhorizon: 5\n${tail}`,
  );
  const r = await cli(dir, ['run', clean]);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(lastRunJson().meta.audit.verdict, 'clean');
});

test('a feature built from a label smuggled through align is refused by phasebook run with exit 2', async () => {
  const r = await cli(dir, ['run', write('smuggled.pipeline', LEAKS.align_smuggled_label.text)]);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /'fwd_ret_h1' is a label column/);
});

test('phasebook audit: flag errors name the flag; --cell of a model cell is refused', async () => {
  const bad = await cli(dir, ['audit', control, '--bogus']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--bogus/);
  const model = await cli(dir, ['audit', control, '--cell', 'cv', '--allow-code']);
  assert.equal(model.code, 1);
  assert.match(model.err, /--cell cv: a 'cv' cell makes no time-stamped data to audit/);
});
