/**
 * A tiny schema language for phase cell configs. Each phase declares its keys with a type and a
 * doc string; the notebook parser uses it for "unknown key (did you mean ...)" and "wrong value
 * type" diagnostics, the extension uses it for completion and hover docs.
 */

export type ValueType =
  /** `enum`: the closed list of values; `what` names its members in messages ("unknown model 'x'"). */
  | { type: 'string'; enum?: readonly string[]; what?: string }
  | { type: 'number'; integer?: boolean; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'list'; of: ValueType }
  | { type: 'object'; keys?: Record<string, KeySpec>; values?: ValueType }
  | { type: 'oneOf'; options: readonly ValueType[] }
  | { type: 'any' };

export interface KeySpec {
  type: ValueType;
  doc: string;
  required?: boolean;
  default?: unknown;
  /**
   * Set on a fan-out key (`scenarios:`, `models:`): a list under it expands the cell into one
   * branch per value, each setting this singular key — which then counts as present.
   */
  fanOutOf?: string;
  /**
   * A check of a well-typed value beyond its type (an expression's syntax), run by the notebook
   * parser so the problem is a diagnostic at the nested key — and `offset` into its text — at fault.
   */
  check?: (value: unknown) => ValueProblem | undefined;
  /** Values completion offers besides the type's closed lists (built-in contracts: the key also takes a file). */
  suggest?: readonly string[];
  /**
   * The value names columns of the cell's input frame: the editor completes them from the upstream cell's last
   * known schema and reports an unknown one when that schema is known. `made`: the columns the cell itself makes
   * before it reads this key (features: the return columns), which the key takes too.
   */
  columns?: true | { made: (config: Readonly<Record<string, unknown>>) => readonly string[] };
}

/** A problem `check` found: the nested path at fault ('' for the value itself) and where in its text. */
export interface ValueProblem {
  path: string;
  message: string;
  /** 0-based character offset inside the value's text. */
  offset?: number;
}

export type KeySpecs = Record<string, KeySpec>;

export const t = {
  string: <const E extends string = string>(
    enumValues?: readonly E[],
    what?: string,
  ): { type: 'string'; enum?: readonly E[]; what?: string } =>
    enumValues ? { type: 'string', enum: enumValues, ...(what ? { what } : {}) } : { type: 'string' },
  number: (opts: { integer?: boolean; min?: number; max?: number } = {}) => ({ type: 'number' as const, ...opts }),
  integer: (opts: { min?: number; max?: number } = {}) => ({ type: 'number' as const, integer: true, ...opts }),
  boolean: () => ({ type: 'boolean' as const }),
  list: <const V extends ValueType>(of: V) => ({ type: 'list' as const, of }),
  object: <
    const K extends Record<string, KeySpec> | undefined = undefined,
    const V extends ValueType | undefined = undefined,
  >(
    keys?: K,
    values?: V,
  ) => ({ type: 'object' as const, keys, values }),
  oneOf: <const O extends readonly ValueType[]>(...options: O) => ({ type: 'oneOf' as const, options }),
  any: () => ({ type: 'any' as const }),
};
export type ValueOf<V> = V extends { type: 'string'; enum?: readonly (infer E)[] }
  ? E
  : V extends { type: 'number' }
    ? number
    : V extends { type: 'boolean' }
      ? boolean
      : V extends { type: 'list'; of: infer O }
        ? ValueOf<O>[]
        : V extends { type: 'oneOf'; options: readonly (infer O)[] }
          ? ValueOf<O>
          : V extends { type: 'object'; keys?: infer K; values?: infer W }
            ? ([NonNullable<K>] extends [never] ? unknown : ConfigOf<NonNullable<K>>) &
                ([NonNullable<W>] extends [never] ? unknown : Record<string, ValueOf<NonNullable<W>>>)
            : unknown;
type RequiredKeys<K> = { [k in keyof K]: K[k] extends { required: true } ? k : never }[keyof K];
export type ConfigOf<K> = string extends keyof K
  ? Record<string, unknown>
  : { -readonly [k in RequiredKeys<K>]: K[k] extends { type: infer V } ? ValueOf<V> : never } & {
      -readonly [k in Exclude<keyof K, RequiredKeys<K>>]?: K[k] extends { type: infer V } ? ValueOf<V> : never;
    };

/** A string outside a closed list: `unknown model 'ridgee' (did you mean 'ridge'?)`, or for an unnamed list
 * `expected one of 'a', 'b', got the string 'x' (did you mean 'a'?)`. */
function notInList(value: string, list: readonly string[], what: string | undefined): string {
  if (what) return unknownName(what, value, list);
  return (
    `expected ${describeType({ type: 'string', enum: list })}, got ` +
    `${describeValue(value)}${didYouMean(closest(value, list))}`
  );
}

/** Human name of a type, for "expected a list of numbers, got a string". */
export function describeType(v: ValueType): string {
  switch (v.type) {
    case 'string':
      return v.enum ? `one of ${v.enum.map((e) => `'${e}'`).join(', ')}` : 'a string';
    case 'number':
      return v.integer ? 'a whole number' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'list':
      return `a list of ${describeType(v.of).replace(/^an? /, '')}s`;
    case 'object':
      return 'a mapping';
    case 'oneOf':
      return v.options.map(describeType).join(' or ');
    case 'any':
      return 'any value';
  }
}

export function describeValue(x: unknown): string {
  if (x === null || x === undefined) return 'nothing';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return 'a mapping';
  if (typeof x === 'string') return `the string '${x}'`;
  return `${typeof x} ${String(x)}`;
}

export interface TypeProblem {
  /** Dotted path below the top-level key ('' for the key itself). */
  path: string;
  message: string;
}

/** Checks a value against a type; returns the first problem or undefined. */
export function checkType(value: unknown, type: ValueType, path = ''): TypeProblem | undefined {
  const fail = (): TypeProblem => ({ path, message: `expected ${describeType(type)}, got ${describeValue(value)}` });
  switch (type.type) {
    case 'any':
      return undefined;
    case 'string':
      if (typeof value !== 'string') return fail();
      if (type.enum && !type.enum.includes(value)) return { path, message: notInList(value, type.enum, type.what) };
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail();
      if (type.integer && !Number.isInteger(value)) return fail();
      if (type.min !== undefined && value < type.min)
        return { path, message: `must be at least ${type.min}, got ${value}` };
      if (type.max !== undefined && value > type.max)
        return { path, message: `must be at most ${type.max}, got ${value}` };
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : fail();
    case 'list': {
      if (!Array.isArray(value)) return fail();
      for (let i = 0; i < value.length; i++) {
        const p = checkType(value[i], type.of, `${path}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const sub = path ? `${path}.${k}` : k;
        const spec = type.keys?.[k];
        if (spec) {
          const p = checkType(v, spec.type, sub);
          if (p) return p;
        } else if (type.values) {
          const p = checkType(v, type.values, sub);
          if (p) return p;
        } else if (type.keys) {
          const near = closest(k, Object.keys(type.keys));
          return { path: sub, message: `unknown key '${k}'${didYouMean(near)}` };
        }
      }
      for (const [k, spec] of Object.entries(type.keys ?? {})) {
        if (spec.required && !(k in (value as object)))
          return { path: path ? `${path}.${k}` : k, message: `missing required key '${k}'` };
      }
      return undefined;
    }
    case 'oneOf': {
      // No option fits: blame the deepest problem of an option whose shape fits the value (a bad
      // element of a list of blocks), so it is reported at the nested key, not at the parent.
      // A string outside the closed list of a string option gets that option's "did you mean".
      let deepest: TypeProblem | undefined;
      let listed: TypeProblem | undefined;
      for (const o of type.options) {
        const p = checkType(value, o, path);
        if (!p) return undefined;
        if (p.path.length > path.length && (!deepest || p.path.length > deepest.path.length)) deepest = p;
        if (o.type === 'string' && o.enum && typeof value === 'string') listed ??= p;
      }
      return deepest ?? listed ?? fail();
    }
  }
}

/** Damerau-free Levenshtein distance, small strings only. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a sensible distance, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/** The one wording of a suggestion: ` (did you mean 'x'?)`, or nothing when no name is near. */
export function didYouMean(near: string | undefined): string {
  return near ? ` (did you mean '${near}'?)` : '';
}

/**
 * The name a message is about and the name its `didYouMean` suggests, read back from the wordings of
 * `unknownName` ("unknown model 'x'") and `describeValue` ("the string 'x'"), for the editor's Quick Fix.
 */
export function suggestionIn(message: string): { name: string; near: string } | undefined {
  const near = /\(did you mean '([^']+)'\?\)/.exec(message)?.[1];
  const name = /(?:\bunknown [\w -]+? |\bthe string )'([^']*)'/.exec(message)?.[1];
  return near !== undefined && name !== undefined ? { name, near } : undefined;
}

/** The one wording of a name that is not in a known list: `unknown model 'ridgee' (did you mean 'ridge'?)`. */
export function unknownName(what: string, name: string, known: readonly string[]): string {
  return `unknown ${what} '${name}'${didYouMean(closest(name, known))}`;
}
