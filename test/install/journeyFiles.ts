// What the installed-package journey's folder holds: one CSV at the path the template notebook
// loads (data/raw/prices.csv, columns ts and symbol), and the CV notebook the user grows it into.

/** 1200 hourly bars of one symbol, a seeded random walk with consistent OHLC (no bad rows). */
export function journeyCsv(bars = 1200, seed = 7): string {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const lines = ['ts,symbol,open,high,low,close,volume'];
  let close = 100;
  for (let i = 0; i < bars; i++) {
    const open = close;
    close = Math.max(1, open * Math.exp((rand() - 0.5) * 0.02));
    const high = Math.max(open, close) * (1 + rand() * 0.004);
    const low = Math.min(open, close) * (1 - rand() * 0.004);
    const ts = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    lines.push(
      `${ts},DEMO,${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},` +
        `${(10 + rand() * 90).toFixed(3)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The template's cells grown into a small cross-validation. */
export const CV_PIPELINE = [
  '# %% load prices',
  'source: data/raw/prices.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2, 3]',
  '',
  '# %% labels',
  'horizon: 5',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% scale',
  'method: robust',
  '',
  '# %% cv',
  'models: [ridge, logistic]',
  'n_splits: 3',
  '',
].join('\n');
