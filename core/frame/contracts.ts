/**
 * Data contracts: which columns a feed must have, their types and ranges, the null rates they
 * may reach, whether OHLC relations apply, and how fresh the data must be. Five built-in
 * contracts describe the usual crypto feeds; a user contract is a YAML file (or an inline mapping)
 * of the same shape, optionally extending a built-in one.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { UserError } from '../errors';
import { checkType, closest, didYouMean, t } from '../base/schema';
import type { ValueType } from '../base/schema';
import { COLUMN_TYPE_NAMES, normaliseColumnType } from './contractTypes';
import type { ColumnType, ColumnTypeName } from './contractTypes';
import { displayPath } from './io';

export interface ColumnRule {
  type: ColumnType;
  /** A missing required column fails the `columns` check; an optional one is checked when present. */
  required: boolean;
  min?: number;
  max?: number;
  /** Overrides the contract's max_null_rate for this column. */
  maxNullRate?: number;
}

export interface Contract {
  name: string;
  description: string;
  /** Value columns (timestamp and symbol are implied by every contract). */
  columns: Record<string, ColumnRule>;
  /** Check low <= open/close <= high, low <= high and volume >= 0. */
  ohlc: boolean;
  /** Default null-rate limit of the value columns (timestamp and symbol allow none). */
  maxNullRate: number;
  /** Freshness: the newest row of every symbol must be at most this old (`2d`, `36h`). */
  maxAge?: string;
  /** The YAML file it came from, for messages. */
  file?: string;
}

const num = (min?: number, max?: number, required = true): ColumnRule => ({ type: 'number', required, min, max });

/** Default null-rate limit of built-in contracts. */
export const DEFAULT_MAX_NULL_RATE = 0.05;

export const BUILTIN_CONTRACTS: Readonly<Record<string, Contract>> = {
  ohlcv: {
    name: 'ohlcv',
    description:
      'Price bars: open, high, low, close >= 0 with low <= open, close <= high; volume >= 0 (checked by ohlc).',
    columns: { open: num(0), high: num(0), low: num(0), close: num(0), volume: num() },
    ohlc: true,
    maxNullRate: DEFAULT_MAX_NULL_RATE,
  },
  open_interest: {
    name: 'open_interest',
    description: 'Open interest in contracts (>= 0); optional open_interest_value in quote currency (>= 0).',
    columns: { open_interest: num(0), open_interest_value: num(0, undefined, false) },
    ohlc: false,
    maxNullRate: DEFAULT_MAX_NULL_RATE,
  },
  funding: {
    name: 'funding',
    description: 'Perpetual funding rate per funding period, within ±0.05 (±5%); optional mark_price >= 0.',
    columns: { funding_rate: num(-0.05, 0.05), mark_price: num(0, undefined, false) },
    ohlc: false,
    maxNullRate: DEFAULT_MAX_NULL_RATE,
  },
  liquidations: {
    name: 'liquidations',
    description: 'Liquidated notional per bar, long and short side, each >= 0.',
    columns: { long_liquidations: num(0), short_liquidations: num(0) },
    ohlc: false,
    maxNullRate: DEFAULT_MAX_NULL_RATE,
  },
  long_short_ratio: {
    name: 'long_short_ratio',
    description: 'Ratio of long to short accounts (>= 0); optional long_account / short_account shares in [0, 1].',
    columns: { long_short_ratio: num(0), long_account: num(0, 1, false), short_account: num(0, 1, false) },
    ohlc: false,
    maxNullRate: DEFAULT_MAX_NULL_RATE,
  },
};

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `250ms`, `30s`, `15m`, `1h`, `2d`, `1w` in milliseconds; a UserError naming the key otherwise. */
export function parseDuration(text: string, key: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)\s*$/.exec(String(text));
  if (!m)
    throw new UserError(`'${text}' is not a duration (use a number and a unit: 500ms, 30s, 15m, 1h, 2d, 1w)`, { key });
  return Number(m[1]) * DURATION_UNITS[m[2]];
}

// --- user contracts ---------------------------------------------------------------------------

const columnRuleType: ValueType = t.oneOf(
  t.string(COLUMN_TYPE_NAMES),
  t.object({
    dtype: { type: t.string(COLUMN_TYPE_NAMES), doc: 'Column type.' },
    required: { type: t.boolean(), doc: 'Default true.' },
    min: { type: t.number(), doc: 'Smallest allowed value (inclusive).' },
    max: { type: t.number(), doc: 'Largest allowed value (inclusive).' },
    max_null_rate: { type: t.number({ min: 0, max: 1 }), doc: 'Largest allowed share of missing values.' },
  }),
);

/** The shape of a contract file / inline `contract:` mapping. */
export const CONTRACT_SCHEMA: ValueType = t.object({
  name: { type: t.string(), doc: 'Contract name (default: the file name).' },
  extends: { type: t.string(Object.keys(BUILTIN_CONTRACTS)), doc: 'Start from a built-in contract.' },
  description: { type: t.string(), doc: 'What the feed is.' },
  columns: {
    type: t.object(undefined, columnRuleType),
    doc: 'Column -> type, or { dtype, required, min, max, max_null_rate }.',
  },
  max_null_rate: { type: t.number({ min: 0, max: 1 }), doc: 'Default null-rate limit of the value columns.' },
  ohlc: { type: t.boolean(), doc: 'Check OHLC relations.' },
  max_age: { type: t.string(), doc: 'Freshness limit (`2d`).' },
  freshness: {
    type: t.object({ max_age: { type: t.string(), doc: 'Freshness limit (`2d`).' } }),
    doc: 'Freshness: { max_age }.',
  },
});

type RawColumn =
  ColumnTypeName | { dtype?: ColumnTypeName; required?: boolean; min?: number; max?: number; max_null_rate?: number };
interface RawContract {
  name?: string;
  extends?: string;
  description?: string;
  columns?: Record<string, RawColumn>;
  max_null_rate?: number;
  ohlc?: boolean;
  max_age?: string;
  freshness?: { max_age?: string };
}

/** Builds a contract from a checked mapping. */
function contractFrom(raw: RawContract, fallbackName: string, file?: string): Contract {
  const base = raw.extends ? BUILTIN_CONTRACTS[raw.extends] : undefined;
  const columns: Record<string, ColumnRule> = { ...(base?.columns ?? {}) };
  for (const [col, r] of Object.entries(raw.columns ?? {})) {
    if (typeof r === 'string') columns[col] = { type: normaliseColumnType(r), required: true };
    else {
      const prev = columns[col];
      columns[col] = {
        type: r.dtype ? normaliseColumnType(r.dtype) : (prev?.type ?? 'number'),
        required: r.required ?? prev?.required ?? true,
        min: r.min ?? prev?.min,
        max: r.max ?? prev?.max,
        maxNullRate: r.max_null_rate ?? prev?.maxNullRate,
      };
    }
  }
  const maxAge = raw.freshness?.max_age ?? raw.max_age ?? base?.maxAge;
  if (maxAge !== undefined) parseDuration(maxAge, 'max_age');
  return {
    name: raw.name ?? fallbackName,
    description: raw.description ?? base?.description ?? '',
    columns,
    ohlc: raw.ohlc ?? base?.ohlc ?? false,
    maxNullRate: raw.max_null_rate ?? base?.maxNullRate ?? 1,
    maxAge,
    file,
  };
}

/** Line/column of the deepest existing key on a dotted path (the key itself, not its value). */
function keyPosition(doc: Document, path: string[], lines: LineCounter): { line: number; col: number } | undefined {
  for (let k = path.length; k > 0; k--) {
    const parent = k === 1 ? doc.contents : doc.getIn(path.slice(0, k - 1), true);
    if (!isMap(parent)) continue;
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === path[k - 1]);
    const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (range) return lines.linePos(range[0]);
  }
  return undefined;
}

/** Reads a contract YAML file; mistakes are UserErrors naming the file, line and key. */
export function readContractFile(path: string): Contract {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`contract file not found: ${displayPath(path)}`, { key: 'contract' });
  }
  const file = displayPath(path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = lines.linePos(e.pos[0]);
    throw new UserError(`invalid YAML in contract: ${e.message.split('\n')[0]}`, {
      file,
      line: at.line,
      column: at.col,
    });
  }
  const raw: unknown = doc.toJS();
  const problem = checkType(raw, CONTRACT_SCHEMA);
  if (problem) {
    const at = keyPosition(doc, problem.path.split('.').filter(Boolean), lines);
    throw new UserError(`contract${problem.path ? ` key '${problem.path}'` : ''}: ${problem.message}`, {
      file,
      line: at?.line,
      column: at?.col,
      key: problem.path || undefined,
    });
  }
  return contractFrom(raw as RawContract, basename(path, extname(path)), file);
}

/**
 * The contract a `contract:` value names: a built-in name, a path to a .yaml/.yml file (relative
 * to baseDir), or an inline mapping.
 */
export function resolveContract(spec: unknown, baseDir: string): Contract {
  if (typeof spec === 'string') {
    if (spec in BUILTIN_CONTRACTS) return BUILTIN_CONTRACTS[spec];
    if (/\.ya?ml$/i.test(spec)) return readContractFile(resolve(baseDir, spec));
    const near = closest(spec, Object.keys(BUILTIN_CONTRACTS));
    throw new UserError(`unknown contract '${spec}'${didYouMean(near)}`, { key: 'contract' }, [
      `built-in contracts: ${Object.keys(BUILTIN_CONTRACTS).join(', ')}; or give a .yaml file`,
    ]);
  }
  const problem = checkType(spec, CONTRACT_SCHEMA);
  if (problem)
    throw new UserError(`contract${problem.path ? ` key '${problem.path}'` : ''}: ${problem.message}`, {
      key: 'contract',
    });
  return contractFrom(spec as RawContract, 'inline');
}
