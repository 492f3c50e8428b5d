/** Small, clean OHLCV CSV text to break on purpose (line n of the file is row n - 1). */
export const HEADER = 'timestamp,symbol,open,high,low,close,volume';

export function demoRows(n = 240): string[] {
  const rows: string[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = +(open * (1 + 0.01 * Math.sin(i * 1.7) + 0.004 * Math.cos(i * 0.31))).toFixed(4);
    const high = +(Math.max(open, close) * 1.002).toFixed(4);
    const low = +(Math.min(open, close) * 0.998).toFixed(4);
    const ts = new Date(Date.UTC(2024, 0, 1) + i * 3600_000).toISOString().replace('.000', '');
    rows.push(`${ts},BTC,${open},${high},${low},${close},${(10 + (i % 7)).toFixed(1)}`);
  }
  return rows;
}

export function demoCsvText(n = 240): string {
  return [HEADER, ...demoRows(n)].join('\n') + '\n';
}

/** The demo CSV with 1-based file line `line` replaced by `text`. */
export function csvWithLine(line: number, text: string, n = 240): string {
  const lines = [HEADER, ...demoRows(n)];
  lines[line - 1] = text;
  return lines.join('\n') + '\n';
}

/** The demo CSV with one field of 1-based file line `line` replaced. */
export function csvWithField(line: number, column: string, value: string, n = 240): string {
  const lines = [HEADER, ...demoRows(n)];
  const idx = HEADER.split(',').indexOf(column);
  const f = lines[line - 1].split(',');
  f[idx] = value;
  lines[line - 1] = f.join(',');
  return lines.join('\n') + '\n';
}

export const NB_LOAD_FEATURES = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]
rolling: { column: ret, windows: [12], stats: [mean] }
`;

export const NB_VALIDATED = `# %% load prices
source: data.csv

# %% validate
contract: ohlcv

# %% features
returns: close
lags: [1, 2]
`;
