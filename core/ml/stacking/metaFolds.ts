/**
 * The meta-learner's own walk-forward over the CV folds, purged. For each CV fold after the
 * first (in time order), the meta-learner may train on the OOF rows of the earlier folds only,
 * less:
 * - purged rows: those whose label interval [t_i, t1_i] reaches the scored fold, t1_i >= the
 *   fold's first timestamp (a label still open when the fold starts is decided by the fold's
 *   own prices);
 * - embargoed rows: those in the ceil(pct_embargo * bars) bars right before the fold, with the
 *   CV's pct_embargo. Walk-forward has no training rows after the scored fold, where purged
 *   k-fold spends its embargo, so the embargo becomes a gap before it.
 * Rows whose label end is unknown (+Infinity, the last `horizon` bars of a symbol) are purged
 * from every fold they precede.
 */
import { indexTimes } from '../cv/timeIndex';

export interface MetaFold {
  /** The CV fold scored. */
  fold: number;
  train: Uint32Array;
  test: Uint32Array;
  /** First timestamp (ms) of the scored fold. */
  testStart: number;
  purged: number;
  embargoed: number;
}

export interface MetaFoldOptions {
  /** CV fold of each row. */
  foldOf: ArrayLike<number>;
  /** Timestamp (ms) of each row. */
  times: Float64Array;
  /** Label end (ms) of each row (labelEndTimes). */
  labelEnds: Float64Array;
  /** The CV's embargo, a fraction of the bars. */
  pctEmbargo: number;
}

export function metaWalkForward(o: MetaFoldOptions): { folds: MetaFold[]; embargoBars: number } {
  const n = o.times.length;
  const ix = indexTimes(o.times);
  const embargoBars = Math.ceil(o.pctEmbargo * ix.bars.length);
  const ids = [...new Set(Array.from(o.foldOf))].sort((a, b) => a - b);
  const folds: MetaFold[] = [];
  for (const f of ids.slice(1)) {
    const test: number[] = [];
    let firstBar = Infinity;
    for (let r = 0; r < n; r++) {
      if (o.foldOf[r] !== f) continue;
      test.push(r);
      if (ix.barOf[r] < firstBar) firstBar = ix.barOf[r];
    }
    const testStart = ix.bars[firstBar];
    const train: number[] = [];
    let purged = 0;
    let embargoed = 0;
    for (let r = 0; r < n; r++) {
      if (!(o.foldOf[r] < f)) continue;
      if (o.labelEnds[r] >= testStart) purged++;
      else if (ix.barOf[r] >= firstBar - embargoBars) embargoed++;
      else train.push(r);
    }
    folds.push({ fold: f, train: Uint32Array.from(train), test: Uint32Array.from(test), testStart, purged, embargoed });
  }
  return { folds, embargoBars };
}

/** Time blocks as folds for a stacking dataset without a `fold` column: k blocks of bars. */
export function timeBlockFolds(times: Float64Array, k: number): Int32Array {
  const ix = indexTimes(times);
  const out = new Int32Array(times.length);
  const bars = ix.bars.length;
  for (let i = 0; i < times.length; i++) out[i] = Math.min(k - 1, Math.floor((ix.barOf[i] * k) / bars));
  return out;
}
