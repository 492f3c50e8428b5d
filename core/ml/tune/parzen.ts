/**
 * Parzen estimators for TPE (Bergstra et al. 2011, as in hyperopt): a mixture of Gaussians
 * truncated to the range, one per observation plus a wide prior component at the centre of the
 * range; and smoothed frequencies for categorical choices.
 */
import type { SeededRng as Rng } from '../rng';

/** Complementary error function (Numerical Recipes erfcc, |rel. error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export interface NumericParzen {
  lo: number;
  hi: number;
  mus: Float64Array;
  sigmas: Float64Array;
  /** Mixture weights, summing to 1. */
  weights: Float64Array;
  /** Probability mass of each component inside [lo, hi]. */
  mass: Float64Array;
}

/** Fits the estimator to observations (internal coordinates) on [lo, hi]. */
export function fitNumericParzen(obs: readonly number[], lo: number, hi: number, priorWeight = 1): NumericParzen {
  const priorMu = (lo + hi) / 2;
  const priorSigma = hi - lo;
  const points = [...obs.map((x) => ({ mu: x, prior: false })), { mu: priorMu, prior: true }].sort(
    (a, b) => a.mu - b.mu,
  );
  const m = points.length;
  const mus = Float64Array.from(points, (p) => p.mu);
  const sigmas = new Float64Array(m);
  const minSigma = priorSigma / Math.min(100, 1 + m);
  for (let i = 0; i < m; i++) {
    if (points[i].prior) {
      sigmas[i] = priorSigma;
      continue;
    }
    const left = i > 0 ? mus[i] - mus[i - 1] : mus[i] - lo;
    const right = i < m - 1 ? mus[i + 1] - mus[i] : hi - mus[i];
    sigmas[i] = Math.min(priorSigma, Math.max(minSigma, left, right));
  }
  const weights = Float64Array.from(points, (p) => (p.prior ? priorWeight : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < m; i++) weights[i] /= total;
  const mass = Float64Array.from(points, (_, i) =>
    Math.max(1e-12, normalCdf((hi - mus[i]) / sigmas[i]) - normalCdf((lo - mus[i]) / sigmas[i])),
  );
  return { lo, hi, mus, sigmas, weights, mass };
}

function pickComponent(weights: Float64Array, rng: Rng): number {
  let u = rng.next();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

export function sampleNumericParzen(p: NumericParzen, rng: Rng): number {
  const i = pickComponent(p.weights, rng);
  for (let tries = 0; tries < 64; tries++) {
    const x = p.mus[i] + p.sigmas[i] * rng.normal();
    if (x >= p.lo && x <= p.hi) return x;
  }
  return Math.min(p.hi, Math.max(p.lo, p.mus[i]));
}

export function logPdfNumericParzen(p: NumericParzen, x: number): number {
  let density = 0;
  for (let i = 0; i < p.mus.length; i++) {
    const z = (x - p.mus[i]) / p.sigmas[i];
    density += (p.weights[i] * Math.exp(-0.5 * z * z)) / (p.sigmas[i] * Math.sqrt(2 * Math.PI) * p.mass[i]);
  }
  return Math.log(Math.max(density, 1e-300));
}

/** Smoothed choice probabilities: (count + priorWeight) / (n + k * priorWeight). */
export function fitCategoricalParzen(obsIndex: readonly number[], k: number, priorWeight = 1): Float64Array {
  const p = new Float64Array(k).fill(priorWeight);
  for (const i of obsIndex) p[i] += 1;
  const total = obsIndex.length + k * priorWeight;
  for (let i = 0; i < k; i++) p[i] /= total;
  return p;
}

export function sampleCategorical(p: Float64Array, rng: Rng): number {
  return pickComponent(p, rng);
}
