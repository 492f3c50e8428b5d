/**
 * Trees as flat arrays, all trees of a model in one set. Node n is a leaf when feature[n] < 0;
 * otherwise a row goes to child left[n] when x <= threshold[n] (or, for NaN, when
 * defaultLeft[n] is 1) and to left[n] + 1 otherwise: children are always adjacent.
 * Tree t adds its leaf values to output t % outputs.
 */
export interface Ensemble {
  outputs: number;
  /** Root node of each tree. */
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  defaultLeft: Uint8Array;
  /** Leaf value (already scaled by the learning rate); 0 for split nodes. */
  value: Float64Array;
  /** Loss reduction of each split (0 for leaves), for gain importance. */
  gain: Float64Array;
}

/** The first `trees` trees of an ensemble (views, no copy): trees are stored one after another. */
export function truncateEnsemble(e: Ensemble, trees: number): Ensemble {
  if (trees >= e.roots.length) return e;
  const end = e.roots[trees];
  return {
    outputs: e.outputs,
    roots: e.roots.subarray(0, trees),
    feature: e.feature.subarray(0, end),
    threshold: e.threshold.subarray(0, end),
    left: e.left.subarray(0, end),
    defaultLeft: e.defaultLeft.subarray(0, end),
    value: e.value.subarray(0, end),
    gain: e.gain.subarray(0, end),
  };
}

/** Growable columns while training. */
export class EnsembleBuilder {
  readonly roots: number[] = [];
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly left: number[] = [];
  readonly defaultLeft: number[] = [];
  readonly value: number[] = [];
  readonly gain: number[] = [];

  constructor(readonly outputs: number) {}

  /** A new leaf node; returns its id. */
  addLeaf(value: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.defaultLeft.push(0);
    this.value.push(value);
    this.gain.push(0);
    return this.feature.length - 1;
  }

  startTree(): number {
    const root = this.addLeaf(0);
    this.roots.push(root);
    return root;
  }

  /** Turn leaf `node` into a split; returns the id of its left child (right = left + 1). */
  split(node: number, feature: number, threshold: number, defaultLeft: boolean, gain: number): number {
    const l = this.addLeaf(0);
    this.addLeaf(0);
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = l;
    this.defaultLeft[node] = defaultLeft ? 1 : 0;
    this.gain[node] = gain;
    return l;
  }

  /** Keep only the first `trees` trees. */
  truncate(trees: number): void {
    if (trees >= this.roots.length) return;
    const end = this.roots[trees];
    this.roots.length = trees;
    for (const col of [this.feature, this.threshold, this.left, this.defaultLeft, this.value, this.gain])
      col.length = end;
  }

  build(): Ensemble {
    return {
      outputs: this.outputs,
      roots: Int32Array.from(this.roots),
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
    };
  }
}

type TreeArrays =
  | Pick<Ensemble, 'feature' | 'threshold' | 'left' | 'defaultLeft' | 'value'>
  | Pick<EnsembleBuilder, 'feature' | 'threshold' | 'left' | 'defaultLeft' | 'value'>;

/**
 * Add one tree's leaf values to margins[row * stride + output] for the given rows (all rows
 * when `rows` is undefined).
 */
export function addTree(
  t: TreeArrays,
  root: number,
  columns: readonly Float64Array[],
  nRows: number,
  margins: Float64Array,
  stride: number,
  output: number,
  rows?: Uint32Array | Int32Array,
): void {
  const { feature, threshold, left, defaultLeft, value } = t;
  const count = rows ? rows.length : nRows;
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k] : k;
    let n = root;
    let f = feature[n];
    while (f >= 0) {
      const v = columns[f][i];
      const goLeft = v <= threshold[n] || (v !== v && defaultLeft[n] === 1);
      n = goLeft ? left[n] : left[n] + 1;
      f = feature[n];
    }
    margins[i * stride + output] += value[n];
  }
}

/** out[k] += the tree's value for row rows[k] (single-output margins kept by position). */
export function addTreeByPosition(
  t: TreeArrays,
  root: number,
  columns: readonly Float64Array[],
  rows: Uint32Array,
  out: Float64Array,
): void {
  const { feature, threshold, left, defaultLeft, value } = t;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    let n = root;
    let f = feature[n];
    while (f >= 0) {
      const v = columns[f][i];
      n = v <= threshold[n] || (v !== v && defaultLeft[n] === 1) ? left[n] : left[n] + 1;
      f = feature[n];
    }
    out[k] += value[n];
  }
}

/** Margins of every row: base margin plus every tree. */
export function predictMargins(
  e: Ensemble,
  base: Float64Array,
  columns: readonly Float64Array[],
  nRows: number,
): Float64Array {
  const k = e.outputs;
  const margins = new Float64Array(nRows * k);
  for (let i = 0; i < nRows; i++) for (let c = 0; c < k; c++) margins[i * k + c] = base[c];
  for (let t = 0; t < e.roots.length; t++) addTree(e, e.roots[t], columns, nRows, margins, k, t % k);
  return margins;
}

/** Total split gain per feature, normalised to sum to 1 (all zeros when no tree split). */
export function gainImportance(e: Ensemble, nFeatures: number): Float64Array {
  const imp = new Float64Array(nFeatures);
  for (let n = 0; n < e.feature.length; n++) if (e.feature[n] >= 0) imp[e.feature[n]] += e.gain[n];
  let s = 0;
  for (let j = 0; j < nFeatures; j++) s += imp[j];
  if (s > 0) for (let j = 0; j < nFeatures; j++) imp[j] /= s;
  return imp;
}
