/**
 * core/stats against the independent scipy/numpy reference in fixtures/make_reference.py
 * (inputs and outputs committed in reference.json): equal to 1e-9 (relative above 1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deflatedSharpe,
  expectedMaxStandardNormal,
  minBacktestYears,
  normalCdf,
  normalQuantile,
  probabilisticSharpe,
  probabilityOfBacktestOverfitting,
  returnMoments,
  sharpeOf,
} from '../../../core/stats';

interface Moments {
  n: number;
  sharpe: number;
  skew: number;
  kurtosis: number;
}
interface DsrRef extends Moments {
  trials: number;
  sharpeVariance: number;
  expectedMax: number;
  psr: number;
  dsr: number;
  selected?: number;
}
interface PboRef {
  pbo: number;
  probOosLoss: number;
  logits?: number[];
  isSharpe?: number[];
  oosSharpe?: number[];
  winner?: number[];
  logitSum?: number;
  splits?: number;
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'reference.json'), 'utf8')) as {
  normal: { z: number[]; cdf: number[]; p: number[]; ppf: number[] };
  emax: { n: number[]; z: number[] };
  series: Record<string, number[]>;
  moments: Record<string, Moments>;
  psr: Record<string, number>;
  trials: Record<'noise' | 'edge', number[][]>;
  many_sharpes: number[];
  dsr: Record<string, DsrRef>;
  pbo: Record<string, PboRef>;
  minbtl: { cases: [number, number][]; years: number[] };
};

function close(actual: number, expected: number, what: string, tol = 1e-9): void {
  const bound = tol * Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= bound,
    `${what}: ${actual} vs scipy ${expected} (diff ${Math.abs(actual - expected)})`,
  );
}

test('Φ and Φ⁻¹ equal scipy.stats.norm, tails to relative 1e-9', () => {
  ref.normal.z.forEach((z, i) => {
    close(normalCdf(z), ref.normal.cdf[i], `Φ(${z})`);
    // relative precision in the lower tail, where PSR of a bad strategy lives
    assert.ok(Math.abs(normalCdf(z) / ref.normal.cdf[i] - 1) < 1e-9, `Φ(${z}) relative`);
  });
  ref.normal.p.forEach((p, i) => close(normalQuantile(p), ref.normal.ppf[i], `Φ⁻¹(${p})`));
  assert.equal(normalQuantile(0), -Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.2)));
});

test('expected maximum of N standard normals (False Strategy theorem) equals the reference', () => {
  ref.emax.n.forEach((n, i) => close(expectedMaxStandardNormal(n), ref.emax.z[i], `E[max Z_${n}]`));
});

test('moments and PSR of skewed series equal scipy (skew, kurtosis not excess)', () => {
  for (const [name, m] of Object.entries(ref.moments)) {
    const got = returnMoments(ref.series[name]);
    assert.equal(got.n, m.n);
    close(got.sharpe, m.sharpe, `${name} sharpe`);
    close(got.skew, m.skew, `${name} skew`);
    close(got.kurtosis, m.kurtosis, `${name} kurtosis`);
  }
  for (const [key, expected] of Object.entries(ref.psr)) {
    const [a, b, bench] = key.split('_');
    close(probabilisticSharpe(returnMoments(ref.series[`${a}_${b}`]), Number(bench)), expected, `PSR ${key}`);
  }
  // negative skew and fat tails lower PSR relative to the normal assumption
  const neg = returnMoments(ref.series.skewed_neg);
  assert.ok(neg.skew < 0);
  assert.ok(probabilisticSharpe(neg, 0.1) < probabilisticSharpe({ ...neg, skew: 0, kurtosis: 3 }, 0.1));
});

test('DSR of the best of 12 trials equals the reference; noise deflates below 0.95, a real edge stays above', () => {
  for (const name of ['noise', 'edge'] as const) {
    const series = ref.trials[name];
    const sharpes = series.map(sharpeOf);
    const r = ref.dsr[name];
    const best = sharpes.indexOf(Math.max(...sharpes));
    assert.equal(best, r.selected);
    const d = deflatedSharpe(series[best], sharpes);
    assert.equal(d.trials, r.trials);
    close(d.sharpeVariance, r.sharpeVariance, `${name} V[SR]`);
    close(d.expectedMax, r.expectedMax, `${name} SR0`);
    close(d.psr, r.psr, `${name} PSR`);
    close(d.dsr, r.dsr, `${name} DSR`);
    assert.ok(d.dsr < d.psr, 'deflating against N trials lowers the probability');
  }
  assert.ok(deflatedSharpe(ref.trials.noise[ref.dsr.noise.selected!], ref.trials.noise.map(sharpeOf)).dsr < 0.95);
  assert.ok(deflatedSharpe(ref.trials.edge[ref.dsr.edge.selected!], ref.trials.edge.map(sharpeOf)).dsr > 0.95);
  const many = ref.dsr.skewed_pos_many;
  const d = deflatedSharpe(ref.series.skewed_pos, ref.many_sharpes);
  close(d.expectedMax, many.expectedMax, 'SR0 of 100 trials');
  close(d.dsr, many.dsr, 'DSR against 100 trials');
});

test('PBO by CSCV equals the reference split by split (S = 8) and in total (S = 16)', () => {
  for (const name of ['noise', 'edge'] as const) {
    const r8 = probabilityOfBacktestOverfitting(ref.trials[name], { groups: 8 });
    const e8 = ref.pbo[`${name}_8`];
    assert.equal(r8.logits.length, 70);
    assert.deepEqual(r8.winner, e8.winner);
    r8.logits.forEach((l, i) => close(l, e8.logits![i], `${name} λ[${i}]`));
    r8.isSharpe.forEach((s, i) => close(s, e8.isSharpe![i], `${name} IS SR[${i}]`));
    r8.oosSharpe.forEach((s, i) => close(s, e8.oosSharpe![i], `${name} OOS SR[${i}]`));
    close(r8.pbo, e8.pbo, `${name} PBO S=8`);
    close(r8.probOosLoss, e8.probOosLoss, `${name} P(OOS loss)`);
    const r16 = probabilityOfBacktestOverfitting(ref.trials[name]);
    const e16 = ref.pbo[`${name}_16`];
    assert.equal(r16.groups, 16);
    assert.equal(r16.logits.length, e16.splits);
    close(r16.pbo, e16.pbo, `${name} PBO S=16`);
    close(
      r16.logits.reduce((a, b) => a + b, 0),
      e16.logitSum!,
      `${name} Σλ S=16`,
    );
  }
  assert.ok(probabilityOfBacktestOverfitting(ref.trials.noise).pbo > 0.3, 'unskilled trials overfit often');
  assert.ok(probabilityOfBacktestOverfitting(ref.trials.edge).pbo < 0.05, 'a real, ranked edge does not');
});

test('PBO refuses inputs it cannot split, naming the numbers', () => {
  assert.throws(() => probabilityOfBacktestOverfitting([[0.1, 0.2]]), /at least 2 trials/);
  assert.throws(
    () =>
      probabilityOfBacktestOverfitting([
        [1, 2, 3, 4],
        [1, 2, 3],
      ]),
    /trial 1 has 4, trial 2 has 3/,
  );
  assert.throws(
    () =>
      probabilityOfBacktestOverfitting(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 5],
        ],
        { groups: 3 },
      ),
    /even/,
  );
  assert.throws(
    () =>
      probabilityOfBacktestOverfitting(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 5],
        ],
        { groups: 4 },
      ),
    /needs at least 8 periods/,
  );
});

test('MinBTL equals the reference; more trials need a longer backtest', () => {
  ref.minbtl.cases.forEach(([n, sr], i) => close(minBacktestYears(n, sr), ref.minbtl.years[i], `MinBTL(${n}, ${sr})`));
  assert.ok(minBacktestYears(1000, 1) > minBacktestYears(10, 1));
  assert.ok(Number.isNaN(minBacktestYears(1, 1)));
});
