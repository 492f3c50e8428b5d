// Issue 14's targets, judged from a benchmark result object (bench/run.mjs). Pure: tested in
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
  const compared = pb && ref && !pb.failed;
  if (pb?.failed)
    add(
      'End to end <= 1.0x the reference (wall)',
      `Phasebook failed in cell '${pb.failed.cell}': ${pb.failed.message}`,
      false,
    );
  else
    add(
      'End to end <= 1.0x the reference (wall)',
      Number.isFinite(e2e) ? `${fmtX(e2e)} (${fmtMs(pb.processWallMs)} vs ${fmtMs(ref.processWallMs)})` : undefined,
      e2e <= 1.0,
    );
  const aucGap = compared ? pb.metaAuc?.value - ref.metaAuc?.value : NaN;
  add(
    'Stacked ROC AUC within 0.002 of the reference',
    Number.isFinite(aucGap)
      ? `${pb.metaAuc.value.toFixed(4)} vs ${ref.metaAuc.value.toFixed(4)} (${aucGap >= 0 ? '+' : ''}${aucGap.toFixed(4)})`
      : undefined,
    Math.abs(aucGap) <= 0.002,
  );
  const rss = compared ? ratio(pb.peakRssMb, ref.peakRssMb) : NaN;
  add(
    "Peak RSS <= the reference's",
    Number.isFinite(rss) ? `${pb.peakRssMb.toFixed(0)} MB vs ${ref.peakRssMb.toFixed(0)} MB (${fmtX(rss)})` : undefined,
    rss <= 1.0,
  );
  const logit = compared ? ratio(pb.modelSeconds?.logistic, ref.modelSeconds?.logistic) : NaN;
  const logitGap = compared ? baseAuc(pb.baseMetrics?.logistic) - baseAuc(ref.baseMetrics?.logistic) : NaN;
  add(
    'Logistic in CV <= 1.0x scikit-learn, pooled AUC within 1e-4',
    Number.isFinite(logit)
      ? `${fmtX(logit)} (${pb.modelSeconds.logistic.toFixed(2)} s vs ${ref.modelSeconds.logistic.toFixed(2)} s), ` +
          `AUC gap ${Number.isFinite(logitGap) ? logitGap.toExponential(1) : '–'}`
      : undefined,
    logit <= 1.0 && Math.abs(logitGap) <= 1e-4,
  );
  const g = r.micro?.gbdt;
  if (g && !g.error && Number.isFinite(g.ratio)) {
    const aucDiff = g.oursAuc - g.xgbAuc;
    const cpu = Number.isFinite(g.cpuRatio) ? `, CPU ${fmtX(g.cpuRatio)}` : '';
    add(
      `GBDT <= 1.0x xgboost wall and CPU, AUC within 0.003 (${g.threads} threads)`,
      `${fmtX(g.ratio)} (${g.oursSeconds.toFixed(2)} s vs ${g.xgbSeconds.toFixed(2)} s)${cpu}, AUC ` +
        `${g.oursAuc.toFixed(4)} vs ${g.xgbAuc.toFixed(4)}`,
      g.ratio <= 1.0 && (!Number.isFinite(g.cpuRatio) || g.cpuRatio <= 1.0) && Math.abs(aucDiff) <= 0.003,
    );
  } else add('GBDT <= 1.0x xgboost wall and CPU, AUC within 0.003', undefined, false);
  const inCv = compared ? ratio(pb.modelSeconds?.gbdt, ref.modelSeconds?.gbdt) : NaN;
  const micro = g && !g.error ? g.ratio : NaN;
  add(
    "GBDT inside CV at the micro-benchmark's ratio (within 10%)",
    Number.isFinite(inCv) && Number.isFinite(micro) ? `${fmtX(inCv)} in CV vs ${fmtX(micro)} alone` : undefined,
    inCv <= micro * 1.1,
  );
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

/**
 * A base model's pooled ROC AUC: Phasebook's stack writes it with its interval ({pooled: {roc_auc: {value}}}), the
 * reference the bare number.
 */
export const baseAuc = (b) => b?.pooled?.roc_auc?.value ?? b?.roc_auc;

/** The sizes of the scaling table issue 14 asks for (100k, 500k and 2M rows). */
const SCALING_SIZES = [0.05, 0.25, 1];

export { fmtMs, fmtX };
