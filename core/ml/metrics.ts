/**
 * Evaluation metrics with scikit-learn's definitions (checked to 1e-9 against sklearn 1.2).
 *
 * Predictions follow the TrainedModel contract: regression values; for classification the
 * probability of class 1 (binary, one value per row) or row-major probabilities (k per row).
 * Hard labels are p > 0.5 (binary, as sklearn's predict) or the first arg-max (k classes).
 * Binary precision / recall / F1 are for class 1; for k classes they are macro averages over the
 * labels present in y_true or the predicted labels (sklearn's average='macro'). A 0/0 ratio is 0
 * (sklearn's zero_division). Log loss clips at float64 epsilon and renormalises rows, as sklearn
 * 1.2. ROC AUC counts ties as half (identical to sklearn's trapezoidal curve); k classes:
 * one-vs-rest, macro. Brier: mean squared error of P(class 1); for k classes the multi-class
 * Brier score sum_c (p_c - [y = c])^2 averaged over rows (sklearn 1.2 has no multi-class Brier).
 * A metric that is undefined on the data (AUC with one class present) is NaN.
 *
 * Every metric is computed with per-row weights (bootstrap resamples are counts), so that
 * `prepareMetric` can evaluate thousands of resamples in O(n) each without copying.
 */
import { UserError } from '../errors';
import { closest, didYouMean } from '../base/schema';
import type { ModelTask } from './model';
import { aucMetric, aucRanksOf, type WeightedMetric } from './weightedAuc';

export const REGRESSION_METRICS = ['mae', 'mse', 'rmse', 'r2'] as const;
export const CLASSIFICATION_METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'log_loss',
  'roc_auc',
  'brier',
] as const;
export type MetricName = (typeof REGRESSION_METRICS)[number] | (typeof CLASSIFICATION_METRICS)[number];
export type MetricDirection = 'max' | 'min';

const DIRECTIONS: Record<MetricName, MetricDirection> = {
  mae: 'min',
  mse: 'min',
  rmse: 'min',
  r2: 'max',
  accuracy: 'max',
  precision: 'max',
  recall: 'max',
  f1: 'max',
  log_loss: 'min',
  roc_auc: 'max',
  brier: 'min',
};
const ALIASES: Record<string, MetricName> = {
  auc: 'roc_auc',
  logloss: 'log_loss',
  mlogloss: 'log_loss',
  brier_score: 'brier',
  r_squared: 'r2',
};
const ALL = Object.keys(DIRECTIONS) as MetricName[];

/** The canonical name of a metric (accepts auc, logloss, brier_score); unknown names are UserErrors. */
export function metricName(name: string): MetricName {
  const n = name.trim().toLowerCase();
  if (n in DIRECTIONS) return n as MetricName;
  if (n in ALIASES) return ALIASES[n];
  const near = closest(n, [...ALL, ...Object.keys(ALIASES)]);
  throw new UserError(`unknown metric '${name}'${didYouMean(near)}`, { key: 'metric' }, [`metrics: ${ALL.join(', ')}`]);
}

/** Whether larger ('max') or smaller ('min') values of a metric are better. */
export function metricDirection(name: string): MetricDirection {
  return DIRECTIONS[metricName(name)];
}

export function metricTask(name: string): ModelTask {
  return (REGRESSION_METRICS as readonly string[]).includes(metricName(name)) ? 'regression' : 'classification';
}

/** The metrics reported for a task. */
export function metricsForTask(task: ModelTask): MetricName[] {
  return task === 'regression' ? [...REGRESSION_METRICS] : [...CLASSIFICATION_METRICS];
}

export type { WeightedMetric } from './weightedAuc';

const EPS = 2.220446049250313e-16; // np.finfo(float64).eps, sklearn 1.2's log_loss clip

function checkInputs(name: MetricName, yTrue: Float64Array, yPred: Float64Array): number {
  const n = yTrue.length;
  if (n === 0) throw new UserError(`metric '${name}': no rows to score`);
  if (yPred.length % n !== 0) throw new UserError(`metric '${name}': ${yPred.length} predictions for ${n} rows`);
  for (let i = 0; i < n; i++)
    if (yTrue[i] - yTrue[i] !== 0)
      throw new UserError(`metric '${name}': y_true is missing at row ${i + 1}`, { row: i + 1 });
  for (let i = 0; i < yPred.length; i++) {
    if (yPred[i] - yPred[i] !== 0) {
      const k = yPred.length / n;
      throw new UserError(`metric '${name}': prediction is missing at row ${Math.floor(i / k) + 1}`, {
        row: Math.floor(i / k) + 1,
      });
    }
  }
  const k = yPred.length / n;
  if (metricTask(name) === 'regression') {
    if (k !== 1) throw new UserError(`metric '${name}' needs one prediction per row, got ${k}`);
    return 1;
  }
  const classes = k === 1 ? 2 : k;
  for (let i = 0; i < n; i++) {
    const v = yTrue[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new UserError(`metric '${name}': y_true at row ${i + 1} is ${v}, expected a class code 0..${classes - 1}`, {
        row: i + 1,
      });
    }
  }
  if (name !== 'roc_auc' || k > 1) {
    for (let i = 0; i < yPred.length; i++) {
      if (yPred[i] < 0 || yPred[i] > 1) {
        throw new UserError(
          `metric '${name}' needs probabilities in [0, 1]; row ${Math.floor(i / k) + 1} has ${yPred[i]}`,
          { row: Math.floor(i / k) + 1 },
        );
      }
    }
  }
  return k;
}

function regression(name: MetricName, y: Float64Array, p: Float64Array): WeightedMetric {
  const n = y.length;
  switch (name) {
    case 'mae':
      return (w) => {
        let s = 0,
          W = 0;
        for (let i = 0; i < n; i++) {
          s += w[i] * Math.abs(y[i] - p[i]);
          W += w[i];
        }
        return s / W;
      };
    case 'mse':
    case 'rmse': {
      const root = name === 'rmse';
      return (w) => {
        let s = 0,
          W = 0;
        for (let i = 0; i < n; i++) {
          const e = y[i] - p[i];
          s += w[i] * e * e;
          W += w[i];
        }
        return root ? Math.sqrt(s / W) : s / W;
      };
    }
    default: // r2
      return (w) => {
        let W = 0,
          sy = 0,
          sse = 0;
        for (let i = 0; i < n; i++) {
          const e = y[i] - p[i];
          W += w[i];
          sy += w[i] * y[i];
          sse += w[i] * e * e;
        }
        const mean = sy / W;
        let sst = 0;
        for (let i = 0; i < n; i++) {
          const d = y[i] - mean;
          sst += w[i] * d * d;
        }
        if (sst === 0) return sse === 0 ? 1 : 0;
        return 1 - sse / sst;
      };
  }
}

function binary(name: MetricName, y: Float64Array, p: Float64Array): WeightedMetric {
  const n = y.length;
  if (name === 'roc_auc') {
    return aucMetric([
      aucRanksOf(
        (i) => p[i],
        Uint8Array.from(y, (v) => (v === 1 ? 1 : 0)),
      ),
    ]);
  }
  if (name === 'log_loss') {
    const loss = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const q = Math.min(1 - EPS, Math.max(EPS, p[i]));
      const s = 1 - q + q;
      loss[i] = -Math.log((y[i] === 1 ? q : 1 - q) / s);
    }
    return (w) => {
      let s = 0,
        W = 0;
      for (let i = 0; i < n; i++) {
        s += w[i] * loss[i];
        W += w[i];
      }
      return s / W;
    };
  }
  if (name === 'brier') {
    return (w) => {
      let s = 0,
        W = 0;
      for (let i = 0; i < n; i++) {
        const e = p[i] - y[i];
        s += w[i] * e * e;
        W += w[i];
      }
      return s / W;
    };
  }
  // Confusion counts: code = 2 * truth + predicted.
  const code = new Uint8Array(n);
  for (let i = 0; i < n; i++) code[i] = 2 * y[i] + (p[i] > 0.5 ? 1 : 0);
  const c = new Float64Array(4);
  return (w) => {
    c.fill(0);
    for (let i = 0; i < n; i++) c[code[i]] += w[i];
    const tn = c[0],
      fp = c[1],
      fn = c[2],
      tp = c[3];
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    switch (name) {
      case 'accuracy':
        return (tp + tn) / (tn + fp + fn + tp);
      case 'precision':
        return precision;
      case 'recall':
        return recall;
      default:
        return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    }
  };
}

function multiclass(name: MetricName, y: Float64Array, P: Float64Array, k: number): WeightedMetric {
  const n = y.length;
  if (name === 'roc_auc') {
    return aucMetric(
      Array.from({ length: k }, (_, c) => {
        return aucRanksOf(
          (i) => P[i * k + c],
          Uint8Array.from(y, (v) => (v === c ? 1 : 0)),
        );
      }),
    );
  }
  if (name === 'log_loss' || name === 'brier') {
    const loss = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (name === 'brier') {
        let s = 0;
        for (let c = 0; c < k; c++) {
          const e = P[i * k + c] - (y[i] === c ? 1 : 0);
          s += e * e;
        }
        loss[i] = s;
      } else {
        let s = 0;
        for (let c = 0; c < k; c++) s += Math.min(1 - EPS, Math.max(EPS, P[i * k + c]));
        loss[i] = -Math.log(Math.min(1 - EPS, Math.max(EPS, P[i * k + y[i]])) / s);
      }
    }
    return (w) => {
      let s = 0,
        W = 0;
      for (let i = 0; i < n; i++) {
        s += w[i] * loss[i];
        W += w[i];
      }
      return s / W;
    };
  }
  const pairs = new Uint32Array(n); // truth * k + predicted
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (P[i * k + c] > P[i * k + best]) best = c;
    pairs[i] = y[i] * k + best;
  }
  const cm = new Float64Array(k * k);
  return (w) => {
    cm.fill(0);
    for (let i = 0; i < n; i++) cm[pairs[i]] += w[i];
    let correct = 0,
      total = 0,
      sum = 0,
      labels = 0;
    for (let c = 0; c < k; c++) {
      let truth = 0,
        predicted = 0;
      for (let d = 0; d < k; d++) {
        truth += cm[c * k + d];
        predicted += cm[d * k + c];
      }
      const tp = cm[c * k + c];
      correct += tp;
      total += truth;
      if (truth === 0 && predicted === 0) continue;
      labels++;
      const prec = predicted > 0 ? tp / predicted : 0;
      const rec = truth > 0 ? tp / truth : 0;
      sum +=
        name === 'precision' ? prec : name === 'recall' ? rec : prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    }
    return name === 'accuracy' ? correct / total : sum / labels;
  };
}

/** Binds a metric to data for repeated weighted evaluation (the bootstrap's inner loop). */
export function prepareMetric(name: string, yTrue: Float64Array, yPred: Float64Array): WeightedMetric {
  const m = metricName(name);
  const k = checkInputs(m, yTrue, yPred);
  if (metricTask(m) === 'regression') return regression(m, yTrue, yPred);
  if (k === 1) return binary(m, yTrue, yPred);
  if (k === 2) {
    const p1 = new Float64Array(yTrue.length);
    for (let i = 0; i < p1.length; i++) p1[i] = yPred[2 * i + 1];
    return binary(m, yTrue, p1);
  }
  return multiclass(m, yTrue, yPred, k);
}

export function computeMetric(name: string, yTrue: Float64Array, yPred: Float64Array): number {
  return prepareMetric(name, yTrue, yPred)(new Uint32Array(yTrue.length).fill(1));
}

/** Every metric of a task (or the given ones), by canonical name. */
export function computeMetrics(
  task: ModelTask,
  yTrue: Float64Array,
  yPred: Float64Array,
  names: readonly string[] = metricsForTask(task),
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[metricName(n)] = computeMetric(n, yTrue, yPred);
  return out;
}
