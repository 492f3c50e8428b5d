/**
 * One unit of parallel work, the same on every thread: build some histograms (with sibling
 * subtraction), then find the best split of some nodes — all restricted to the features the
 * thread owns. The main thread merges the per-thread candidates in a fixed order.
 */
import {
  bestSplit,
  buildHistogram,
  CANDIDATE_FIELDS,
  subtractHistogram,
  type RowSet,
  type SharedArrays,
  type SplitRules,
} from './kernel';

/** Per build: slot, start, end, parentSlot (-1: none). */
export const BUILD_FIELDS = 4;
/** Per eval: slot, sumG, sumH, mask number (-1: all features). */
export const EVAL_FIELDS = 4;

export interface HistTask {
  builds: Int32Array;
  evals: Float64Array;
  /** Concatenated per-node feature masks, nFeatures bytes each. */
  masks: Uint8Array;
}

/** Messages main -> worker. */
export type ToWorker =
  | {
      type: 'init';
      rows: number;
      nFeatures: number;
      sets: [RowSet, RowSet];
      current: Int32Array;
      hist: Float64Array;
      nBins: Int32Array;
      rules: SplitRules;
    }
  | { type: 'hist'; hist: Float64Array }
  | { type: 'task'; id: number; task: HistTask; share: ThreadShare }
  | { type: 'count'; id: number; segs: Int32Array }
  | { type: 'scatter'; id: number; segs: Int32Array; dest: Int32Array; copies: Int32Array };

/** The tree features one thread owns: it builds, subtracts and evaluates exactly these. */
export interface ThreadShare {
  features: Int32Array;
}

/** Split the (sorted) tree features into `threads` contiguous runs of near-equal length. */
export function shareOut(treeFeatures: Int32Array, threads: number): ThreadShare[] {
  const n = treeFeatures.length;
  return Array.from({ length: threads }, (_, t) => ({
    features: treeFeatures.slice(Math.floor((t * n) / threads), Math.floor(((t + 1) * n) / threads)),
  }));
}

/** Messages worker -> main. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; candidates: Float64Array }
  | { type: 'counted'; id: number; counts: Int32Array }
  | { type: 'error'; message: string };

export function runHistTask(a: SharedArrays, rules: SplitRules, task: HistTask, share: ThreadShare): Float64Array {
  const { builds, evals, masks } = task;
  const { features } = share;
  for (let i = 0; i < builds.length; i += BUILD_FIELDS) {
    const slot = builds[i];
    buildHistogram(a, slot, builds[i + 1], builds[i + 2], features);
    const parent = builds[i + 3];
    if (parent >= 0) subtractHistogram(a, parent, slot, features);
  }
  const nEvals = evals.length / EVAL_FIELDS;
  const out = new Float64Array(nEvals * CANDIDATE_FIELDS);
  for (let e = 0; e < nEvals; e++) {
    const m = evals[e * EVAL_FIELDS + 3];
    const mask = m >= 0 ? masks.subarray(m * a.nFeatures, (m + 1) * a.nFeatures) : undefined;
    bestSplit(
      a,
      rules,
      evals[e * EVAL_FIELDS],
      evals[e * EVAL_FIELDS + 1],
      evals[e * EVAL_FIELDS + 2],
      features,
      mask,
      out,
      e * CANDIDATE_FIELDS,
    );
  }
  return out;
}

/** Keep, per node, the better candidate of `into` and `other`: higher gain, then lower feature. */
export function mergeCandidates(into: Float64Array, other: Float64Array): void {
  for (let at = 0; at < into.length; at += CANDIDATE_FIELDS) {
    const g = other[at];
    const f = other[at + 1];
    if (f < 0) continue;
    if (into[at + 1] < 0 || g > into[at] || (g === into[at] && f < into[at + 1])) {
      for (let k = 0; k < CANDIDATE_FIELDS; k++) into[at + k] = other[at + k];
    }
  }
}
