/** Test-only helpers: a tiny k-nearest-neighbour model on feature 0, data generators, a leaky splitter. */
import type { FeatureMatrix, ModelFactory, Params, TrainedModel } from '../../../core/ml/model';
import { SeededRng } from '../../../core/ml/rng';
import type { Fold } from '../../../core/ml/cv/types';

/** k-NN on column 0: mean label of the k nearest training rows (P(class 1) for binary, value for regression). */
export function knnFactory(onFit?: (X: FeatureMatrix, y: Float64Array, params: Params) => void): ModelFactory {
  return {
    kind: 'knn',
    tasks: ['regression', 'classification'],
    defaults: { k: 5 },
    space: { k: [1, 50, 'int'] },
    async fit(X, y, params, opts) {
      onFit?.(X, y, params);
      const k = Math.max(1, Math.min(Number(params.k ?? 5), X.rows));
      const x = X.columns[0];
      const order = Uint32Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => x[a] - x[b]);
      const xs = Float64Array.from(order, (i) => x[i]);
      const ys = Float64Array.from(order, (i) => y[i]);
      const model: TrainedModel = {
        kind: 'knn',
        task: opts.task,
        features: X.names,
        predict(Q) {
          const q = Q.columns[0];
          const out = new Float64Array(Q.rows);
          for (let r = 0; r < Q.rows; r++) {
            let lo = 0;
            let hi = xs.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (xs[mid] < q[r]) lo = mid + 1;
              else hi = mid;
            }
            let L = lo - 1;
            let R = lo;
            let sum = 0;
            for (let taken = 0; taken < k; taken++) {
              if (R >= xs.length || (L >= 0 && q[r] - xs[L] <= xs[R] - q[r])) sum += ys[L--];
              else sum += ys[R++];
            }
            out[r] = sum / k;
          }
          return out;
        },
        toJSON: () => ({ kind: 'knn', task: opts.task, features: X.names }),
      };
      return model;
    },
    fromJSON() {
      throw new Error('not used');
    },
  };
}

/** The leaky baseline: shuffled k-fold that ignores time. */
export function shuffledKFold(rows: number, nSplits: number, seed: number): Fold[] {
  const rng = new SeededRng(seed);
  const perm = Uint32Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const folds: Fold[] = [];
  for (let k = 0; k < nSplits; k++) {
    const from = Math.floor((k * rows) / nSplits);
    const to = Math.floor(((k + 1) * rows) / nSplits);
    const test = perm.slice(from, to).sort();
    const inTest = new Uint8Array(rows);
    for (const i of test) inTest[i] = 1;
    const train = Uint32Array.from({ length: rows }, (_, i) => i).filter((i) => !inTest[i]);
    folds.push({ fold: k, train, test });
  }
  return folds;
}

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A panel of hourly rows: symbol s has bars [start[s], start[s] + length[s]), rows interleaved by time. */
export function panel(spans: readonly { start: number; length: number }[]): {
  times: Float64Array;
  symbols: Int32Array;
} {
  const rows: { t: number; s: number }[] = [];
  spans.forEach((sp, s) => {
    for (let b = sp.start; b < sp.start + sp.length; b++) rows.push({ t: T0 + b * HOUR, s });
  });
  rows.sort((a, b) => a.t - b.t || a.s - b.s);
  return { times: Float64Array.from(rows, (r) => r.t), symbols: Int32Array.from(rows, (r) => r.s) };
}

/**
 * One random-walk series with a direction label over `horizon` bars. Rows without a full horizon
 * ahead are dropped (as the label builder does). Features: the forward move leaked into the row,
 * the past move (honest), and the bar number (honest, but smooth in time).
 */
export function randomWalkDataset(rows: number, horizon: number, seed: number) {
  const rng = new SeededRng(seed);
  const total = rows + horizon;
  const price = new Float64Array(total);
  for (let i = 1; i < total; i++) price[i] = price[i - 1] + rng.normal();
  const times = new Float64Array(rows);
  const y = new Float64Array(rows);
  const leaked = new Float64Array(rows);
  const past = new Float64Array(rows);
  const bar = new Float64Array(rows);
  const allTimes = Float64Array.from({ length: total }, (_, i) => T0 + i * HOUR);
  const labelEnds = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    times[i] = allTimes[i];
    labelEnds[i] = allTimes[i + horizon];
    const fwd = price[i + horizon] - price[i];
    y[i] = fwd > 0 ? 1 : 0;
    leaked[i] = fwd;
    past[i] = i >= horizon ? price[i] - price[i - horizon] : 0;
    bar[i] = i;
  }
  return { times, labelEnds, y, leaked, past, bar };
}

export function matrix(...cols: { name: string; values: Float64Array }[]): FeatureMatrix {
  return { rows: cols[0].values.length, columns: cols.map((c) => c.values), names: cols.map((c) => c.name) };
}
