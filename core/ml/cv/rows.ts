/** Row subsets of column-major matrices and label vectors. */
import type { FeatureMatrix } from '../model';

export function takeRows(X: FeatureMatrix, rows: Uint32Array): FeatureMatrix {
  const columns = X.columns.map((col) => {
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = col[rows[i]];
    return out;
  });
  return { rows: rows.length, columns, names: X.names };
}

export function takeValues(y: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]];
  return out;
}

/** Maps local positions (into `within`) back to the original row numbers. */
export function mapRows(local: Uint32Array, within: Uint32Array): Uint32Array {
  const out = new Uint32Array(local.length);
  for (let i = 0; i < local.length; i++) out[i] = within[local[i]];
  return out;
}
