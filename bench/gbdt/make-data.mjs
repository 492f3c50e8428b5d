// Deterministic synthetic binary problem for the gbdt benchmark, written once to binary files
// both sides read: X as float64 column-major (feature j = rows [j*n, (j+1)*n)), y as float64.
// Rows [0, train) are the training set, the rest the test set. ~3% NaN in features 10 and 11.
import { existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export const FEATURES = 20;

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generate(rows, seed = 7) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const X = new Float64Array(rows * FEATURES);
  const y = new Float64Array(rows);
  const x = new Float64Array(FEATURES);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < FEATURES; j++) x[j] = j < 12 ? gauss() : r() * 2 - 1;
    x[13] = 0.7 * x[0] + 0.3 * x[13]; // correlated with an informative feature
    const z =
      1.2 * x[0] * x[1] +
      Math.sin(2 * x[2]) * 1.1 +
      0.8 * x[3] -
      0.5 * x[4] * x[4] +
      (x[5] > 0.3 ? 0.9 * x[6] : -0.4 * x[6]) +
      0.6 * Math.tanh(x[7] * x[8]) +
      0.4 * x[9] +
      0.7 * (x[10] > 0 ? 1 : -1) * x[11] +
      0.5 * x[12] * x[14] +
      0.3 * Math.abs(x[15]);
    const p = 1 / (1 + Math.exp(-2.2 * z));
    y[i] = r() < p ? 1 : 0;
    for (let j = 0; j < FEATURES; j++) {
      const v = (j === 10 || j === 11) && r() < 0.03 ? NaN : x[j];
      X[j * rows + i] = v;
    }
  }
  return { X, y };
}

/** Write (once) and return the paths and sizes. */
export function ensureData(dir, train, test, seed = 7) {
  const rows = train + test;
  const base = join(dir, `gbdt_${rows}x${FEATURES}_s${seed}`);
  const meta = { xPath: `${base}.X.f64`, yPath: `${base}.y.f64`, rows, train, test, features: FEATURES };
  if (!existsSync(meta.xPath) || !existsSync(meta.yPath)) {
    mkdirSync(dir, { recursive: true });
    const { X, y } = generate(rows, seed);
    writeFileSync(`${meta.xPath}.tmp`, Buffer.from(X.buffer));
    writeFileSync(`${meta.yPath}.tmp`, Buffer.from(y.buffer));
    renameSync(`${meta.xPath}.tmp`, meta.xPath);
    renameSync(`${meta.yPath}.tmp`, meta.yPath);
  }
  return meta;
}
