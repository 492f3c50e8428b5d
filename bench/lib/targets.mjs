// The issue's targets, judged from a benchmark result object (bench/run.mjs). Pure: tested in
// test/unit/bench/results.test.ts. A target whose measurement is missing is "not measured", never met.

/** Phasebook / reference, or NaN when either side is missing or zero. */
export function ratio(ours, theirs) {
  return Number.isFinite(ours) && Number.isFinite(theirs) && theirs > 0 ? ours / theirs : NaN;
}

const fmtMs = (ms) => (!Number.isFinite(ms) ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtX = (x) => `${x.toFixed(2)}x`;

/**
 * One row per target: { target, measured, ok } with ok true/false, or null when not measured.
 * `r` holds pipeline.{phasebook,reference}.processWallMs, micro.gbdt, micro.kernel, micro.cache,
 * micro.runIndex, micro.explorer, scaling.runs (each may be missing or { error }).
 */
export function evaluateTargets(r) {
  const rows = [];
  const add = (target, value, ok) =>
    rows.push({ target, measured: value ?? 'not measured', ok: value === undefined ? null : ok });
  const pb = r.pipeline?.phasebook;
  const ref = r.pipeline?.reference;
  const e2e = ratio(pb?.processWallMs, ref?.processWallMs);
  if (pb?.failed)
    add(
      'End to end <= 0.5x the reference (wall)',
      `Phasebook failed in cell '${pb.failed.cell}': ${pb.failed.message}`,
      false,
    );
  else
    add(
      'End to end <= 0.5x the reference (wall)',
      Number.isFinite(e2e) ? `${fmtX(e2e)} (${fmtMs(pb.processWallMs)} vs ${fmtMs(ref.processWallMs)})` : undefined,
      e2e <= 0.5,
    );
  const g = r.micro?.gbdt;
  if (g && !g.error && Number.isFinite(g.ratio)) {
    const aucDiff = g.oursAuc - g.xgbAuc;
    add(
      `GBDT <= 1.5x xgboost at AUC within 0.005 (${g.threads} threads)`,
      `${fmtX(g.ratio)} (${g.oursSeconds.toFixed(2)} s vs ${g.xgbSeconds.toFixed(2)} s), AUC ` +
        `${g.oursAuc.toFixed(4)} vs ${g.xgbAuc.toFixed(4)}`,
      g.ratio <= 1.5 && Math.abs(aucDiff) <= 0.005,
    );
  } else add('GBDT <= 1.5x xgboost at AUC within 0.005', undefined, false);
  const k = r.micro?.kernel;
  add(
    'Kernel no-op cell round trip p50 <= 15 ms',
    k && !k.error ? `p50 ${fmtMs(k.p50Ms)}, p95 ${fmtMs(k.p95Ms)}` : undefined,
    k?.p50Ms <= 15,
  );
  const c = r.micro?.cache;
  const ok = c && !c.error;
  add(
    'Cache hit <= 50 ms (memory hit, same session)',
    ok ? `p50 ${fmtMs(c.memoryHitP50Ms)} (${(c.rows ?? c.upstreamRows)?.toLocaleString('en-US')} rows)` : undefined,
    c?.memoryHitP50Ms <= 50,
  );
  add(
    'Cache hit <= 50 ms (disk hit, fresh session)',
    ok
      ? `${fmtMs(c.diskHitMs)} to cells done (incl. ${fmtMs(c.firstKeysMs)} first hash of the source)` +
          (Number.isFinite(c.recordMs) ? `; recording after it ${fmtMs(c.recordMs)}` : '')
      : undefined,
    c?.diskHitMs <= 50,
  );
  const ix = r.micro?.runIndex;
  add(
    `${(ix?.runs ?? 10000).toLocaleString('en-US')} runs indexed <= 1.5 s`,
    ix && !ix.error ? `first scan ${fmtMs(ix.firstScanMs)}, warm p50 ${fmtMs(ix.scanP50Ms)}` : undefined,
    ix?.firstScanMs <= 1500,
  );
  const ex = r.micro?.explorer;
  add(
    'New run in the explorer tree <= 1 s',
    ex && !ex.error ? `p50 ${fmtMs(ex.p50Ms)}, p95 ${fmtMs(ex.p95Ms)}` : undefined,
    ex?.p95Ms <= 1000,
  );
  const sized = (r.scaling?.runs ?? []).filter((x) => x.phasebook && x.reference && !x.phasebook.failed);
  const missing = SCALING_SIZES.filter((s) => !sized.some((x) => x.scale === s));
  add(
    `Scaling table at ${SCALING_SIZES.map((s) => `${s}x`).join(', ')} (both sides)`,
    r.scaling?.runs?.length
      ? missing.length
        ? `measured at ${sized.map((x) => `${x.scale}x`).join(', ') || 'no size'}; missing ${missing.join(', ')}x`
        : `all ${SCALING_SIZES.length} sizes (${r.scaling.date ?? 'undated'})`
      : undefined,
    missing.length === 0,
  );
  return rows;
}

/** The sizes of the scaling table issue 14 asks for (100k, 500k and 2M rows). */
const SCALING_SIZES = [0.05, 0.25, 1];

export { fmtMs, fmtX };
