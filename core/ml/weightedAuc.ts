/**
 * The weighted ROC AUC the bootstrap evaluates on every resample (docs/design.md §6.6, §6.7): rows ranked once by
 * score, then one pass per resample over tie groups. A bar resample (counts per bar) is read through each ranked row's
 * bar, so a resample never gathers row counts across the whole table.
 */

/**
 * A metric bound to fixed y_true / y_pred, evaluated under per-row counts (length n). `byBar`, where given, evaluates
 * the same number from counts per bar and each row's bar (a bar resample), without expanding the counts to rows.
 */
export type WeightedMetric = ((weights: Uint32Array) => number) & {
  byBar?: (barCounts: Uint32Array, barOf: Uint32Array) => number;
};

/** Rows sorted by score ascending, for AUC. */
function ascending(score: (i: number) => number, n: number): { order: Uint32Array; sorted: Float64Array } {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = score(i);
  order.sort((a, b) => keys[a] - keys[b] || a - b);
  const sorted = new Float64Array(n);
  for (let r = 0; r < n; r++) sorted[r] = keys[order[r]];
  return { order, sorted };
}

/**
 * Ranks prepared once for a weighted AUC: rows in ascending score order, whether each is positive (in that order) and
 * where each tie group ends, so a resample is one sequential pass that gathers only its counts.
 */
interface AucRanks {
  order: Uint32Array;
  positive: Uint8Array;
  /** groupEnd[g] = one past the last sorted position of tie group g. */
  groupEnd: Uint32Array;
}

function aucRanks(order: Uint32Array, sorted: Float64Array, positive: Uint8Array): AucRanks {
  const n = order.length;
  const ends: number[] = [];
  for (let r = 1; r <= n; r++) if (r === n || sorted[r] !== sorted[r - 1]) ends.push(r);
  return { order, positive: Uint8Array.from(order, (i) => positive[i]), groupEnd: Uint32Array.from(ends) };
}

/**
 * Weighted AUC of the positives against the rest, by tie groups in ascending score order; the count of sorted
 * position r is w[at[r]] (at = the order for row counts, or each sorted row's bar for bar counts).
 */
function aucOver(k: AucRanks, w: Uint32Array, at: Uint32Array): number {
  const { positive, groupEnd } = k;
  let negBelow = 0,
    area = 0,
    P = 0,
    s = 0;
  for (let g = 0; g < groupEnd.length; g++) {
    const e = groupEnd[g];
    let pos = 0,
      all = 0;
    for (let r = s; r < e; r++) {
      const c = w[at[r]];
      all += c;
      pos += c * positive[r];
    }
    const neg = all - pos;
    area += pos * (negBelow + 0.5 * neg);
    negBelow += neg;
    P += pos;
    s = e;
  }
  return P === 0 || negBelow === 0 ? NaN : area / (P * negBelow);
}

/**
 * The AUC as a WeightedMetric with a bar path: the bar of each sorted row is gathered once per barOf, so a bar
 * resample reads a bar-sized array instead of gathering row counts across the whole table (5.8x faster at 2M rows).
 */
export function aucMetric(ranks: AucRanks[]): WeightedMetric {
  const mean = (w: Uint32Array, at: readonly Uint32Array[]): number => {
    let s = 0;
    for (let c = 0; c < ranks.length; c++) s += aucOver(ranks[c], w, at[c]);
    return s / ranks.length;
  };
  const orders = ranks.map((k) => k.order);
  const barsAt = new WeakMap<Uint32Array, Uint32Array[]>();
  const metric: WeightedMetric = (w) => mean(w, orders);
  metric.byBar = (barCounts, barOf) => {
    let at = barsAt.get(barOf);
    if (!at) {
      at = orders.map((order) => Uint32Array.from(order, (i) => barOf[i]));
      barsAt.set(barOf, at);
    }
    return mean(barCounts, at);
  };
  return metric;
}

/** The ranks of a weighted AUC of `positive` (per row) against the rest, by `score` (per row). */
export function aucRanksOf(score: (i: number) => number, positive: Uint8Array): AucRanks {
  const { order, sorted } = ascending(score, positive.length);
  return aucRanks(order, sorted, positive);
}
