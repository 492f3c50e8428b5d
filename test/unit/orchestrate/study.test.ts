import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../core/phases/register';
import { PipelineSession, type ExecutionReport, type SessionOptions } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
import { LocalPoolExecutor } from '../../../core/orchestrate/pool';
import { main } from '../../../core/cli/main';
import type { CliIO } from '../../../core/cli/io';
import { STUDY, studyDir } from './study';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = sha(join(d, e.name));
    }
  };
  walk(dir, '');
  return out;
}

/** Checkpoint facts that must not depend on where or when a job ran. */
function checkpointFacts(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(join(dir, 'artifacts'))
    .filter((x) => x.endsWith('.meta.json'))
    .sort()) {
    const m = JSON.parse(readFileSync(join(dir, 'artifacts', f), 'utf8'));
    out[m.job] = { key: m.key, inputs: m.inputs, output: m.output };
  }
  return out;
}

function predictionHashes(dir: string): string[] {
  return readdirSync(join(dir, 'runs'))
    .filter((r) => !r.startsWith('pipeline'))
    .map((r) => sha(join(dir, 'runs', r, 'predictions.parquet')))
    .sort();
}

async function run(_dir: string, notebook: string, opts: Partial<SessionOptions> = {}): Promise<ExecutionReport> {
  const s = new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger, ...opts });
  return s.run();
}

function cli(cwd: string): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (s) => (out += s), err: (s) => (err += s), tty: false, cwd, env: {} },
    out: () => out,
    err: () => err,
  };
}

const A = studyDir(STUDY);
const B = studyDir(STUDY);

test('a fanned-out study gives byte-identical artifacts serially and on the worker pool', async () => {
  const serial = await run(A.dir, A.notebook, { jobs: 1 });
  assert.equal(
    serial.exitCode,
    0,
    JSON.stringify(serial.outcomes.filter((o) => o.error).map((o) => [o.cell, o.error?.message])),
  );
  const pooled = await run(B.dir, B.notebook, { executor: new LocalPoolExecutor({ size: 2 }) });
  assert.equal(
    pooled.exitCode,
    0,
    JSON.stringify(pooled.outcomes.filter((o) => o.error).map((o) => [o.cell, o.error?.message])),
  );
  assert.equal(pooled.executor, 'local-pool');
  const reports = files(join(A.dir, 'reports'));
  const names = Object.keys(reports).sort();
  assert.deepEqual(
    names.filter((f) => !f.startsWith('figs/')),
    [
      'model_communication_report.md',
      'model_evaluation_memo.md',
      'reflection.md',
      'scenario_summary.md',
      'scenario_table.csv',
    ],
  );
  // The best branch's four figures, as SVG, and the selection section's PBO logit chart.
  assert.ok(names.includes('figs/selection_pbo_logits.svg'), names.join(', '));
  const figs = names.filter((f) => f.startsWith('figs/') && f !== 'figs/selection_pbo_logits.svg');
  assert.equal(figs.length, 4);
  assert.deepEqual(figs.map((f) => f.replace(/^figs\/[a-z_]+_(ridge|linear)_/, '')).sort(), [
    'hexbin.svg',
    'pred_vs_true.svg',
    'residual_hist.svg',
    'residuals_vs_predicted.svg',
  ]);
  assert.match(readFileSync(join(A.dir, 'reports', figs[0]), 'utf8'), /^<\?xml[\s\S]*<svg[\s\S]*<\/svg>/);
  assert.deepEqual(files(join(B.dir, 'reports')), reports);
  assert.deepEqual(checkpointFacts(B.dir), checkpointFacts(A.dir));
  assert.deepEqual(predictionHashes(B.dir), predictionHashes(A.dir));
  // Per branch and model: the table has one row per scenario x model, with CIs.
  const table = readFileSync(join(A.dir, 'reports', 'scenario_table.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(table.length, 1 + 4);
  assert.match(table[0], /^scenario,model,rank,.*rmse,rmse_ci_low,rmse_ci_high/);
  const md = readFileSync(join(A.dir, 'reports', 'model_communication_report.md'), 'utf8');
  assert.match(md, /!\[.*Predicted vs true.*\]\(figs\/.*_pred_vs_true\.svg\)/);
  assert.doesNotMatch(md, /\{\{/);
});

test('a re-run skips every unchanged job and says since when; the cache hit equals a fresh computation', async () => {
  const before = files(join(A.dir, 'reports'));
  const s = new PipelineSession(readFileSync(A.notebook, 'utf8'), {
    notebookPath: A.notebook,
    log: silentLogger,
    jobs: 1,
  });
  const again = await s.run();
  assert.equal(again.exitCode, 0);
  assert.ok(
    again.outcomes.every((o) => o.status === 'cached'),
    JSON.stringify(again.outcomes.map((o) => o.status)),
  );
  assert.ok(
    again.outcomes.every((o) => /^skipped: unchanged since \d{4}-\d\d-\d\dT/.test(o.note ?? '')),
    again.outcomes.map((o) => o.note).join('\n'),
  );
  assert.deepEqual(files(join(A.dir, 'reports')), before);
  const cached = again.outcomes.find((o) => o.cell === 'features[outlier_treatment]')!.result!.dataset!.frame;
  const fresh = await s.run({ cells: ['features[outlier_treatment]'], force: true });
  const recomputed = fresh.outcomes.find((o) => o.cell === 'features[outlier_treatment]')!;
  assert.equal(recomputed.status, 'ok');
  assert.ok(
    Buffer.from(recomputed.result!.dataset!.frame.writeIPC()).equals(Buffer.from(cached.writeIPC())),
    'cache hit differs from a fresh computation',
  );

  // Metrics of both executions are queryable; the cache statistics count the hits.
  const q = cli(A.dir);
  assert.equal(
    await main(
      [
        'query',
        "SELECT scenario, model, round(value, 6) AS rmse FROM latest_metrics WHERE metric = 'rmse' AND " +
          "origin = 'evaluate' ORDER BY scenario, model",
        '--json',
      ],
      q.io,
    ),
    0,
    q.err(),
  );
  const rows = JSON.parse(q.out()) as { scenario: string; model: string; rmse: number }[];
  assert.deepEqual(
    rows.map((r) => `${r.scenario}/${r.model}`),
    ['mean_impute/linear', 'mean_impute/ridge', 'outlier_treatment/linear', 'outlier_treatment/ridge'],
  );
  const n = cli(A.dir);
  assert.equal(await main(['query', 'SELECT count(*) AS n FROM executions'], n.io), 0);
  // Two executions had metrics (the forced features run had none); the cache saw three.
  assert.match(n.out(), /n\s*\n-+\s*\n2\s*\n\(1 row\)/);
  const bad = cli(A.dir);
  assert.equal(await main(['query', 'SELEKT 1'], bad.io), 1);
  assert.match(
    bad.err(),
    /metrics\.db: SQL error: near "SELEKT": syntax error\n\s+tables: cells, executions, latest_metrics, metrics/,
  );
  const st = cli(A.dir);
  assert.equal(await main(['cache', 'stats'], st.io), 0);
  assert.match(st.out(), /hit rate\s+\d+\.\d% \(\d+ hits, \d+ misses over 3 executions\)/);
});
