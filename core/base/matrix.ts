/**
 * The column-major feature matrix models fit on, and the two tasks (a leaf: frame/ builds matrices,
 * runs/ records tasks, ml/ fits; ml/model.ts re-exports both).
 */

export interface FeatureMatrix {
  rows: number;
  /** columns[j][i] = feature j of row i. */
  columns: Float64Array[];
  names: string[];
}

export type ModelTask = 'regression' | 'classification';
