// bench/results.md's scaling table (`npm run bench -- --scales 0.05,0.25,1`), from a fixed excerpt of
// bench/out/results.json: how cost and memory grow with the data, per stage, both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatResults } from '../../../bench/lib/results.mjs';
import { parseScales, scalingSection, type Scaling } from '../../../bench/lib/scaling.mjs';
import { evaluateTargets, type BenchResults } from '../../../bench/lib/targets.mjs';

const fixture = JSON.parse(
  readFileSync(resolve(__dirname, '../../fixtures/bench/results-scaling.json'), 'utf8'),
) as BenchResults & { scaling: Scaling };

/** The cells of the table row that starts with `label`. */
function row(md: string, label: string): string[] {
  const line = md.split('\n').find((l) => l.startsWith(`| ${label} |`));
  assert.ok(line, `no row '${label}' in:\n${md}`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

test('scaling table: per stage and end to end at each size, both sides, ratio and growth with rows', () => {
  const md = scalingSection(fixture.scaling, fixture.date);
  assert.match(md, /--scales 0\.05,0\.25,1/);
  assert.match(
    md,
    /\| stage \| 100k Phasebook \| 100k reference \| 100k ratio \| 500k Phasebook \| .* \| 2\.0M ratio \| growth/,
  );
  // cv: 10 s vs 8 s at 100k, 240 s vs 160 s at 2M; Phasebook grows as rows^1.06 (240/10 over 20x rows).
  assert.deepEqual(row(md, 'cv'), [
    '10.00',
    '8.00',
    '1.25x',
    '55.00',
    '40.00',
    '1.38x',
    '240.00',
    '160.00',
    '1.50x',
    '1.06',
    '1.00',
  ]);
  // The audit gate runs inside Phasebook's session, outside every cell: its own row, no reference side.
  assert.deepEqual(row(md, 'audit (causality gate before cv; Phasebook only)'), [
    '2.50',
    '–',
    '–',
    '12.00',
    '–',
    '–',
    '50.00',
    '–',
    '–',
    '1.00',
    '–',
  ]);
  assert.deepEqual(row(md, '**end to end** (process start to exit)').slice(6), [
    '300.00',
    '240.00',
    '1.25x',
    '1.00',
    '1.00',
  ]);
});

test('scaling table: peak RSS and memory per row for both sides; a fold mismatch is called out', () => {
  const md = scalingSection(fixture.scaling, fixture.date);
  assert.deepEqual(row(md, 'input rows'), ['99,993', '499,940', '1,999,879']);
  assert.deepEqual(row(md, 'Phasebook peak RSS (MB)'), ['400', '1100', '3400']);
  assert.deepEqual(row(md, 'peak RSS ratio'), ['0.80x', '1.10x', '0.97x']);
  // 3400 MB over 1,999,879 rows.
  assert.equal(row(md, 'Phasebook bytes per row (peak RSS / rows)')[2], '1,783');
  assert.equal(row(md, 'reference bytes per row (peak RSS / rows)')[0], '5,243');
  // (3400 - 400) MB over (1,999,879 - 99,993) rows, without the process's fixed cost.
  assert.match(md, /Memory per added row \(.*100k to 2\.0M\): Phasebook 1,656 bytes, reference 1,656 bytes/);
  assert.deepEqual(row(md, 'folds identical'), ['yes', 'yes', '**no**']);
  assert.deepEqual(row(md, 'stacked AUC Phasebook / reference')[2], '0.6344 / 0.6369');
});

test('scaling table: a size that failed is named, not dropped silently; none measured says how to run it', () => {
  const failed: Scaling = {
    ...fixture.scaling,
    runs: [...fixture.scaling.runs.slice(0, 2), { scale: 1, error: 'pipeline_reference.py exited with 137' }],
  };
  const md = scalingSection(failed, fixture.date);
  assert.deepEqual(row(md, 'input rows'), ['99,993', '499,940']);
  assert.match(md, /Not measured: 1x \(pipeline_reference\.py exited with 137\)/);
  assert.match(scalingSection(undefined), /Not measured: `npm run bench -- --scales 0\.05,0\.25,1`/);
});

test('results.md: the scaling section sits after the pipeline and says when it is older than the rest', () => {
  const same = formatResults(fixture);
  assert.ok(same.indexOf('## Scaling') > same.indexOf('## Pipeline'));
  assert.doesNotMatch(same, /earlier than the rest of this file/);
  const later = formatResults({ ...fixture, date: '2026-12-05 09:00 UTC' });
  assert.match(later, /on 2026-12-03 01:00 UTC \(earlier than the rest of this file\)/);
});

test('--scales: sorted smallest first, duplicates dropped, anything but positive numbers refused', () => {
  assert.deepEqual(parseScales('1,0.05,0.25,1'), [0.05, 0.25, 1]);
  assert.throws(() => parseScales('0.05,big'), /--scales: 'big' is not a positive number/);
  assert.throws(() => parseScales('0,1'), /'0' is not a positive number/);
  assert.throws(() => parseScales(''), /--scales needs a comma-separated list/);
});

test('targets: the scaling table is met only with both sides measured at 0.05x, 0.25x and 1x', () => {
  const target = (r: BenchResults) => evaluateTargets(r).find((t) => t.target.startsWith('Scaling table'));
  assert.equal(target(fixture)?.ok, true);
  const partial = target({
    ...fixture,
    scaling: { ...fixture.scaling, runs: [...fixture.scaling.runs.slice(0, 2), { scale: 1, error: 'killed' }] },
  });
  assert.equal(partial?.ok, false);
  assert.match(partial?.measured ?? '', /measured at 0\.05x, 0\.25x; missing 1x/);
  assert.equal(target({ ...fixture, scaling: undefined })?.ok, null, 'no --scales run: not measured');
});

test("results.md: the pipeline section shows Phasebook's audit gate on its own row, outside the sum of stages", () => {
  const [, , big] = fixture.scaling.runs;
  const md = formatResults({ ...fixture, pipeline: { phasebook: big.phasebook, reference: big.reference } });
  assert.match(
    md,
    /\| audit — causality gate before cv, 13 recomputed cells \(Phasebook only, not in the sum\) \| 50\.00 \|/,
  );
  assert.match(md, /\| \*\*sum of stages\*\* \| 293\.50 \| 238\.10 \|/);
});
