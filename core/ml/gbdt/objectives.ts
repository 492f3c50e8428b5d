/**
 * Loss functions: gradients and hessians per row, the starting margin, the link from margins
 * to predictions, and the validation metric used for early stopping (lower is better).
 * Margins are row-major, `outputs` per row.
 */
export type ObjectiveName = 'reg:squarederror' | 'binary:logistic' | 'multi:softprob' | 'forest:mean';

export interface Objective {
  name: ObjectiveName;
  /** Margins per row (1, or the number of classes for softmax / multi-class forests). */
  outputs: number;
  /** Starting margin per output. */
  baseMargin(y: Float64Array, baseScore: number | undefined): Float64Array;
  /** Called once per round before `gradients`, with the current margins. */
  prepare(margins: Float64Array, y: Float64Array): void;
  /** Interleaved gradient/hessian of output `k` for every row into `gh`. */
  gradients(margins: Float64Array, y: Float64Array, k: number, gh: Float64Array | Float32Array): void;
  /** Margins -> predictions as TrainedModel.predict returns them. */
  transform(margins: Float64Array): Float64Array;
  /** Validation loss (rmse, logloss, mlogloss). */
  metric(margins: Float64Array, y: Float64Array): number;
  metricName: string;
}

const EPS = 1e-15;
const MIN_HESS = 1e-16;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export const squaredError: Objective = {
  name: 'reg:squarederror',
  outputs: 1,
  metricName: 'rmse',
  baseMargin(y, baseScore) {
    if (baseScore !== undefined) return Float64Array.of(baseScore);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return Float64Array.of(y.length ? s / y.length : 0);
  },
  prepare() {},
  gradients(m, y, _k, gh) {
    for (let i = 0; i < y.length; i++) {
      gh[2 * i] = m[i] - y[i];
      gh[2 * i + 1] = 1;
    }
  },
  transform: (m) => m.slice(),
  metric(m, y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (m[i] - y[i]) ** 2;
    return Math.sqrt(s / Math.max(1, y.length));
  },
};

export const logistic: Objective = {
  name: 'binary:logistic',
  outputs: 1,
  metricName: 'logloss',
  baseMargin(y, baseScore) {
    let p = baseScore;
    if (p === undefined) {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i];
      p = y.length ? s / y.length : 0.5;
    }
    p = Math.min(1 - 1e-6, Math.max(1e-6, p));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  prepare() {},
  gradients(m, y, _k, gh) {
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(m[i]);
      gh[2 * i] = p - y[i];
      gh[2 * i + 1] = Math.max(p * (1 - p), MIN_HESS);
    }
  },
  transform(m) {
    const out = new Float64Array(m.length);
    for (let i = 0; i < m.length; i++) out[i] = sigmoid(m[i]);
    return out;
  },
  metric(m, y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const p = Math.min(1 - EPS, Math.max(EPS, sigmoid(m[i])));
      s -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
    }
    return s / Math.max(1, y.length);
  },
};

function softmaxInto(m: Float64Array, k: number, out: Float64Array): void {
  for (let r = 0; r < m.length; r += k) {
    let mx = -Infinity;
    for (let c = 0; c < k; c++) mx = Math.max(mx, m[r + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += out[r + c] = Math.exp(m[r + c] - mx);
    for (let c = 0; c < k; c++) out[r + c] /= s;
  }
}

/** Softmax over k classes, one tree per class per round (xgboost multi:softprob). */
export function softmax(k: number): Objective {
  let probs = new Float64Array(0);
  return {
    name: 'multi:softprob',
    outputs: k,
    metricName: 'mlogloss',
    baseMargin: () => new Float64Array(k),
    prepare(m) {
      if (probs.length !== m.length) probs = new Float64Array(m.length);
      softmaxInto(m, k, probs);
    },
    gradients(_m, y, c, gh) {
      for (let i = 0; i < y.length; i++) {
        const p = probs[i * k + c];
        gh[2 * i] = y[i] === c ? p - 1 : p;
        gh[2 * i + 1] = Math.max(2 * p * (1 - p), MIN_HESS);
      }
    },
    transform(m) {
      const out = new Float64Array(m.length);
      softmaxInto(m, k, out);
      return out;
    },
    metric(m, y) {
      const p = new Float64Array(m.length);
      softmaxInto(m, k, p);
      let s = 0;
      for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(EPS, p[i * k + y[i]]));
      return s / Math.max(1, y.length);
    },
  };
}

/**
 * Random-forest targets: every tree fits the residual from the constant start (gradients are
 * taken at the base margin, never at the running sum), so a leaf holds the mean target of its
 * rows. Regression: one output; binary: one output, the share of class 1; k classes: one
 * output per class on the one-hot target, clipped and renormalised to sum to 1.
 */
export function forestMean(task: 'regression' | 'classification', k: number): Objective {
  const outputs = task === 'classification' && k > 2 ? k : 1;
  const target = (y: Float64Array, i: number, c: number): number => (outputs === 1 ? y[i] : y[i] === c ? 1 : 0);
  let base = new Float64Array(outputs);
  const clampNormalise = (m: Float64Array): Float64Array => {
    const out = new Float64Array(m.length);
    if (task === 'regression') return m.slice();
    for (let r = 0; r < m.length; r += outputs) {
      let s = 0;
      for (let c = 0; c < outputs; c++) s += out[r + c] = Math.min(1, Math.max(0, m[r + c]));
      if (outputs > 1) for (let c = 0; c < outputs; c++) out[r + c] = s > 0 ? out[r + c] / s : 1 / outputs;
    }
    return out;
  };
  return {
    name: 'forest:mean',
    outputs,
    metricName: task === 'regression' ? 'rmse' : 'brier',
    baseMargin(y) {
      base = new Float64Array(outputs);
      for (let i = 0; i < y.length; i++) for (let c = 0; c < outputs; c++) base[c] += target(y, i, c);
      for (let c = 0; c < outputs; c++) base[c] /= Math.max(1, y.length);
      return base.slice();
    },
    prepare() {},
    gradients(_m, y, c, gh) {
      for (let i = 0; i < y.length; i++) {
        gh[2 * i] = base[c] - target(y, i, c);
        gh[2 * i + 1] = 1;
      }
    },
    transform: clampNormalise,
    metric(m, y) {
      const p = clampNormalise(m);
      let s = 0;
      for (let i = 0; i < y.length; i++)
        for (let c = 0; c < outputs; c++) s += (p[i * outputs + c] - target(y, i, c)) ** 2;
      return task === 'regression' ? Math.sqrt(s / Math.max(1, y.length)) : s / Math.max(1, y.length);
    },
  };
}

export function objectiveFor(task: 'regression' | 'classification', nClasses: number): Objective {
  if (task === 'regression') return squaredError;
  return nClasses > 2 ? softmax(nClasses) : logistic;
}
