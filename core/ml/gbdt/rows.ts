/**
 * Physical row order for histogram building. Bins and gradient pairs live in "position order";
 * splitting a node stably partitions its position range, moving each row's packed bins,
 * gradient pair and row number (SharedArrays.rowOf) along, so that every node's rows are
 * contiguous and histogram building reads memory sequentially however deep the tree. Nodes of
 * one level own disjoint ranges, so several threads can partition different nodes at once;
 * each thread has its own RowOrder (its spare buffers) over the same shared arrays.
 */
import { MISSING_BIN } from './binning';
import type { SharedArrays } from './kernel';

/** Per partition job: start, end, feature, bin, defaultLeft (0/1). */
export const PARTITION_FIELDS = 5;

export class RowOrder {
  private readonly stride: number;
  private spareBins = new Uint32Array(0);
  private spareGh = new Float32Array(0);
  private spareRow = new Uint32Array(0);
  private spareMargin = new Float64Array(0);
  private spareLabel = new Float64Array(0);

  constructor(private readonly a: SharedArrays) {
    this.stride = Math.ceil(a.nFeatures / 4);
  }

  /** rowOf[p] = original row at position p. */
  get rowOf(): Uint32Array {
    return this.a.rowOf;
  }

  /** Run partition jobs (PARTITION_FIELDS each); returns the rows sent left by each. */
  runJobs(jobs: Int32Array): Int32Array {
    const out = new Int32Array(jobs.length / PARTITION_FIELDS);
    for (let k = 0; k < out.length; k++) {
      const j = k * PARTITION_FIELDS;
      out[k] = this.partition(jobs[j], jobs[j + 1], jobs[j + 2], jobs[j + 3], jobs[j + 4] === 1);
    }
    return out;
  }

  private ensureSpare(rows: number): void {
    if (this.spareRow.length >= rows) return;
    this.spareBins = new Uint32Array(rows * this.stride);
    this.spareGh = new Float32Array(2 * rows);
    this.spareRow = new Uint32Array(rows);
    if (this.a.margin.length) {
      this.spareMargin = new Float64Array(rows);
      this.spareLabel = new Float64Array(rows);
    }
  }

  /** Stable-move the rows with keep[row] = 1 to the front; returns how many there are. */
  moveToFront(keep: Uint8Array): number {
    return this.partitionBy(0, this.a.rows, keep, new Uint8Array(0), 0, 0);
  }

  /**
   * For positions [start, end) on the `left` side of a split (bin of `feature` <= bin, NaN:
   * defaultLeft), add `value` to margins[p] (byPosition) or margins[rowOf[p] * K + c].
   */
  addOnSide(start: number, end: number, split: { feature: number; bin: number; defaultLeft: boolean; left: boolean }, value: number, margins: Float64Array, byPosition: boolean, K: number, c: number): void {
    const table = new Uint8Array(256);
    table.fill(1, 0, split.bin + 1);
    table[MISSING_BIN] = split.defaultLeft ? 1 : 0;
    const want = split.left ? 1 : 0;
    const { bins, rowOf } = this.a;
    const stride = this.stride;
    const word = split.feature >> 2;
    const shift = (split.feature & 3) << 3;
    for (let p = start; p < end; p++) {
      if (table[(bins[p * stride + word] >>> shift) & 255] !== want) continue;
      if (byPosition) margins[p] += value;
      else margins[rowOf[p] * K + c] += value;
    }
  }

  /** Gradient pairs (indexed by row) copied into position order for positions [0, count). */
  loadGradients(byRow: Float32Array, count: number): void {
    const { gh, rowOf } = this.a;
    for (let p = 0; p < count; p++) {
      const r = rowOf[p];
      gh[2 * p] = byRow[2 * r];
      gh[2 * p + 1] = byRow[2 * r + 1];
    }
  }

  /** Split positions [start, end): rows whose bin of `feature` is <= bin (NaN: defaultLeft) first. */
  partition(start: number, end: number, feature: number, bin: number, defaultLeft: boolean): number {
    const table = new Uint8Array(256);
    table.fill(1, 0, bin + 1);
    table[MISSING_BIN] = defaultLeft ? 1 : 0;
    return this.partitionBy(start, end, undefined, table, feature >> 2, (feature & 3) << 3);
  }

  /**
   * Left when keep[row] is 1 (when `keep` is given), else when table[bin of the feature] is 1.
   * Bins, gradient pair, rowOf and (when kept in position order) margin and label move together.
   */
  private partitionBy(start: number, end: number, keep: Uint8Array | undefined, table: Uint8Array, word: number, shift: number): number {
    this.ensureSpare(end - start);
    const { bins, gh, rowOf, margin, label } = this.a;
    const { spareBins, spareGh, spareRow, spareMargin, spareLabel, stride } = this;
    const state = margin.length > 0;
    let l = start;
    let r = 0;
    for (let p = start; p < end; p++) {
      const left = keep ? keep[rowOf[p]] : table[(bins[p * stride + word] >>> shift) & 255];
      if (left === 1) {
        if (l !== p) {
          for (let k = 0; k < stride; k++) bins[l * stride + k] = bins[p * stride + k];
          gh[2 * l] = gh[2 * p];
          gh[2 * l + 1] = gh[2 * p + 1];
          rowOf[l] = rowOf[p];
          if (state) {
            margin[l] = margin[p];
            label[l] = label[p];
          }
        }
        l++;
      } else {
        for (let k = 0; k < stride; k++) spareBins[r * stride + k] = bins[p * stride + k];
        spareGh[2 * r] = gh[2 * p];
        spareGh[2 * r + 1] = gh[2 * p + 1];
        spareRow[r] = rowOf[p];
        if (state) {
          spareMargin[r] = margin[p];
          spareLabel[r] = label[p];
        }
        r++;
      }
    }
    bins.set(spareBins.subarray(0, r * stride), l * stride);
    gh.set(spareGh.subarray(0, 2 * r), 2 * l);
    rowOf.set(spareRow.subarray(0, r), l);
    if (state) {
      margin.set(spareMargin.subarray(0, r), l);
      label.set(spareLabel.subarray(0, r), l);
    }
    return l - start;
  }
}
