// bench/results.md from a benchmark result object (bench/run.mjs). Pure: no I/O.
import { scalingSection } from './scaling.mjs';
import { baseAuc, evaluateTargets, fmtMs, fmtX, ratio } from './targets.mjs';

const STAGES = ['prices', 'validate', 'features', 'labels', 'cv', 'stack'];
const STAGE_DOC = {
  prices: 'load: read CSV, UTC timestamps, sort by symbol/time',
  validate: 'ohlcv contract checks + report',
  features: 'return, lags 1..10, rolling mean/std 7/14/28 per symbol (+ feature charts)',
  labels: 'forward return h20 + direction',
  cv: 'purged 5-fold CV of ridge, logistic, gbdt/xgboost; OOF stacking dataset',
  stack: 'logistic meta-learner, walk-forward evaluation, bootstrap CIs',
};

const cell = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v);
const sec = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)}` : '–');
const x = (v) => (Number.isFinite(v) ? fmtX(v) : '–');
const ci = (m) =>
  m && Number.isFinite(m.value) ? `${m.value.toFixed(4)} [${m.low.toFixed(4)}, ${m.high.toFixed(4)}]` : '–';
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

function stageOf(side, name) {
  return side?.stages?.find((s) => s.name === name);
}

function pipelineSection(p) {
  const out = [];
  const pb = p?.phasebook;
  const ref = p?.reference;
  if (!pb || !ref) {
    out.push(`Not measured${p?.error ? `: ${p.error}` : ''}.`);
    return out.join('\n');
  }
  const rows = STAGES.map((n) => {
    const a = stageOf(pb, n);
    const b = stageOf(ref, n);
    return [
      `${n} — ${STAGE_DOC[n]}`,
      sec(a?.wallMs),
      sec(b?.wallMs),
      x(ratio(a?.wallMs, b?.wallMs)),
      sec(a?.cpuMs),
      sec(b?.cpuMs),
      x(ratio(a?.cpuMs, b?.cpuMs)),
    ];
  });
  const sum = (side, k) => STAGES.reduce((s, n) => s + (stageOf(side, n)?.[k] ?? 0), 0);
  rows.push([
    '**sum of stages**',
    sec(sum(pb, 'wallMs')),
    sec(sum(ref, 'wallMs')),
    x(ratio(sum(pb, 'wallMs'), sum(ref, 'wallMs'))),
    sec(sum(pb, 'cpuMs')),
    sec(sum(ref, 'cpuMs')),
    x(ratio(sum(pb, 'cpuMs'), sum(ref, 'cpuMs'))),
  ]);
  if (pb.audit)
    rows.push([
      `audit — causality gate before cv, ${pb.audit.recomputed} recomputed cells (Phasebook only, not in the sum)`,
      sec(pb.audit.wallMs),
      '',
      '',
      '',
      '',
      '',
    ]);
  rows.push([
    '**end to end** (process start to exit)',
    sec(pb.processWallMs),
    sec(ref.processWallMs),
    x(ratio(pb.processWallMs, ref.processWallMs)),
    '',
    '',
    '',
  ]);
  if (pb.failed)
    out.push(
      `**Phasebook's run failed in cell \`${pb.failed.cell}\`: ${pb.failed.message}.** The stages after it ` +
        `are missing and end to end is not comparable.`,
      '',
    );
  if (pb.launch) out.push(`Phasebook's process was started with ${pb.launch}.`, '');
  out.push(
    table(
      ['stage', 'Phasebook wall s', 'reference wall s', 'ratio', 'Phasebook CPU s', 'reference CPU s', 'CPU ratio'],
      rows,
    ),
  );
  out.push('');
  out.push('Cross-validation by model (fit + predict, 5 folds, wall seconds):');
  out.push('');
  const models = Object.keys(pb.modelSeconds ?? {});
  out.push(
    table(
      ['model', 'Phasebook s', 'reference s', 'ratio'],
      models.map((m) => [
        m,
        pb.modelSeconds[m].toFixed(2),
        ref.modelSeconds?.[m]?.toFixed(2),
        x(ratio(pb.modelSeconds[m], ref.modelSeconds?.[m])),
      ]),
    ),
  );
  out.push('');
  out.push(
    `Scores (out of sample; ${pb.rows?.toLocaleString('en-US')} OOF rows; the meta-learner is scored ` +
      `walk-forward on folds 2-5):`,
  );
  out.push('');
  const scoreRows = [['stacking meta-learner ROC AUC [95% CI]', ci(pb.metaAuc), ci(ref.metaAuc)]];
  for (const k of ['log_loss', 'accuracy', 'brier'])
    scoreRows.push([`meta-learner ${k}`, pb.metaMetrics?.[k]?.toFixed(4), ref.metaMetrics?.[k]?.toFixed(4)]);
  for (const m of models)
    scoreRows.push([
      `${m} ROC AUC on the scored rows (pooled)`,
      baseAuc(pb.baseMetrics?.[m])?.toFixed(4),
      baseAuc(ref.baseMetrics?.[m])?.toFixed(4),
    ]);
  out.push(table(['score', 'Phasebook', 'reference'], scoreRows));
  out.push('');
  out.push(
    table(
      ['memory', 'Phasebook', 'reference'],
      [['peak RSS (MB)', pb.peakRssMb?.toFixed(0), ref.peakRssMb?.toFixed(0)]],
    ),
  );
  out.push('');
  out.push(
    `Folds: ${p.foldsMatch ? 'identical on both sides' : '**differ**'} — train/test rows per fold ` +
      `${(pb.foldRows ?? []).map((f) => `${f.train}/${f.test}`).join(', ')} (Phasebook) vs ` +
      `${(ref.foldRows ?? []).map((f) => `${f.train}/${f.test}`).join(', ')} (reference).`,
  );
  if (ref.stackSeconds)
    out.push(
      `Reference stack split: meta-learner ${ref.stackSeconds.meta?.toFixed(2)} s, bootstrap evaluation ` +
        `${ref.stackSeconds.evaluate?.toFixed(2)} s.`,
    );
  if (p.measuredAt) out.push('', `Measured ${p.measuredAt.replace('T', ' ')} UTC, load ${p.load} at the start.`);
  return out.join('\n');
}

const when = (v) => (v?.measuredAt ? `\n\nMeasured ${v.measuredAt.replace('T', ' ')} UTC at load ${v.load}.` : '');

function microSection(m) {
  const out = [];
  const err = (v) => (v?.error ? `not measured: ${v.error}` : undefined);
  const g = m?.gbdt;
  out.push(
    `### GBDT training (bench/gbdt: ${g?.rows ? g.rows.toLocaleString('en-US') : '800,000'} train rows x 20 ` +
      `features, depth 6, 100 trees, eta 0.3, same threads)`,
  );
  out.push(
    err(g) ??
      (g
        ? table(
            ['threads', 'rows', 'Phasebook s', 'xgboost s', 'ratio', 'CPU ratio', 'AUC Phasebook', 'AUC xgboost'],
            [
              [
                g.threads,
                g.rows?.toLocaleString('en-US'),
                g.oursSeconds?.toFixed(2),
                g.xgbSeconds?.toFixed(2),
                x(g.ratio),
                x(g.cpuRatio),
                g.oursAuc?.toFixed(4),
                g.xgbAuc?.toFixed(4),
              ],
            ],
          )
        : 'not run') + when(g),
  );
  const k = m?.kernel;
  out.push('', '### Kernel no-op cell round trip (fork dist/kernel.js, `ts` cell, run with force; request to reply)');
  out.push(
    err(k) ??
      (k
        ? table(
            ['samples', 'p50', 'p95', 'min', 'max', 'to cellsDone p50 / p95', 'cell in kernel p50', 'kernel start'],
            [
              [
                k.samples,
                fmtMs(k.p50Ms),
                fmtMs(k.p95Ms),
                fmtMs(k.minMs),
                fmtMs(k.maxMs),
                Number.isFinite(k.cellsDoneP50Ms) ? `${fmtMs(k.cellsDoneP50Ms)} / ${fmtMs(k.cellsDoneP95Ms)}` : '–',
                fmtMs(k.cellP50Ms),
                fmtMs(k.kernelStartMs),
              ],
            ],
          )
        : 'not run') + when(k),
  );
  const c = m?.cache;
  out.push('', '### Cache hit with a large upstream (time to cells done: what the user waits for)');
  out.push(
    err(c) ??
      (c
        ? [
            'From the request to the cells being done (`cellsDone`: the notebook shows idle there). Recording the ' +
              'execution (cache statistics, then metrics.db through sql.js) follows it, before the reply.',
            '',
            table(
              [
                'cell',
                'rows',
                'memory hit p50',
                'memory hit p95',
                'disk hit (fresh session)',
                'of which first source hash',
                'then recording, to the reply',
              ],
              [
                [
                  c.cell,
                  (c.rows ?? c.upstreamRows)?.toLocaleString('en-US'),
                  fmtMs(c.memoryHitP50Ms),
                  fmtMs(c.memoryHitP95Ms),
                  fmtMs(c.diskHitMs),
                  fmtMs(c.firstKeysMs),
                  fmtMs(c.recordMs),
                ],
              ],
            ),
            '',
            `Disk hit per restored cell: ${(c.diskCells ?? []).map((d) => `${d.cell} ${fmtMs(d.ms)}`).join(', ')}.`,
          ].join('\n')
        : 'not run') + when(c),
  );
  const ix = m?.runIndex;
  out.push('', '### Run index (core/runs/scan.ts scanRuns)');
  out.push(
    err(ix) ??
      (ix
        ? table(
            ['runs', 'first scan', 'warm scan p50', 'warm scan max'],
            [[ix.runs?.toLocaleString('en-US'), fmtMs(ix.firstScanMs), fmtMs(ix.scanP50Ms), fmtMs(ix.scanMaxMs)]],
          )
        : 'not run') + when(ix),
  );
  const ex = m?.explorer;
  out.push('', '### New run -> explorer tree (RunWatcher + RunIndex, as the extension wires them)');
  out.push(
    err(ex) ??
      (ex
        ? table(
            ['samples', 'runs already listed', 'p50', 'p95', 'max', 'watcher debounce'],
            [[ex.samples, ex.existingRuns, fmtMs(ex.p50Ms), fmtMs(ex.p95Ms), fmtMs(ex.maxMs), fmtMs(ex.debounceMs)]],
          )
        : 'not run') + when(ex),
  );
  const el = m?.editorLatency;
  out.push('', '### Last cell finished -> notebook idle (host side, through the kernel protocol; demo notebook)');
  out.push(
    err(el) ??
      (el
        ? table(
            ['run', 'cells', 'idle now (cellsDone)', 'idle before (reply)'],
            [
              ['cold Run All', el.coldCells, fmtMs(el.coldIdleMs), fmtMs(el.coldReplyMs)],
              [
                `warm model cells (p50 / max of ${el.samples})`,
                '',
                `${fmtMs(el.idleP50Ms)} / ${fmtMs(el.idleMaxMs)}`,
                `${fmtMs(el.replyP50Ms)} / ${fmtMs(el.replyMaxMs)}`,
              ],
            ],
          )
        : 'not run') + when(el),
  );
  const ch = m?.chart;
  out.push('', '### Arrow encode + chart render of a long series');
  out.push(
    err(ch) ??
      (ch
        ? table(
            [
              'points',
              'IPC MB',
              'encode',
              'decode',
              'LTTB prepare',
              'vega-lite compile + render',
              'total',
              'drawn points',
            ],
            [
              [
                ch.points?.toLocaleString('en-US'),
                (ch.ipcBytes / 1e6).toFixed(1),
                fmtMs(ch.encodeMs),
                fmtMs(ch.decodeMs),
                fmtMs(ch.prepareMs),
                fmtMs(ch.renderMs),
                fmtMs(ch.totalMs),
                ch.drawnPoints,
              ],
            ],
          )
        : 'not run') + when(ch),
  );
  return out.join('\n');
}

function profileSection(profiles) {
  if (!profiles?.length) return undefined;
  const out = [];
  for (const p of profiles) {
    out.push(`**${p.title}** (${p.note})`, '');
    out.push(
      table(
        ['self time', 'share', 'function', 'where'],
        p.top.map((t) => [fmtMs(t.selfMs), `${(t.share * 100).toFixed(1)}%`, `\`${t.name}\``, t.where]),
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

/**
 * The whole results.md. `r` is what bench/run.mjs collected; `analysis` is hand-written text kept from
 * bench/analysis.md.
 */
export function formatResults(r, analysis = '') {
  const mach = r.machine ?? {};
  const lines = [
    '# Phasebook benchmarks',
    '',
    (
      `Written by \`npm run bench${r.quick ? ' -- --quick' : ''}\` on ${r.date}. ` +
      `${r.quick ? "**Quick run: sizes scaled down, not the issue's sizes.**" : ''}`
    ).trim(),
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${mach.cpus} cores (${mach.cpuModel})`],
        ['memory', `${mach.memGb} GB`],
        [
          'load average (1 min) at start / end',
          `${mach.loadStart} / ${mach.loadEnd} (this invocation; each section below gives the load it was ` +
            `measured at) — the machine is shared, so wall times are noisy; CPU times are steadier`,
        ],
        ['Node / nodejs-polars', `${mach.node} / ${mach.polars}`],
        ['Python / pandas / numpy / scikit-learn / xgboost', mach.python ?? '–'],
        [
          'data',
          `${r.data?.rows?.toLocaleString('en-US') ?? '–'} rows (${r.data?.symbols} symbols x ` +
            `${r.data?.bars?.toLocaleString('en-US')} hourly bars, seed 7, \`phasebook demo-data --clean\`)`,
        ],
      ],
    ),
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', 'met'],
      evaluateTargets(r).map((t) => [t.target, t.measured, t.ok === null ? 'not measured' : t.ok ? 'yes' : '**no**']),
    ),
    '',
    '## Pipeline: Phasebook vs pandas / scikit-learn / xgboost',
    '',
    "Both sides run `bench/pipeline.pipeline`'s work on the same CSV, with the same features, label, test " +
      "folds (exported from Phasebook's CV run; the reference purges and embargoes them itself and the " +
      'train/test row counts are checked equal), models, parameters, seed and threads.',
    '',
    pipelineSection(r.pipeline),
    '',
    scalingSection(r.scaling, r.date),
    '',
    '## Micro-benchmarks',
    '',
    microSection(r.micro),
  ];
  const prof = profileSection(r.profiles);
  if (prof) lines.push('', '## Profiles (node --cpu-prof, top self time)', '', prof);
  if (r.notes?.length) lines.push('', '## Notes on method', '', ...r.notes.map((n) => `- ${n}`));
  if (analysis.trim()) lines.push('', analysis.trim());
  return `${lines.join('\n')}\n`;
}
