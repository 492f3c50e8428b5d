// The scaling table of bench/results.md: the pipeline at several data sizes (`--scales`), both sides.
// Pure: no I/O. Tested in test/unit/bench/scaling.test.ts.
import { fmtX, ratio } from './targets.mjs';

const STAGES = ['prices', 'validate', 'features', 'labels', 'cv', 'stack'];

/**
 * `--scales 0.05,0.25,1` as sorted, distinct positive numbers (smallest first, so the largest run is
 * the last one: its disk cache is the one the cache benchmark reads). Throws on anything else.
 */
export function parseScales(text) {
  const parts = String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new Error('--scales needs a comma-separated list of scales, e.g. --scales 0.05,0.25,1');
  const scales = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--scales: '${p}' is not a positive number`);
    return v;
  });
  return [...new Set(scales)].sort((a, b) => a - b);
}

/** 1,999,879 -> "2.0M", 99,993 -> "100k", 4,000 -> "4k". */
export function fmtRows(n) {
  if (!Number.isFinite(n)) return '?';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

const sec = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const num = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const bytes = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const x = (v) => (Number.isFinite(v) ? fmtX(v) : '–');
const cell = (v) => (v === undefined || v === null || v === '' ? '–' : v);
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

const stageMs = (side, name) =>
  name === 'end to end'
    ? side?.processWallMs
    : name === 'audit'
      ? side?.audit?.wallMs
      : side?.stages?.find((s) => s.name === name)?.wallMs;
const LABEL = {
  audit: 'audit (causality gate before cv; Phasebook only)',
  'end to end': '**end to end** (process start to exit)',
};

/** A run's input rows: what the load cell read (the reference reads the same CSV). */
export function runRows(run) {
  const fromLoad = Number(run?.phasebook?.stages?.find((s) => s.name === 'prices')?.summary?.rows);
  return Number.isFinite(fromLoad) && fromLoad > 0 ? fromLoad : run?.rows;
}

/**
 * How cost grows with rows between the smallest and the largest measured size: k in cost ∝ rows^k
 * (1.00 = linear). NaN with fewer than two usable sizes.
 */
export function growthExponent(points) {
  const ok = points.filter((p) => Number.isFinite(p.rows) && p.rows > 0 && Number.isFinite(p.value) && p.value > 0);
  if (ok.length < 2) return NaN;
  const a = ok[0];
  const b = ok[ok.length - 1];
  return a.rows === b.rows ? NaN : Math.log(b.value / a.value) / Math.log(b.rows / a.rows);
}

/** Bytes of peak RSS per input row. */
const bytesPerRow = (mb, rows) => (Number.isFinite(mb) && rows > 0 ? (mb * 2 ** 20) / rows : NaN);

/** Extra bytes of peak RSS per extra row, from the smallest to the largest size. */
export function marginalBytesPerRow(points) {
  const ok = points.filter((p) => Number.isFinite(p.rows) && Number.isFinite(p.mb));
  if (ok.length < 2) return NaN;
  const a = ok[0];
  const b = ok[ok.length - 1];
  return b.rows > a.rows ? ((b.mb - a.mb) * 2 ** 20) / (b.rows - a.rows) : NaN;
}

/**
 * The "Scaling" section of results.md from `scaling` = { date, runs: [{ scale, bars, phasebook, reference,
 * foldsMatch, measuredAt, load } | { scale, error }] } (bench/run.mjs, `--scales`). `resultDate` is the date of
 * the invocation that wrote the rest of the file: a table kept from an earlier one says so.
 */
export function scalingSection(scaling, resultDate) {
  const runs = (scaling?.runs ?? []).filter((r) => r.phasebook && r.reference);
  const out = ['## Scaling: cost and memory as the data grows', ''];
  if (!runs.length) {
    const errs = (scaling?.runs ?? []).filter((r) => r.error).map((r) => `${r.scale}x: ${r.error}`);
    out.push(`Not measured${errs.length ? ` (${errs.join('; ')})` : ''}: \`npm run bench -- --scales 0.05,0.25,1\`.`);
    return out.join('\n');
  }
  const rows = runs.map(runRows);
  out.push(
    `\`npm run bench -- --scales ${runs.map((r) => r.scale).join(',')}\` ran the same pipeline cold (no cache) at ` +
      `each size, smallest first, both sides, on ${scaling.date ?? 'an unknown date'}` +
      `${resultDate && scaling.date && scaling.date !== resultDate ? ' (earlier than the rest of this file)' : ''}. ` +
      'Wall seconds; ratio = Phasebook / reference (below 1: Phasebook is faster); growth = k in ' +
      'time ∝ rows^k from the smallest to the largest size (1.00 = linear; at a few 10k rows fixed costs such ' +
      'as process start and imports dominate, so it says little there).',
    '',
  );
  const head = ['stage'];
  for (const n of rows.map(fmtRows)) head.push(`${n} Phasebook`, `${n} reference`, `${n} ratio`);
  head.push('growth Phasebook', 'growth reference');
  const audited = runs.some((run) => run.phasebook.audit);
  const stageRows = [...STAGES, ...(audited ? ['audit'] : []), 'end to end'].map((name) => {
    const r = [LABEL[name] ?? name];
    for (const run of runs) {
      const a = stageMs(run.phasebook, name);
      const b = stageMs(run.reference, name);
      r.push(sec(a), sec(b), x(ratio(a, b)));
    }
    const grow = (side) =>
      num(growthExponent(runs.map((run, i) => ({ rows: rows[i], value: stageMs(run[side], name) }))), 2);
    r.push(grow('phasebook'), grow('reference'));
    return r;
  });
  out.push(table(head, stageRows), '');
  const mb = (side) => runs.map((run) => run[side].peakRssMb);
  const perRow = (side) => runs.map((run, i) => bytes(bytesPerRow(run[side].peakRssMb, rows[i])));
  const aucs = (run) => `${num(run.phasebook.metaAuc?.value, 4)} / ${num(run.reference.metaAuc?.value, 4)}`;
  out.push(
    table(
      ['', ...rows.map((n) => `${fmtRows(n)} rows`)],
      [
        ['input rows', ...rows.map((n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '–'))],
        ['Phasebook peak RSS (MB)', ...mb('phasebook').map((v) => num(v))],
        ['reference peak RSS (MB)', ...mb('reference').map((v) => num(v))],
        ['peak RSS ratio', ...runs.map((run) => x(ratio(run.phasebook.peakRssMb, run.reference.peakRssMb)))],
        ['Phasebook bytes per row (peak RSS / rows)', ...perRow('phasebook')],
        ['reference bytes per row (peak RSS / rows)', ...perRow('reference')],
        ['stacked AUC Phasebook / reference', ...runs.map(aucs)],
        ['folds identical', ...runs.map((run) => (run.foldsMatch ? 'yes' : '**no**'))],
        ['load average at the start', ...runs.map((run) => run.load)],
      ],
    ),
    '',
  );
  const marginal = (side) =>
    bytes(marginalBytesPerRow(runs.map((run, i) => ({ rows: rows[i], mb: run[side].peakRssMb }))));
  out.push(
    `Memory per added row (peak RSS growth / row growth, ${fmtRows(rows[0])} to ${fmtRows(rows[rows.length - 1])}): ` +
      `Phasebook ${marginal('phasebook')} bytes, reference ${marginal('reference')} bytes; the rest of peak RSS ` +
      'is the fixed cost of the process (runtime, libraries).',
  );
  const failed = (scaling.runs ?? []).filter((r) => r.error);
  if (failed.length) out.push('', `Not measured: ${failed.map((r) => `${r.scale}x (${r.error})`).join('; ')}.`);
  return out.join('\n');
}
