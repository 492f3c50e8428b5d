/**
 * The starter pipeline of the New-notebook flow (issue 18 item 2): from a data file's header and
 * first rows (or a Parquet file's column types), guess the timestamp and symbol columns by name and
 * by value, the numeric feature columns and the price column the label is computed from, and write
 * a whole pipeline (load, validate, features, labels, split, scale, cv, stack, train, evaluate) that
 * runs as it stands. Pure: the host reads the bytes, this reads the text.
 */

/** One column of the sample: its name, its first values as text, and (Parquet) its dtype. */
export interface ColumnSample {
  name: string;
  values: string[];
  dtype?: string;
}

export interface StarterGuess {
  /** Timestamp candidates, best first (empty: none found). */
  timestamps: string[];
  /** Symbol candidates, best first (empty: the file holds one series). */
  symbols: string[];
  /** Columns whose sampled values are all numbers. */
  numeric: string[];
  /** The price column labels and returns are computed from. */
  price?: string;
}

const TIME_NAME = /^(timestamp|ts|time|date|datetime|date_?time|open_?time|time_?utc|dt|period)$/i;
const TIME_PART = /time|date/i;
const SYMBOL_NAME = /^(symbol|ticker|asset|instrument|pair|coin|sym|security|market|name|code|id)$/i;
const PRICE_NAMES = ['close', 'adj_close', 'adjclose', 'price', 'last', 'close_price', 'mid', 'px_last'];
const OHLC = ['open', 'high', 'low', 'close'];
const ISO = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH = /^(\d{9,10}|\d{12,13}|\d{15,16}|\d{18,19})(\.\d+)?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$/i;

/** Splits one CSV record (double-quoted fields, "" for a quote). */
function splitRecord(line: string, sep: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) {
      out.push(field.trim());
      field = '';
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

/**
 * The columns of a CSV file's first bytes: the header and up to `maxRows` complete records (a last
 * line cut by the read is dropped). The separator is `,` unless the header has more `;` or tabs.
 */
export function sampleCsv(head: string, maxRows = 50): ColumnSample[] {
  const text = head.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  if (!text.endsWith('\n') && lines.length > 1) lines.pop();
  const header = lines[0] ?? '';
  const count = (c: string) => header.split(c).length - 1;
  const sep = [',', ';', '\t'].reduce((a, b) => (count(b) > count(a) ? b : a));
  const names = splitRecord(header, sep);
  const rows = lines
    .slice(1)
    .filter((l) => l.trim() !== '')
    .slice(0, maxRows)
    .map((l) => splitRecord(l, sep));
  return names.map((name, i) => ({ name, values: rows.map((r) => r[i] ?? '') }));
}

const present = (c: ColumnSample) => c.values.filter((v) => v !== '' && !/^(null|na|nan)$/i.test(v));
const all = (c: ColumnSample, re: RegExp) => present(c).length > 0 && present(c).every((v) => re.test(v));
const isTimeDtype = (d?: string) => !!d && /date|time/i.test(d);
const isNumericDtype = (d?: string) => !!d && /^(u?int|float|decimal)/i.test(d);
const isStringDtype = (d?: string) => !!d && /str|utf8|categorical|enum/i.test(d);

function isTimeColumn(c: ColumnSample): boolean {
  if (c.dtype) return isTimeDtype(c.dtype) || (isNumericDtype(c.dtype) && TIME_PART.test(c.name));
  if (all(c, ISO)) return true;
  return all(c, EPOCH) && (TIME_PART.test(c.name) || TIME_NAME.test(c.name));
}

function isNumericColumn(c: ColumnSample): boolean {
  return c.dtype ? isNumericDtype(c.dtype) : all(c, NUMBER);
}

/** Texts that are not numbers, named like a symbol or with few distinct values: a label per series. */
function isSymbolLike(c: ColumnSample): boolean {
  if (c.dtype) return isStringDtype(c.dtype);
  const values = present(c);
  if (!values.length || values.every((v) => NUMBER.test(v))) return false;
  return SYMBOL_NAME.test(c.name) || new Set(values).size <= Math.max(1, Math.ceil(values.length / 2));
}

const byHint = (hint: RegExp) => (a: ColumnSample, b: ColumnSample) =>
  Number(hint.test(b.name)) - Number(hint.test(a.name));

export function guessColumns(columns: readonly ColumnSample[]): StarterGuess {
  const timeCols = columns.filter(isTimeColumn);
  const timestamps = (timeCols.length ? timeCols : columns.filter((c) => TIME_NAME.test(c.name)))
    .sort(byHint(TIME_NAME))
    .map((c) => c.name);
  const key = new Set(timestamps.slice(0, 1));
  const symbols = columns
    .filter((c) => !key.has(c.name) && !isTimeColumn(c) && isSymbolLike(c))
    .sort(byHint(SYMBOL_NAME))
    .map((c) => c.name);
  const numeric = columns.filter((c) => !key.has(c.name) && !isTimeColumn(c) && isNumericColumn(c)).map((c) => c.name);
  const lower = new Map(numeric.map((n) => [n.toLowerCase(), n]));
  const price =
    PRICE_NAMES.map((n) => lower.get(n)).find(Boolean) ?? numeric.find((n) => /close|price/i.test(n)) ?? numeric[0];
  return { timestamps, symbols, numeric, ...(price ? { price } : {}) };
}

/** True when the user should confirm a guess: several candidates and the first not named like one. */
export function isAmbiguous(candidates: readonly string[], hint: 'timestamp' | 'symbol'): boolean {
  if (candidates.length < 2) return false;
  const re = hint === 'timestamp' ? TIME_NAME : SYMBOL_NAME;
  return candidates.filter((c) => re.test(c)).length !== 1;
}

export interface StarterOptions {
  /** The `source:` path, as the notebook will read it (relative to the notebook's folder). */
  source: string;
  timestamp: string;
  /** Omitted: one series (load names it after the file). */
  symbol?: string;
  guess: StarterGuess;
}

const flow = (items: readonly string[]) => `[${items.join(', ')}]`;
/** Plain YAML is fine for names and relative paths; anything else (spaces, indicators, numbers, booleans) is quoted. */
const needsQuote = (s: string) =>
  !/^[A-Za-z_./][\w./-]*$/.test(s) || /^\.\d/.test(s) || /^(true|false|yes|no|on|off|null)$/i.test(s);
const scalar = (s: string) => (needsQuote(s) ? JSON.stringify(s) : s);

function validateCell(numeric: readonly string[], ohlcv: boolean): string[] {
  if (ohlcv) return ['contract: ohlcv', 'policy: { ohlc: quarantine, duplicates: quarantine, order: quarantine }'];
  const cols = numeric.map((n) => `${scalar(n)}: number`).join(', ');
  return [`contract: { columns: { ${cols} } }`, 'policy: { duplicates: quarantine, order: quarantine }'];
}

function featuresCell(o: StarterOptions, price: string): string[] {
  const lower = new Set(o.guess.numeric.map((n) => n.toLowerCase()));
  const others = o.guess.numeric.filter((n) => n !== price && !OHLC.includes(n.toLowerCase()) && n !== o.symbol);
  const lines = [
    `returns: ${scalar(price)}`,
    'lags: [1, 2, 3]',
    ...(others.length ? [`lag_columns: ${flow(['ret', ...others.map(scalar)])}`] : []),
    'rolling: { column: ret, windows: [10], stats: [mean, std] }',
  ];
  if (lower.has('high') && lower.has('low')) {
    const high = o.guess.numeric.find((n) => n.toLowerCase() === 'high') as string;
    const low = o.guess.numeric.find((n) => n.toLowerCase() === 'low') as string;
    lines.push('expressions:', `  hl_range: log(${high} / ${low})`);
  }
  return lines;
}

/** The `.pipeline` text of the starter notebook. */
export function starterNotebook(o: StarterOptions): string {
  const price = o.guess.price;
  if (!price) throw new Error('a starter pipeline needs a numeric price column');
  const lowerNumeric = o.guess.numeric.map((n) => n.toLowerCase());
  const ohlcv = [...OHLC, 'volume'].every((c) => lowerNumeric.includes(c));
  const cells: [string, string[]][] = [
    [
      'md',
      [
        '# Starter pipeline',
        `Made from the header of \`${o.source}\`: every cell runs as it stands (Run All).`,
        `The label is the direction of \`${price}\` 5 bars ahead; features are its returns and the other ` +
          `numeric columns, lagged.`,
        'Hover a key for its documentation; "Add phase cell…" in the toolbar adds another phase.',
      ],
    ],
    [
      'load prices',
      [
        `source: ${scalar(o.source)}`,
        `timestamp: ${scalar(o.timestamp)}`,
        ...(o.symbol ? [`symbol: ${scalar(o.symbol)}`] : []),
      ],
    ],
    ['validate', validateCell(o.guess.numeric, ohlcv)],
    ['features', featuresCell(o, price)],
    ['labels', ['horizon: 5', `target: ${scalar(price)}`, 'threshold: 0']],
    ['split', ['fractions: [0.7, 0.15, 0.15]']],
    ['scale', ['method: robust']],
    ['cv', ['models: [ridge, logistic]', 'n_splits: 4', 'pct_embargo: 0.01']],
    ['stack', []],
    ['train logistic_h5', ['from: scale', 'model: logistic']],
    ['evaluate', ['split: test']],
  ];
  return cells.map(([marker, body]) => [`# %% ${marker}`, ...body].join('\n') + '\n').join('\n');
}
