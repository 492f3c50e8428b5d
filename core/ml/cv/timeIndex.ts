/**
 * Groups rows by timestamp: all symbols' rows at the same instant form one "bar". Splitters cut
 * on bars, never inside one, so a timestamp never sits on both sides of a fold boundary.
 */
import { UserError } from '../../errors';

export interface TimeIndex {
  rows: number;
  /** Row indices ordered by (time, row). */
  order: Uint32Array;
  /** Distinct timestamps, ascending. */
  bars: Float64Array;
  /** Bar number of each row. */
  barOf: Uint32Array;
  /** order[barStart[b] .. barStart[b + 1]) are the rows of bar b; length bars + 1. */
  barStart: Uint32Array;
}

/** Index rows by time. A timestamp that is not a finite number is a user error naming the row. */
export function indexTimes(times: Float64Array): TimeIndex {
  const n = times.length;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (!Number.isFinite(t)) {
      throw new UserError(`timestamp is missing or not a number (${t}); cross-validation needs a time for every row`, {
        row: i + 1,
        dataColumn: 'timestamp',
      });
    }
    if (i > 0 && t < times[i - 1]) sorted = false;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!sorted) order.sort((a, b) => times[a] - times[b] || a - b);

  const barOf = new Uint32Array(n);
  const starts: number[] = [];
  const bars: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = order[k];
    if (k === 0 || times[r] !== times[order[k - 1]]) {
      starts.push(k);
      bars.push(times[r]);
    }
    barOf[r] = bars.length - 1;
  }
  starts.push(n);
  return { rows: n, order, bars: Float64Array.from(bars), barOf, barStart: Uint32Array.from(starts) };
}

/** Rows of bars [from, to), ascending by row index. */
export function rowsOfBars(ix: TimeIndex, from: number, to: number): Uint32Array {
  const out = ix.order.slice(ix.barStart[from], ix.barStart[to]);
  return out.sort();
}

/** Checks a label-end array against the times: same length, finite or +Infinity, never before its row's time. */
export function checkLabelEnds(times: Float64Array, labelEnds: Float64Array): void {
  if (labelEnds.length !== times.length) {
    throw new Error(`labelEnds has ${labelEnds.length} rows but times has ${times.length}`);
  }
  for (let i = 0; i < times.length; i++) {
    const e = labelEnds[i];
    if (Number.isNaN(e) || e < times[i]) {
      throw new UserError(
        `label end time ${e} is before the row's own time ${times[i]}; a label interval is [t, t + horizon]`,
        {
          row: i + 1,
          dataColumn: 'timestamp',
        },
      );
    }
  }
}
