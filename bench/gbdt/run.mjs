// GBDT benchmark: our histogram booster (bundled from dist/) against xgboost 1.7 `hist` on the
// same generated data (800k train / 200k test x 20 features), same parameters, 1 and 2 threads,
// measured back to back in one run. Prints wall seconds for each side and their ratio, CPU seconds
// (all threads; less sensitive to a busy machine) and their ratio, and both test AUCs.
// Usage: npm run bench:gbdt [-- --rows 800000 --trees 100 --depth 6 --threads 1,2]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ensureData, FEATURES } from './make-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const train = Number(arg('rows', 800000));
const test = Math.round(train / 4);
const trees = Number(arg('trees', 100));
const depth = Number(arg('depth', 6));
const eta = Number(arg('eta', 0.3));
const threadList = String(arg('threads', '1,2')).split(',').map(Number);
const python = process.env.PYTHON ?? '/usr/bin/python3';

// The bench bundle lives in dist/ next to dist/gbdt-worker.js, as the kernel and CLI bundles do.
// Both are (re)bundled here with the build's settings, so the bench does not depend on the rest
// of the build being green.
const bundle = join(root, 'dist', 'gbdt-bench.js');
await esbuild.build({
  entryPoints: {
    'gbdt-bench': join(root, 'core', 'ml', 'models', 'gbdt.ts'),
    'gbdt-worker': join(root, 'core', 'ml', 'gbdt', 'worker.ts'),
  },
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['nodejs-polars', 'nodejs-polars-*'],
  logLevel: 'warning',
});
const { gbdtFactory } = createRequire(import.meta.url)(bundle);

const data = ensureData(join(tmpdir(), 'phasebook-bench-gbdt'), train, test);
const Xall = new Float64Array(readFileSync(data.xPath).buffer.slice(0));
const yall = new Float64Array(readFileSync(data.yPath).buffer.slice(0));
const rows = data.rows;
const names = Array.from({ length: FEATURES }, (_, j) => `x${j}`);
const slice = (from, to) => ({
  rows: to - from,
  columns: names.map((_, j) => Xall.subarray(j * rows + from, j * rows + to)),
  names,
});
const Xtr = slice(0, train);
const Xte = slice(train, rows);
const ytr = yall.subarray(0, train);
const yte = yall.subarray(train, rows);

function auc(p, y) {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && p[idx[j]] === p[idx[i]]) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (y[idx[k]] === 1) {
        pos++;
        sum += avgRank;
      }
    i = j;
  }
  const neg = y.length - pos;
  return (sum - (pos * (pos + 1)) / 2) / (pos * neg);
}

console.log(`data: ${train} train + ${test} test rows x ${FEATURES} features (${data.xPath})`);
console.log(`params: ${trees} trees, depth ${depth}, eta ${eta}, 255 bins, lambda 1, min_child_weight 1`);
const results = [];
for (const threads of threadList) {
  const out = execFileSync(
    python,
    [join(here, 'xgb_reference.py'), data.xPath, data.yPath, rows, train, FEATURES, threads, trees, depth, eta].map(
      String,
    ),
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const xgb = JSON.parse(out.trim().split('\n').pop());
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = await gbdtFactory.fit(
    Xtr,
    ytr,
    { n_estimators: trees, max_depth: depth, learning_rate: eta, max_bin: 255 },
    { seed: 1, task: 'classification', threads },
  );
  const ours = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const oursCpu = (cpu.user + cpu.system) / 1e6;
  const ourAuc = auc(model.predict(Xte), yte);
  const row = {
    threads,
    xgbSeconds: xgb.train_seconds,
    oursSeconds: ours,
    ratio: ours / xgb.train_seconds,
    xgbCpuSeconds: xgb.cpu_seconds,
    oursCpuSeconds: oursCpu,
    cpuRatio: oursCpu / xgb.cpu_seconds,
    xgbAuc: xgb.auc,
    oursAuc: ourAuc,
  };
  results.push(row);
  console.log(
    `threads ${threads}: xgboost ${xgb.version} ${row.xgbSeconds.toFixed(2)} s, phasebook gbdt ` +
      `${ours.toFixed(2)} s, ratio ${row.ratio.toFixed(2)}x ` +
      `(CPU ${row.xgbCpuSeconds.toFixed(2)} s vs ${oursCpu.toFixed(2)} s, ratio ${row.cpuRatio.toFixed(2)}x); ` +
      `AUC xgboost ${row.xgbAuc.toFixed(4)}, gbdt ${ourAuc.toFixed(4)} (diff ${(ourAuc - row.xgbAuc).toFixed(4)})`,
  );
}
console.log(JSON.stringify(results));
