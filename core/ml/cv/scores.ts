/**
 * The few scores cross-validation reports per fold. Kept local (and small) until the shared
 * metrics module lands; same definitions as scikit-learn (logloss clips at 1e-15, AUC averages
 * tied ranks, R^2 = 1 - SSE/SST).
 */
import type { ModelTask } from '../model';

export type Scores = Record<string, number>;
export type Direction = 'max' | 'min';

/** The score each task is judged by, and which way is better. */
export function primaryMetric(task: ModelTask, nClasses = 2): { name: string; direction: Direction } {
  if (task === 'regression') return { name: 'rmse', direction: 'min' };
  return nClasses > 2 ? { name: 'logloss', direction: 'min' } : { name: 'auc', direction: 'max' };
}

export function metricDirection(name: string): Direction {
  return name === 'auc' || name === 'r2' || name === 'accuracy' ? 'max' : 'min';
}

const EPS = 1e-15;

export function rocAuc(y: Float64Array, p: Float64Array): number {
  const n = y.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p[a] - p[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && p[order[e]] === p[order[s]]) e++;
    const avgRank = (s + 1 + e) / 2; // ranks s+1..e
    for (let k = s; k < e; k++) if (y[order[k]] === 1) { rankSumPos += avgRank; nPos++; }
    s = e;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function binaryScores(y: Float64Array, p: Float64Array): Scores {
  const n = y.length;
  let ll = 0;
  let correct = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - EPS, Math.max(EPS, p[i]));
    ll -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
    if ((p[i] >= 0.5 ? 1 : 0) === y[i]) correct++;
    brier += (p[i] - y[i]) ** 2;
  }
  return { auc: rocAuc(y, p), logloss: ll / n, accuracy: correct / n, brier: brier / n };
}

function multiclassScores(y: Float64Array, p: Float64Array, k: number): Scores {
  const n = y.length;
  let ll = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let arg = 0;
    for (let c = 0; c < k; c++) {
      sum += p[i * k + c];
      if (p[i * k + c] > p[i * k + arg]) arg = c;
    }
    // scikit-learn renormalises rows before taking the log
    const q = Math.min(1 - EPS, Math.max(EPS, p[i * k + y[i]] / (sum || 1)));
    ll -= Math.log(q);
    if (arg === y[i]) correct++;
  }
  return { logloss: ll / n, accuracy: correct / n };
}

function regressionScores(y: Float64Array, p: Float64Array): Scores {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - p[i];
    sse += d * d;
    sae += Math.abs(d);
    sst += (y[i] - mean) ** 2;
  }
  return { rmse: Math.sqrt(sse / n), mae: sae / n, r2: sst > 0 ? 1 - sse / sst : NaN };
}

/**
 * Scores of predictions `p` (regression values, P(class 1), or row-major class probabilities
 * with `nClasses` per row) against `y`.
 */
export function scorePredictions(task: ModelTask, y: Float64Array, p: Float64Array, nClasses = 2): Scores {
  if (y.length === 0) return {};
  if (task === 'regression') return regressionScores(y, p);
  return nClasses > 2 ? multiclassScores(y, p, nClasses) : binaryScores(y, p);
}
