/**
 * Purged k-fold with embargo (de Prado, Advances in Financial ML, ch. 7), cut on time.
 *
 * Definitions (also in docs/design.md §6.1):
 * - Bars are the distinct timestamps. Folds are contiguous blocks of bars, balanced by row count
 *   (boundary k is the bar holding the row at time-sorted position round(k * rows / n_splits)).
 * - The test labels span [testStart, maxTestLabelEnd]: from the first test timestamp to the
 *   latest label end of any test row.
 * - Purge: a non-test row i is removed from training when its label interval [t_i, t1_i]
 *   intersects that span (closed intervals): kept only if t1_i < testStart or t_i > maxTestLabelEnd.
 * - Embargo: the ceil(pct_embargo * bars) bars right after the last test bar are removed from
 *   training too (counted from the end of the test block).
 */
import { UserError } from '../../errors';
import type { SplitFold } from './types';
import { checkLabelEnds, indexTimes, rowsOfBars, type TimeIndex } from './timeIndex';

export interface PurgedKFoldOptions {
  nSplits: number;
  /** Fraction of bars after each test block removed from training, in [0, 1). */
  pctEmbargo: number;
}

/** Validates n_splits against the data; the message says how many timestamps there are. */
export function checkSplits(nSplits: number, bars: number, min = 2): void {
  if (!Number.isInteger(nSplits) || nSplits < min) {
    throw new UserError(`n_splits must be a whole number >= ${min}, got ${nSplits}`, { key: 'n_splits' });
  }
  if (nSplits > bars) {
    throw new UserError(`n_splits is ${nSplits} but the data has only ${bars} distinct timestamps`, {
      key: 'n_splits',
    });
  }
}

/** Fold boundaries in bars: fold k tests bars [b[k], b[k+1]). */
export function balancedBoundaries(ix: TimeIndex, nSplits: number): Uint32Array {
  const nBars = ix.bars.length;
  const b = new Uint32Array(nSplits + 1);
  b[nSplits] = nBars;
  for (let k = 1; k < nSplits; k++) {
    const pos = Math.round((k * ix.rows) / nSplits);
    b[k] = pos >= ix.rows ? nBars : ix.barOf[ix.order[pos]];
  }
  for (let k = 0; k < nSplits; k++) {
    if (b[k + 1] <= b[k]) {
      throw new UserError(
        `n_splits is ${nSplits} but the rows cannot be cut into ${nSplits} non-empty time blocks (${nBars} ` +
          `distinct timestamps, many rows share one)`,
        { key: 'n_splits' },
      );
    }
  }
  return b;
}

export function purgedKFold(times: Float64Array, labelEnds: Float64Array, opts: PurgedKFoldOptions): SplitFold[] {
  const { nSplits, pctEmbargo } = opts;
  if (!(pctEmbargo >= 0 && pctEmbargo < 1)) {
    throw new UserError(`pct_embargo must be a fraction in [0, 1), got ${pctEmbargo}`, { key: 'pct_embargo' });
  }
  const ix = indexTimes(times);
  checkLabelEnds(times, labelEnds);
  const nBars = ix.bars.length;
  checkSplits(nSplits, nBars);
  const bounds = balancedBoundaries(ix, nSplits);
  const embargoBars = Math.ceil(pctEmbargo * nBars);

  const folds: SplitFold[] = [];
  const n = ix.rows;
  const trainBuf = new Uint32Array(n);
  for (let k = 0; k < nSplits; k++) {
    const first = bounds[k];
    const last = bounds[k + 1]; // exclusive
    const test = rowsOfBars(ix, first, last);
    const testStart = ix.bars[first];
    let maxEnd = -Infinity;
    for (let j = 0; j < test.length; j++) if (labelEnds[test[j]] > maxEnd) maxEnd = labelEnds[test[j]];
    const embargoEnd = Math.min(nBars, last + embargoBars); // bars [last, embargoEnd) are embargoed

    let nTrain = 0;
    let purged = 0;
    let embargoed = 0;
    for (let i = 0; i < n; i++) {
      const bar = ix.barOf[i];
      if (bar >= first && bar < last) continue;
      if (!(labelEnds[i] < testStart || times[i] > maxEnd)) {
        purged++;
        continue;
      }
      if (bar >= last && bar < embargoEnd) {
        embargoed++;
        continue;
      }
      trainBuf[nTrain++] = i;
    }
    folds.push({
      fold: k,
      train: trainBuf.slice(0, nTrain),
      test,
      testStart,
      testEnd: ix.bars[last - 1],
      purged,
      embargoed,
    });
  }
  return folds;
}
