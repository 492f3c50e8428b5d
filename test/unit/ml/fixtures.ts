/** Loads the committed scikit-learn reference files (scripts/fixtures/make_sklearn_fixtures.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { FeatureMatrix } from '../../../core/ml/model';

const DIR = join(__dirname, '..', '..', 'fixtures', 'sklearn');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function loadFixture(name: string): Json {
  return JSON.parse(readFileSync(join(DIR, name), 'utf8'));
}

export function matrix(columns: number[][], names: string[]): FeatureMatrix {
  return { rows: columns[0].length, columns: columns.map((c) => Float64Array.from(c)), names };
}

/** Largest |a_i - b_i|, failing when lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  const d = maxAbsDiff(actual, expected);
  assert.ok(d <= tol, `${what}: max |difference| ${d.toExponential(3)} > ${tol}`);
}
