/**
 * Label intervals. A row's label looks `horizon` bars ahead of its own time within its symbol,
 * so its label interval is [t, t1] with t1 = the time of that symbol's row `horizon` rows later.
 * Rows without such a later row get t1 = +Infinity: their label end is unknown, and treating it
 * as "open" is the conservative choice (they are purged from every training set they could leak into).
 */
import { UserError } from '../../errors';

/**
 * Label end time (ms) per row. `symbols` holds a small integer code per row (e.g. the physical
 * codes of a categorical column); without it all rows belong to one series.
 */
export function labelEndTimes(
  times: Float64Array,
  symbols: Int32Array | Uint32Array | undefined,
  horizon: number,
): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new UserError(`horizon must be a whole number of bars >= 0, got ${horizon}`, { key: 'horizon' });
  }
  const n = times.length;
  if (symbols && symbols.length !== n) throw new Error(`symbols has ${symbols.length} rows but times has ${n}`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sym = (i: number): number => (symbols ? symbols[i] : 0);
  order.sort((a, b) => sym(a) - sym(b) || times[a] - times[b] || a - b);

  const ends = new Float64Array(n);
  let runStart = 0;
  for (let k = 0; k <= n; k++) {
    if (k < n && k > runStart && sym(order[k]) === sym(order[runStart])) {
      const prev = order[k - 1];
      const cur = order[k];
      if (times[cur] === times[prev]) {
        throw new UserError(
          `two rows of the same symbol share timestamp ${new Date(times[cur]).toISOString()} (rows ` +
            `${prev + 1} and ${cur + 1})`,
          {
            row: cur + 1,
            dataColumn: 'timestamp',
          },
        );
      }
      continue;
    }
    if (k === n || k > runStart) {
      // close the run [runStart, k)
      for (let p = runStart; p < k; p++) {
        ends[order[p]] = p + horizon < k ? times[order[p + horizon]] : Infinity;
      }
      runStart = k;
    }
  }
  return ends;
}
