/**
 * How well conditioned the stack's inputs are: the Pearson correlation of every pair of base
 * predictions, and the 2-norm condition number of the column-standardised base predictions,
 * sigma_max / sigma_min = sqrt(lambda_max / lambda_min) of their correlation matrix (numpy's
 * `cond` of the standardised matrix). Pairs above CORRELATION_WARNING are warned about: the
 * meta-learner cannot tell such bases apart, and an unconstrained one trades huge opposite
 * weights between them.
 */
export const CORRELATION_WARNING = 0.99;

export interface BaseDiagnostics {
  features: string[];
  /** correlation[i][j], Pearson. */
  correlation: number[][];
  conditionNumber: number;
  /** Pairs correlating above CORRELATION_WARNING, most correlated first. */
  collinear: { a: string; b: string; correlation: number }[];
}

export function correlationMatrix(columns: readonly Float64Array[]): number[][] {
  const k = columns.length;
  const n = columns[0]?.length ?? 0;
  const z = columns.map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (c[i] - m) ** 2;
    const sd = Math.sqrt(ss);
    return Float64Array.from(c, (v) => (sd > 0 ? (v - m) / sd : NaN));
  });
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += z[a][i] * z[b][i];
      out[a][b] = out[b][a] = a === b && Number.isFinite(s) ? 1 : s;
    }
  }
  return out;
}

/** Eigenvalues of a small symmetric matrix (cyclic Jacobi rotations), ascending. */
export function symmetricEigenvalues(m: readonly number[][]): number[] {
  const k = m.length;
  const a = m.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r][p],
            arq = a[r][q];
          a[r][p] = c * arp - s * arq;
          a[r][q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p][r],
            aqr = a[q][r];
          a[p][r] = c * apr - s * aqr;
          a[q][r] = s * apr + c * aqr;
        }
      }
    }
  }
  return a.map((r, i) => r[i]).sort((x, y) => x - y);
}

export function baseDiagnostics(columns: readonly Float64Array[], features: readonly string[]): BaseDiagnostics {
  const correlation = correlationMatrix(columns);
  const finite = correlation.every((r) => r.every(Number.isFinite));
  let conditionNumber = Infinity;
  if (finite) {
    const ev = symmetricEigenvalues(correlation);
    const lo = ev[0],
      hi = ev[ev.length - 1];
    conditionNumber = lo > 0 ? Math.sqrt(hi / lo) : Infinity;
  }
  const collinear: BaseDiagnostics['collinear'] = [];
  for (let a = 0; a < features.length; a++) {
    for (let b = a + 1; b < features.length; b++) {
      const r = correlation[a][b];
      if (!Number.isFinite(r) || r > CORRELATION_WARNING)
        collinear.push({ a: features[a], b: features[b], correlation: r });
    }
  }
  collinear.sort(
    (x, y) =>
      (Number.isFinite(y.correlation) ? y.correlation : 2) - (Number.isFinite(x.correlation) ? x.correlation : 2),
  );
  return { features: [...features], correlation, conditionNumber, collinear };
}

/** The warnings a stack cell shows for collinear bases. */
export function collinearWarnings(d: BaseDiagnostics): string[] {
  return d.collinear.map((c) =>
    Number.isFinite(c.correlation)
      ? `base predictions ${c.a} and ${c.b} correlate at ${c.correlation.toFixed(5)} (> ` +
        `${CORRELATION_WARNING}): the stack cannot tell them apart; consider dropping one base model ` +
        `(condition number ${formatCond(d.conditionNumber)})`
      : `base prediction ${c.a} or ${c.b} is constant: it carries no information for the stack`,
  );
}

export function formatCond(c: number): string {
  return Number.isFinite(c) ? (c >= 1000 ? c.toExponential(2) : c.toFixed(1)) : 'infinite';
}

/** A weight this small is no weight: the meta-learner ignores that base. */
export const ZERO_WEIGHT = 1e-6;

/**
 * The warning for a meta-learner that gave every base model no weight: the stack then predicts one constant
 * (the base rate it was fitted on), so its scores are a constant's, not a blend's. Non-negative weights clamp
 * bases that score below chance to zero, which is the usual cause. Undefined when some base carries weight (or
 * the meta-learner has no per-base weights, e.g. gbdt importances).
 */
export function zeroWeightWarning(
  weights: Readonly<Record<string, number>> | undefined,
  metaLearner: string,
): string | undefined {
  const values = Object.values(weights ?? {});
  if (!values.length || values.some((w) => !Number.isFinite(w) || Math.abs(w) > ZERO_WEIGHT)) return undefined;
  const why =
    metaLearner === 'nonneg'
      ? 'non-negative weights set a base to 0 when it does not help (a base scoring below chance cannot)'
      : 'the regularisation shrank every weight to 0';
  return (
    `the meta-learner (${metaLearner}) gave every base model a weight of 0 (${Object.keys(weights ?? {}).join(', ')})` +
    `: the stack predicts a constant, and its scores are a constant's, not a blend's; ${why}`
  );
}
