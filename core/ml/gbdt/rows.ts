/**
 * Physical row order for histogram building. Each row's packed bins, gradient pair, row number,
 * and (single-output models) margin and label live in "position order", in one of two buffer
 * sets. Splitting the nodes of a level is a stable partition from the current set into the
 * other one, which then becomes current: every node's rows stay contiguous, so histogram
 * building reads memory sequentially however deep the tree. A level is partitioned in two
 * parallel phases over equal slices of its rows — count the rows going left, then scatter each
 * row to its final position — and the ranges not being split are copied across.
 */
import { MISSING_BIN } from './binning';
import { rowsNow, type RowSet, type SharedArrays } from './kernel';

/** Per partition job: start, end, feature, bin, defaultLeft (0/1). */
export const PARTITION_FIELDS = 5;
/** Per segment (a slice of one job's range): from, to, feature, bin, defaultLeft. */
export const SEGMENT_FIELDS = 5;

function leftTable(bin: number, defaultLeft: boolean): Uint8Array {
  const table = new Uint8Array(256);
  table.fill(1, 0, bin + 1);
  table[MISSING_BIN] = defaultLeft ? 1 : 0;
  return table;
}

/** Rows going left in each segment (phase 1). */
export function countSegments(a: SharedArrays, segs: Int32Array): Int32Array {
  const { bins } = rowsNow(a);
  const stride = Math.ceil(a.nFeatures / 4);
  const out = new Int32Array(segs.length / SEGMENT_FIELDS);
  for (let s = 0; s < out.length; s++) {
    const j = s * SEGMENT_FIELDS;
    const table = leftTable(segs[j + 3], segs[j + 4] === 1);
    const word = segs[j + 2] >> 2;
    const shift = (segs[j + 2] & 3) << 3;
    let count = 0;
    for (let p = segs[j]; p < segs[j + 1]; p++) count += table[(bins[p * stride + word] >>> shift) & 255];
    out[s] = count;
  }
  return out;
}

/**
 * Phase 2: scatter each segment's rows from the current set into the other one, lefts from
 * dest[2s], rights from dest[2s + 1]; copy the `copies` ranges (from, to pairs) unchanged.
 * `keep` (by row) replaces the bin test when given (row sampling).
 */
export function scatterSegments(
  a: SharedArrays,
  segs: Int32Array,
  dest: Int32Array,
  copies: Int32Array,
  keep?: Uint8Array,
): void {
  const from = rowsNow(a);
  const to = a.sets[1 - a.current[0]];
  const stride = Math.ceil(a.nFeatures / 4);
  const state = from.margin.length > 0;
  const [fb, tb, fg, tg, fr, tr, fm, tm, fl, tl] = [
    from.bins,
    to.bins,
    from.gh,
    to.gh,
    from.rowOf,
    to.rowOf,
    from.margin,
    to.margin,
    from.label,
    to.label,
  ];
  for (let s = 0; s < segs.length / SEGMENT_FIELDS; s++) {
    const j = s * SEGMENT_FIELDS;
    const table = leftTable(segs[j + 3], segs[j + 4] === 1);
    const word = segs[j + 2] >> 2;
    const shift = (segs[j + 2] & 3) << 3;
    let l = dest[2 * s];
    let r = dest[2 * s + 1];
    for (let p = segs[j]; p < segs[j + 1]; p++) {
      const row = fr[p];
      const left = keep ? keep[row] : table[(fb[p * stride + word] >>> shift) & 255];
      const q = left === 1 ? l++ : r++;
      const src = p * stride;
      const dst = q * stride;
      for (let k = 0; k < stride; k++) tb[dst + k] = fb[src + k];
      tg[2 * q] = fg[2 * p];
      tg[2 * q + 1] = fg[2 * p + 1];
      tr[q] = row;
      if (state) {
        tm[q] = fm[p];
        tl[q] = fl[p];
      }
    }
  }
  for (let c = 0; c < copies.length; c += 2) {
    const [x, y] = [copies[c], copies[c + 1]];
    to.bins.set(from.bins.subarray(x * stride, y * stride), x * stride);
    to.gh.set(from.gh.subarray(2 * x, 2 * y), 2 * x);
    to.rowOf.set(from.rowOf.subarray(x, y), x);
    if (state) {
      to.margin.set(from.margin.subarray(x, y), x);
      to.label.set(from.label.subarray(x, y), x);
    }
  }
}

/** One thread's work for a level: its segments (and which job each belongs to) and copies. */
export interface PartitionPlan {
  segments: Int32Array[];
  segmentJob: number[][];
  copies: Int32Array[];
}

/** Cut ranges (taken in order) into `threads` slices of near-equal total length: [range, from, to] per thread. */
function sliceRanges(ranges: readonly (readonly [number, number])[], threads: number): number[][][] {
  const total = ranges.reduce((x, [s, e]) => x + e - s, 0);
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * total) / threads));
  const out: number[][][] = Array.from({ length: threads }, () => []);
  let offset = 0;
  ranges.forEach(([s, e], k) => {
    for (let t = 0; t < threads; t++) {
      const lo = Math.max(offset, bounds[t]);
      const hi = Math.min(offset + e - s, bounds[t + 1]);
      if (hi > lo) out[t].push([k, s + lo - offset, s + hi - offset]);
    }
    offset += e - s;
  });
  return out;
}

/**
 * Cut the jobs' ranges (in order) into `threads` slices of near-equal row counts, and the
 * positions of [0, rows) outside every job into copy ranges, dealt the same way.
 */
export function planPartition(jobs: Int32Array, rows: number, threads: number): PartitionPlan {
  const nJobs = jobs.length / PARTITION_FIELDS;
  const spans = Array.from(
    { length: nJobs },
    (_, k) => [jobs[k * PARTITION_FIELDS], jobs[k * PARTITION_FIELDS + 1]] as const,
  );
  const pieces = sliceRanges(spans, threads);
  const segments = pieces.map((ps) =>
    Int32Array.from(
      ps.flatMap(([k, s, e]) => [
        s,
        e,
        jobs[k * PARTITION_FIELDS + 2],
        jobs[k * PARTITION_FIELDS + 3],
        jobs[k * PARTITION_FIELDS + 4],
      ]),
    ),
  );
  const segmentJob = pieces.map((ps) => ps.map(([k]) => k));
  const gaps: [number, number][] = [];
  let at = 0;
  for (const [s, e] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (s > at) gaps.push([at, s]);
    at = Math.max(at, e);
  }
  if (at < rows) gaps.push([at, rows]);
  const copies = sliceRanges(gaps, threads).map((ps) => Int32Array.from(ps.flatMap(([, s, e]) => [s, e])));
  return { segments, segmentJob, copies };
}

/**
 * From the per-segment left counts (thread by thread, in plan order), each job's rows sent
 * left and each segment's destinations (left cursor, right cursor).
 */
export function placeSegments(
  jobs: Int32Array,
  plan: PartitionPlan,
  counts: Int32Array[],
): { nLeft: Int32Array; dest: Int32Array[] } {
  const nJobs = jobs.length / PARTITION_FIELDS;
  const nLeft = new Int32Array(nJobs);
  plan.segmentJob.forEach((ks, t) => ks.forEach((k, i) => (nLeft[k] += counts[t][i])));
  const leftAt = Int32Array.from({ length: nJobs }, (_, k) => jobs[k * PARTITION_FIELDS]);
  const rightAt = Int32Array.from({ length: nJobs }, (_, k) => jobs[k * PARTITION_FIELDS] + nLeft[k]);
  const dest = plan.segmentJob.map((ks, t) => {
    const d = new Int32Array(2 * ks.length);
    ks.forEach((k, i) => {
      const seg = plan.segments[t];
      const size = seg[i * SEGMENT_FIELDS + 1] - seg[i * SEGMENT_FIELDS];
      d[2 * i] = leftAt[k];
      d[2 * i + 1] = rightAt[k];
      leftAt[k] += counts[t][i];
      rightAt[k] += size - counts[t][i];
    });
    return d;
  });
  return { nLeft, dest };
}

/** Main-thread helpers on the current row set. */
export class RowOrder {
  private readonly stride: number;

  constructor(private readonly a: SharedArrays) {
    this.stride = Math.ceil(a.nFeatures / 4);
  }

  /** The current set: rowOf[p] = original row at position p, etc. */
  get now(): RowSet {
    return rowsNow(this.a);
  }

  /** Stable-move the rows with keep[row] = 1 to the front (on this thread); returns how many. */
  moveToFront(keep: Uint8Array): number {
    const { rowOf } = this.now;
    let kept = 0;
    for (let p = 0; p < this.a.rows; p++) kept += keep[rowOf[p]];
    const segs = Int32Array.of(0, this.a.rows, 0, 0, 0);
    scatterSegments(this.a, segs, Int32Array.of(0, kept), new Int32Array(0), keep);
    this.a.current[0] = 1 - this.a.current[0];
    return kept;
  }

  /**
   * For positions [start, end) on the `left` side of a split (bin of `feature` <= bin, NaN:
   * defaultLeft), add `value` to margins[p] (byPosition) or margins[rowOf[p] * K + c].
   */
  addOnSide(
    start: number,
    end: number,
    split: { feature: number; bin: number; defaultLeft: boolean; left: boolean },
    value: number,
    margins: Float64Array,
    byPosition: boolean,
    K: number,
    c: number,
  ): void {
    const table = leftTable(split.bin, split.defaultLeft);
    const want = split.left ? 1 : 0;
    const { bins, rowOf } = this.now;
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
    const { gh, rowOf } = this.now;
    for (let p = 0; p < count; p++) {
      const r = rowOf[p];
      gh[2 * p] = byRow[2 * r];
      gh[2 * p + 1] = byRow[2 * r + 1];
    }
  }
}
