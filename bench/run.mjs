// `npm run bench`: Phasebook against the pandas / scikit-learn / xgboost workflow on the same data
// and machine, plus the micro-benchmarks, written to bench/results.md (see docs/design.md §11.6).
//
//   npm run bench                      full sizes: 2M rows x 20 symbols, GBDT 800k rows, ...
//   npm run bench -- --quick           scaled down (CI-friendly, a few minutes) -> bench/out/results-quick.md
//   npm run bench -- --scale 0.25      pipeline data at 25% (500k rows)
//   npm run bench -- --scales 0.05,0.25,1   the pipeline at each size (100k, 500k, 2M rows), smallest first, both
//                                      sides: the scaling table of results.md; the largest size is the pipeline
//                                      section and the cache step's data. The plain full run measures 1x only
//                                      (the scales add about a third to it) and keeps the last scaling table
//                                      from bench/out/results.json; the lead's full run passes --scales
//   npm run bench -- --only pipeline,kernel   some steps (pipeline,gbdt,kernel,cache,runindex,explorer,chart,
//                                      editor-latency: last cell finished -> notebook idle, through the kernel
//                                      protocol)
//   npm run bench -- --only fleet      scenarios.pipeline serial vs local pool vs 1/2/4 fleet workers + queue overhead
//                                      (needs redis-server): its own section of results.md, the rest kept
//   npm run bench -- --profile         also profile Phasebook's pipeline (node --cpu-prof) and list hot functions
//   npm run bench -- --raise-stack     run Phasebook's pipeline with a raised stack limit (ulimit -s unlimited,
//                                      --stack-size): a workaround for code that spreads a whole column into
//                                      a call (Math.max(...y)); results.md says so
//   --only with an earlier full run: the other steps' results are kept from bench/out/results.json
//   npm run bench -- --out FILE        write somewhere else than bench/results.md
//   node bench/run.mjs --render        rewrite results.md from the last run's bench/out/results.json (no measuring)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBenchEntries } from './lib/bundle.mjs';
import { ensureDemoData } from './lib/data.mjs';
import { referenceConfig } from './lib/notebook.mjs';
import { summarizeProfiles } from './lib/profile.mjs';
import { formatResults } from './lib/results.mjs';
import { fleetRows, fleetSection, spliceFleet } from './lib/fleet.mjs';
import { methodNotes } from './lib/notes.mjs';
import { parseScales } from './lib/scaling.mjs';
import { lastJson, runCommand } from './lib/spawn.mjs';

const parseScalesOr = (text) => {
  try {
    return parseScales(text);
  } catch (e) {
    return usage(e.message);
  }
};

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const has = (f) => argv.includes(`--${f}`);
const arg = (f, d) => (argv.indexOf(`--${f}`) >= 0 ? argv[argv.indexOf(`--${f}`) + 1] : d);
const quick = has('quick');
const STEPS = ['pipeline', 'gbdt', 'kernel', 'cache', 'runindex', 'explorer', 'chart', 'editor-latency'];
const only = arg('only', STEPS.join(',')).split(',');
/** A mistake in the command line: its message, no stack. */
function usage(message) {
  console.error(`bench/run.mjs: ${message}`);
  process.exit(2);
}
if (has('scales') && has('scale')) usage('give --scale or --scales, not both');
const scales = has('scales') ? parseScalesOr(arg('scales')) : undefined;
const scale = scales ? scales[scales.length - 1] : Number(arg('scale', quick ? 0.02 : 1));
const barsAt = (s) => Math.max(200, Math.round(100_000 * s));
const sizes = {
  symbols: 20,
  bars: barsAt(scale),
  gbdtRows: quick ? 100_000 : 800_000,
  kernelIterations: quick ? 100 : 200,
  runs: 10_000,
  explorerRuns: quick ? 10 : 20,
  chartPoints: 1_000_000,
};
const python = process.env.PYTHON ?? '/usr/bin/python3';
const out = join(here, 'out');
const notebook = join(here, 'pipeline.pipeline');
// A quick run never overwrites the full run's results.
const resultsPath = arg('out', quick ? join(here, 'out', 'results-quick.md') : join(here, 'results.md'));
const rawPath = join(here, 'out', quick ? 'results-quick.json' : 'results.json');
const node = process.execPath;
const load1 = () => loadavg()[0].toFixed(1);
// xgboost and numpy use OpenMP: its default busy-wait spinning makes 2 threads several times
// slower than 1 on a loaded machine (measured here); passive waiting gives the reference its fair speed.
const refEnv = {
  ...process.env,
  OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE',
  PYTHONDONTWRITEBYTECODE: '1',
};

const run = (cmd, args, opts) => runCommand(root, cmd, args, opts);

async function step(name, body) {
  if (!only.includes(name)) return undefined;
  console.log(`\n== ${name} (load ${load1()})`);
  try {
    return await body();
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    return { error: e.message };
  }
}

const ensureData = (bars = sizes.bars) => ensureDemoData({ root, out, node, symbols: sizes.symbols, bars });

const sameFolds = (a = [], b = []) =>
  a.length > 0 && a.length === b.length && a.every((f, i) => f.train === b[i].train && f.test === b[i].test);

async function pipeline(csv) {
  const pbJson = join(out, 'phasebook_result.json');
  const folds = join(out, 'folds.csv');
  const profDir = join(out, 'profile');
  rmSync(profDir, { recursive: true, force: true });
  rmSync(pbJson, { force: true });
  const flags = [
    ...(has('profile') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    ...(has('raise-stack') ? ['--stack-size=65500'] : []),
  ];
  const pbArgs = [...flags, join(root, 'dist', 'bench-pipeline.js'), notebook, pbJson, folds];
  // The shell's exec replaces itself with node: the measured process is node from its start.
  const pbRun = has('raise-stack')
    ? await run('/bin/sh', ['-c', 'ulimit -s unlimited && exec "$0" "$@"', node, ...pbArgs])
    : await run(node, pbArgs);
  const phasebook = {
    ...JSON.parse(readFileSync(pbJson, 'utf8')),
    processWallMs: pbRun.wallMs,
    ...(has('raise-stack') ? { launch: '`ulimit -s unlimited` and `node --stack-size=65500` (--raise-stack)' } : {}),
  };
  const cfgPath = join(out, 'reference_config.json');
  const refJson = join(out, 'reference_result.json');
  writeFileSync(
    cfgPath,
    JSON.stringify(
      {
        ...referenceConfig(readFileSync(notebook, 'utf8')),
        csv,
        folds,
        out: join(out, 'reference'),
        result: refJson,
        threads: cpus().length,
      },
      null,
      2,
    ),
  );
  const refRun = await run(python, [join(here, 'reference', 'pipeline_reference.py'), cfgPath], { env: refEnv });
  const reference = { ...JSON.parse(readFileSync(refJson, 'utf8')), processWallMs: refRun.wallMs };
  const profiles =
    has('profile') && existsSync(profDir)
      ? [
          {
            title: "Phasebook's pipeline run",
            note:
              `${summarizeProfiles(profDir).files} thread profiles, profiled in the measured run (sampling ` +
              `adds a few percent)`,
            ...summarizeProfiles(profDir),
          },
        ]
      : [];
  if (phasebook.evaluation !== reference.evaluation) {
    console.warn(
      `warning: Phasebook scores the meta-learner by "${phasebook.evaluation}" but the reference by ` +
        `"${reference.evaluation}": update bench/reference/pipeline_reference.py`,
    );
  }
  return {
    phasebook,
    reference,
    foldsMatch: sameFolds(phasebook.foldRows, reference.foldRows),
    sameEvaluation: phasebook.evaluation === reference.evaluation,
    profiles,
  };
}

async function gbdt() {
  const r = await run(
    node,
    [join(here, 'gbdt', 'run.mjs'), '--rows', String(sizes.gbdtRows), '--threads', String(cpus().length)],
    { env: refEnv },
  );
  const rows = [lastJson(r.stdout)].flat();
  const best = rows.find((x) => x.threads === cpus().length) ?? rows[rows.length - 1];
  return { ...best, rows: sizes.gbdtRows };
}

/**
 * --scales: the pipeline at each size, smallest first (so the disk cache left behind, which the cache step reads,
 * is the largest size's). Returns the largest size's result (the pipeline section) and the scaling runs.
 */
async function scaledPipelines(started) {
  const runs = [];
  let largest;
  for (const s of scales) {
    const bars = barsAt(s);
    const csv = ensureData(bars);
    const loadAt = load1();
    const measuredAt = new Date().toISOString().slice(0, 16);
    console.log(`\n-- scale ${s} (${sizes.symbols} x ${bars} bars)`);
    const r = await step('pipeline', () => pipeline(csv));
    runs.push(
      r.error
        ? { scale: s, bars, error: r.error }
        : {
            scale: s,
            bars,
            phasebook: r.phasebook,
            reference: r.reference,
            foldsMatch: r.foldsMatch,
            measuredAt,
            load: loadAt,
          },
    );
    largest = r;
  }
  return { largest, scaling: { date: started.toISOString().replace('T', ' ').slice(0, 16) + ' UTC', runs } };
}

function render() {
  const result = JSON.parse(readFileSync(rawPath, 'utf8'));
  const analysisPath = join(here, 'analysis.md');
  const md = formatResults(result, existsSync(analysisPath) && !result.quick ? readFileSync(analysisPath, 'utf8') : '');
  // The fleet section (--only fleet) is measured on its own: keep the one already in results.md.
  const before = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
  const kept = before.includes('<!-- fleet -->')
    ? before.slice(before.indexOf('<!-- fleet -->'), before.indexOf('<!-- /fleet -->') + '<!-- /fleet -->'.length)
    : '';
  writeFileSync(resultsPath, kept ? spliceFleet(md, kept) : md);
  console.log(`wrote ${relative(root, resultsPath)} from ${relative(root, rawPath)}`);
}

/** The fleet step writes only its own section of results.md (it needs none of the others' data). */
async function fleet() {
  const loadStart = load1();
  const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  console.log(`\n== fleet (load ${loadStart})`);
  const r = lastJson(
    (
      await run(
        node,
        ['--import', 'tsx', join(here, 'fleet', 'run.ts'), ...(arg('workers') ? ['--workers', arg('workers')] : [])],
        { echo: false },
      )
    ).stdout,
  );
  for (const x of fleetRows(r))
    console.log(
      `${x.label.padEnd(20)} ${(x.wallMs / 1000).toFixed(1).padStart(7)} s   ${x.vsSerial.toFixed(2)}x ` +
        `serial   same bytes: ${x.sameBytes ? 'yes' : 'NO'}   (load ${x.load})`,
    );
  console.log(
    `per-job queue overhead: ${r.overhead.perJobMs.toFixed(1)} ms (empty ts cell, median of ` +
      `${r.overhead.runs}: ${r.overhead.fleetMedianMs.toFixed(1)} ms fleet vs ` +
      `${r.overhead.serialMedianMs.toFixed(1)} ms serial)`,
  );
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const md = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(
    resultsPath,
    spliceFleet(md, fleetSection(r, { date, cpus: cpus().length, loadStart, loadEnd: load1(), uptime })),
  );
  writeFileSync(join(out, 'fleet.json'), JSON.stringify({ date, ...r }, null, 2));
  console.log(`wrote the fleet section of ${relative(root, resultsPath)}`);
}

async function main() {
  if (has('render')) return render();
  if (only.length === 1 && only[0] === 'fleet') {
    mkdirSync(out, { recursive: true });
    return fleet();
  }
  const started = new Date();
  const loadStart = load1();
  mkdirSync(out, { recursive: true });
  await bundleBenchEntries(root);
  const csv = only.some((s) => s === 'pipeline' || s === 'cache') ? ensureData() : undefined;
  const data = { symbols: sizes.symbols, bars: sizes.bars, rows: undefined };
  const scaling = scales && only.includes('pipeline') ? await scaledPipelines(started) : undefined;
  const p = scaling ? scaling.largest : await step('pipeline', () => pipeline(csv));
  const before = existsSync(rawPath) ? JSON.parse(readFileSync(rawPath, 'utf8')) : undefined;
  // With --only, the steps not run keep their results from the last run of the same size.
  const earlier = argv.includes('--only') ? before : undefined;
  const micro = { ...(earlier?.micro ?? {}) };
  const measure = async (key, name, body) => {
    const r = await step(name, body);
    if (r !== undefined) micro[key] = { ...r, measuredAt: new Date().toISOString().slice(0, 16), load: load1() };
  };
  await measure('gbdt', 'gbdt', gbdt);
  await measure('kernel', 'kernel', async () =>
    lastJson(
      (await run(node, [join(root, 'dist', 'bench-kernel.js'), '--iterations', String(sizes.kernelIterations)])).stdout,
    ),
  );
  await measure('cache', 'cache', async () =>
    lastJson((await run(node, [join(root, 'dist', 'bench-cache.js'), notebook, '--cell', 'labels'])).stdout),
  );
  await measure('runIndex', 'runindex', async () =>
    lastJson(
      (await run(node, [join(root, 'dist', 'bench-runindex.js'), '--runs', String(sizes.runs), '--dir', out])).stdout,
    ),
  );
  await measure('explorer', 'explorer', async () =>
    lastJson(
      (await run(node, [join(root, 'dist', 'bench-explorer.js'), '--runs', String(sizes.explorerRuns), '--dir', out]))
        .stdout,
    ),
  );
  await measure('editorLatency', 'editor-latency', async () =>
    lastJson(
      (
        await run(node, [
          join(root, 'dist', 'bench-editor-latency.js'),
          '--iterations',
          String(quick ? 2 : 5),
          '--bars',
          String(quick ? 800 : 2000),
        ])
      ).stdout,
    ),
  );
  await measure('chart', 'chart', async () =>
    lastJson((await run(node, [join(root, 'dist', 'bench-chart.js'), '--points', String(sizes.chartPoints)])).stdout),
  );
  const pipe = p === undefined ? earlier?.pipeline : p;
  data.rows = Number(pipe?.phasebook?.stages?.find((s) => s.name === 'prices')?.summary?.rows) || undefined;
  const versions = pipe?.reference?.versions;
  const polars = JSON.parse(readFileSync(join(root, 'node_modules', 'nodejs-polars', 'package.json'), 'utf8')).version;
  const result = {
    date: started.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    quick,
    data,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memGb: (totalmem() / 2 ** 30).toFixed(1),
      freeGbAtEnd: (freemem() / 2 ** 30).toFixed(1),
      loadStart,
      loadEnd: load1(),
      node: process.version,
      polars,
      python: versions
        ? `${versions.python} / ${versions.pandas} / ${versions.numpy} / ${versions['scikit-learn']} / ` +
          `${versions.xgboost}`
        : undefined,
    },
    pipeline:
      p === undefined
        ? earlier?.pipeline
        : p && !p.error
          ? {
              phasebook: p.phasebook,
              reference: p.reference,
              foldsMatch: p.foldsMatch,
              sameEvaluation: p.sameEvaluation,
              measuredAt: started.toISOString().slice(0, 16),
              load: loadStart,
            }
          : p,
    micro,
    profiles: p === undefined ? earlier?.profiles : p?.profiles,
    // Kept from the last --scales invocation when this one has none (its section gives its own date).
    scaling: scaling?.scaling ?? before?.scaling,
    notes: methodNotes(),
  };
  writeFileSync(rawPath, JSON.stringify(result, null, 2));
  render();
}

main().catch((e) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
