/** Small seeded data sets for the gbdt tests. */
import type { FeatureMatrix } from '../../../core/ml/model';

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

export function matrix(columns: Float64Array[], names = columns.map((_, j) => `f${j}`)): FeatureMatrix {
  return { rows: columns[0].length, columns, names };
}

/** Uniform [-1, 1) features; `label` maps a row's features to its label. */
export function makeData(
  n: number,
  nFeatures: number,
  seed: number,
  label: (x: number[], r: () => number) => number,
): { X: FeatureMatrix; y: Float64Array } {
  const r = lcg(seed);
  const cols = Array.from({ length: nFeatures }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const x = new Array<number>(nFeatures);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nFeatures; j++) x[j] = cols[j][i] = r() * 2 - 1;
    y[i] = label(x, r);
  }
  return { X: matrix(cols), y };
}

export function accuracy(p: Float64Array, y: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if ((p[i] > 0.5 ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}

export function rmse(p: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

export function auc(p: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && p[idx[j]] === p[idx[i]]) j++;
    for (let k = i; k < j; k++)
      if (y[idx[k]] === 1) {
        pos++;
        sum += (i + 1 + j) / 2;
      }
    i = j;
  }
  return (sum - (pos * (pos + 1)) / 2) / (pos * (y.length - pos));
}
