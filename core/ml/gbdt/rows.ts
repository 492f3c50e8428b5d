/**
 * Physical row order for histogram building (main thread only). Bins and gradient pairs live in
 * "position order"; splitting a node stably partitions its position range, moving each row's
 * packed bins and gradient pair along, so that every node's rows are contiguous and histogram
 * building reads memory sequentially however deep the tree. `rowOf` maps positions back to rows.
 */
import { MISSING_BIN } from './binning';
import type { SharedArrays } from './kernel';

export class RowOrder {
  /** rowOf[p] = original row at position p. */
  readonly rowOf: Uint32Array;
  private readonly stride: number;
  private readonly spareBins: Uint32Array;
  private readonly spareGh: Float64Array;
  private readonly spareRow: Uint32Array;

  constructor(private readonly a: SharedArrays) {
    const n = a.rows;
    this.stride = Math.ceil(a.nFeatures / 4);
    this.rowOf = new Uint32Array(n);
    for (let p = 0; p < n; p++) this.rowOf[p] = p;
    this.spareBins = new Uint32Array(n * this.stride);
    this.spareGh = new Float64Array(2 * n);
    this.spareRow = new Uint32Array(n);
  }

  /** Stable-move the rows with keep[row] = 1 to the front; returns how many there are. */
  moveToFront(keep: Uint8Array): number {
    return this.partitionBy(0, this.a.rows, keep, new Uint8Array(0), 0, 0);
  }

  /** Gradient pairs (indexed by row) copied into position order for positions [0, count). */
  loadGradients(byRow: Float64Array, count: number): void {
    const { gh } = this.a;
    const rowOf = this.rowOf;
    for (let p = 0; p < count; p++) {
      const r = rowOf[p];
      gh[2 * p] = byRow[2 * r];
      gh[2 * p + 1] = byRow[2 * r + 1];
    }
  }

  /**
   * Split positions [start, end): rows whose bin of `feature` is <= bin (NaN: defaultLeft) first.
   * `final`: the children are leaves and never get a histogram, so gradients need not move.
   */
  partition(start: number, end: number, feature: number, bin: number, defaultLeft: boolean, final = false): number {
    const table = new Uint8Array(256);
    table.fill(1, 0, bin + 1);
    table[MISSING_BIN] = defaultLeft ? 1 : 0;
    return this.partitionBy(start, end, undefined, table, feature >> 2, (feature & 3) << 3, final);
  }

  /**
   * Left when keep[row] is 1 (when `keep` is given), else when table[bin of the feature] is 1.
   * With `skipGradients`, gradient pairs are left behind (the children are never built, and
   * the next tree reloads them anyway); bins and rowOf always move together.
   */
  private partitionBy(start: number, end: number, keep: Uint8Array | undefined, table: Uint8Array, word: number, shift: number, skipGradients = false): number {
    const { bins, gh } = this.a;
    const { rowOf, spareBins, spareGh, spareRow, stride } = this;
    let l = start;
    let r = 0;
    for (let p = start; p < end; p++) {
      const left = keep ? keep[rowOf[p]] : table[(bins[p * stride + word] >>> shift) & 255];
      if (left === 1) {
        if (l !== p) {
          for (let k = 0; k < stride; k++) bins[l * stride + k] = bins[p * stride + k];
          if (!skipGradients) {
            gh[2 * l] = gh[2 * p];
            gh[2 * l + 1] = gh[2 * p + 1];
          }
          rowOf[l] = rowOf[p];
        }
        l++;
      } else {
        for (let k = 0; k < stride; k++) spareBins[r * stride + k] = bins[p * stride + k];
        if (!skipGradients) {
          spareGh[2 * r] = gh[2 * p];
          spareGh[2 * r + 1] = gh[2 * p + 1];
        }
        spareRow[r] = rowOf[p];
        r++;
      }
    }
    bins.set(spareBins.subarray(0, r * stride), l * stride);
    if (!skipGradients) gh.set(spareGh.subarray(0, 2 * r), 2 * l);
    rowOf.set(spareRow.subarray(0, r), l);
    return l - start;
  }
}
