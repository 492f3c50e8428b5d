import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildComparison, comparisonCsv, comparisonMarkdown } from '../../../core/reports/compare';
import { writeAll, writeWithRetry, atomicWriter, type FileWriter } from '../../../core/reports/write';
import { fillTemplate } from '../../../core/reports/templates';
import { renderChartSvg } from '../../../core/reports/svg';
import { branchFigures } from '../../../core/reports/figures';
import { createLogger, silentLogger, type LogRecord } from '../../../core/log';

const m = (v: number, lo: number, hi: number) => ({
  rmse: v,
  rmse_ci_low: lo,
  rmse_ci_high: hi,
  r2: 1 - v,
  r2_ci_low: 1 - hi,
  r2_ci_high: 1 - lo,
});

test("branches are ranked in the metric's direction, ties are the overlapping CIs", () => {
  const c = buildComparison([
    { labels: { scenario: 'mean_impute', model: 'ridge' }, metrics: m(0.3, 0.25, 0.35) },
    { labels: { scenario: 'median_impute', model: 'ridge' }, metrics: m(0.2, 0.18, 0.22) },
    { labels: { scenario: 'median_impute', model: 'svr' }, metrics: m(0.21, 0.19, 0.26) },
  ]);
  assert.equal(c.rankBy, 'rmse');
  assert.equal(c.direction, 'min');
  assert.deepEqual(
    c.rows.map((r) => `${r.rank} ${r.labels.scenario}/${r.labels.model} ${r.tiedWithBest}`),
    ['1 median_impute/ridge true', '2 median_impute/svr true', '3 mean_impute/ridge false'],
  );
  const byR2 = buildComparison(
    [
      { labels: { model: 'a' }, metrics: m(0.3, 0.2, 0.4) },
      { labels: { model: 'b' }, metrics: m(0.1, 0.05, 0.15) },
    ],
    { rankBy: 'r2' },
  );
  assert.equal(byR2.direction, 'max');
  assert.equal(byR2.rows[0].labels.model, 'b');
  const csv = comparisonCsv(c).split('\n');
  assert.equal(csv[0], 'scenario,model,rank,rmse,rmse_ci_low,rmse_ci_high,r2,r2_ci_low,r2_ci_high');
  assert.equal(csv[1], 'median_impute,ridge,1,0.2,0.18,0.22,0.8,0.78,0.8200000000000001');
  const md = comparisonMarkdown(c, { bootstrap: '95% bootstrap intervals, 200 resamples, seed 1' });
  assert.match(
    md,
    /Best by \*\*rmse\*\* \(lower is better\): \*\*median_impute \/ ridge\*\*, 0\.2000 \[0\.1800, 0\.2200\]/,
  );
  assert.match(md, /overlaps 1 other branch \(median_impute \/ svr\)/);
  assert.match(md, /\| 2 ≈ \| median_impute \| svr \|/);
  assert.match(md, /## Best per model\n\n- ridge: median_impute — rmse 0\.2000/);
});

test('a failed write is retried once; a second failure marks the artefact missing, never throws', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-write-'));
  const records: LogRecord[] = [];
  const log = createLogger([(r) => records.push(r)], 'debug');
  let calls = 0;
  const flaky: FileWriter = async (p, d) => {
    if (calls++ === 0) throw new Error('EIO: disk hiccup');
    await atomicWriter(p, d);
  };
  const once = await writeWithRetry(join(dir, 'a.md'), 'hello', log, flaky);
  assert.deepEqual({ ok: once.ok, attempts: once.attempts }, { ok: true, attempts: 2 });
  assert.equal(readFileSync(join(dir, 'a.md'), 'utf8'), 'hello');
  const broken: FileWriter = async () => {
    throw new Error('EROFS: read-only file system');
  };
  const r = await writeAll(
    [
      { path: join(dir, 'b.md'), data: 'x', label: 'memo' },
      { path: join(dir, 'c.md'), data: 'y', label: 'report' },
    ],
    log,
    async (p, d) => (p.endsWith('b.md') ? broken(p, d) : atomicWriter(p, d)),
  );
  assert.deepEqual(
    r.written.map((w) => w.label),
    ['report'],
  );
  assert.deepEqual(
    r.missing.map((w) => [w.label, w.error]),
    [['memo', 'EROFS: read-only file system']],
  );
  assert.equal(existsSync(join(dir, 'b.md')), false);
  assert.equal(records.filter((x) => x.level === 'warn' && /b\.md failed \(attempt [12] of 2\)/.test(x.msg)).length, 2);
});

test('templates fill known placeholders and leave unknown ones visible', () => {
  assert.equal(fillTemplate('# {{title}} ({{ seed }}) {{nope}}', { title: 'T', seed: '7' }), '# T (7) {{nope?}}');
});

test('report figures render headless to SVG from the shared evaluation chart specs', async () => {
  const n = 300;
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 10));
  const p = Float64Array.from(y, (v, i) => v * 0.8 + 0.1 * Math.cos(i));
  const figs = branchFigures({ task: 'regression', yTrue: y, yPred: p });
  assert.deepEqual(
    figs.map((f) => f.id),
    ['pred_vs_true', 'hexbin', 'residual_hist', 'residuals_vs_predicted'],
  );
  const hex = await renderChartSvg(figs[1].chart);
  assert.match(hex.svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
  // The binned view draws rectangles, the scatter draws points.
  assert.ok((hex.svg.match(/<path[^>]*d="M[^"]*h[^"]*v/g) ?? []).length > 10);
  const scatter = await renderChartSvg(figs[0].chart);
  assert.ok(scatter.svg.includes('Predicted vs true'));
  const again = await renderChartSvg(figs[0].chart);
  assert.equal(again.svg, scatter.svg, 'rendering is deterministic');
  void silentLogger;
});
