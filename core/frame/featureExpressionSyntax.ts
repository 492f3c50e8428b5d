/**
 * User feature expressions (`expressions: { name: "..." }` in a features cell): a small, safe
 * grammar parsed to a tree (here, free of the frame library, so the editor checks syntax as you type)
 * and compiled to polars expressions (featureSetExpressions.ts). Nothing is ever evaluated as JavaScript.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | postfix
 *   postfix := primary ('.' name '(' args ')')*        x.f(a) means f(x, a)
 *   primary := number | column | name '(' args ')' | '(' expr ')'
 *   column  := identifier | col("any name") | `any name`
 *
 * Functions: log, log1p, exp, abs, sqrt, sign, pow(x, p), min(x, y), max(x, y), shift(x, n),
 * diff(x, n=1), pct_change(x, n=1), rolling_mean|std|min|max|sum(x, n). Time functions run per
 * symbol. shift/diff/pct_change need n >= 1: features may only look back, never forward.
 */

export type ExprNode =
  | { type: 'number'; value: number; pos: number }
  | { type: 'column'; name: string; pos: number }
  | { type: 'neg'; arg: ExprNode; pos: number }
  | { type: 'binary'; op: '+' | '-' | '*' | '/'; left: ExprNode; right: ExprNode; pos: number }
  | { type: 'call'; fn: string; args: ExprNode[]; pos: number };

/** A syntax or meaning error at a 0-based character position of the expression text. */
export class FeatureExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FeatureExpressionError';
  }
}

export interface FunctionSpec {
  /** Number of arguments: [min, max]. Arguments after the first must be plain numbers when `numericTail`. */
  arity: [number, number];
  numericTail?: boolean;
}

export const FUNCTIONS: Record<string, FunctionSpec> = {
  log: { arity: [1, 1] },
  log1p: { arity: [1, 1] },
  exp: { arity: [1, 1] },
  abs: { arity: [1, 1] },
  sqrt: { arity: [1, 1] },
  sign: { arity: [1, 1] },
  pow: { arity: [2, 2], numericTail: true },
  min: { arity: [2, 2] },
  max: { arity: [2, 2] },
  shift: { arity: [2, 2], numericTail: true },
  diff: { arity: [1, 2], numericTail: true },
  pct_change: { arity: [1, 2], numericTail: true },
  rolling_mean: { arity: [2, 2], numericTail: true },
  rolling_std: { arity: [2, 2], numericTail: true },
  rolling_min: { arity: [2, 2], numericTail: true },
  rolling_max: { arity: [2, 2], numericTail: true },
  rolling_sum: { arity: [2, 2], numericTail: true },
};

export const EXPRESSION_FUNCTIONS = Object.keys(FUNCTIONS);

type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'id'; value: string; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; pos: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new FeatureExpressionError(`unexpected '${c}'`, i);
      out.push({ kind: 'num', value: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ kind: 'id', value: m[0], pos: i });
      i += m[0].length;
    } else if (c === '"' || c === "'" || c === '`') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new FeatureExpressionError(`unterminated ${c === '`' ? 'quoted column name' : 'string'}`, i);
      out.push(
        c === '`'
          ? { kind: 'id', value: src.slice(i + 1, end), pos: i }
          : { kind: 'str', value: src.slice(i + 1, end), pos: i },
      );
      i = end + 1;
    } else if ('+-*/(),.'.includes(c)) {
      out.push({ kind: 'op', value: c, pos: i });
      i++;
    } else {
      throw new FeatureExpressionError(`unexpected character '${c}'`, i);
    }
  }
  out.push({ kind: 'end', pos: src.length });
  return out;
}

/** Parses an expression to a syntax tree; throws FeatureExpressionError with the position. */
export function parseFeatureExpression(src: string): ExprNode {
  const toks = tokenize(src);
  let k = 0;
  const peek = () => toks[k];
  const isOp = (v: string) => {
    const t = toks[k];
    return t.kind === 'op' && t.value === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new FeatureExpressionError(`expected '${v}'${describeAt(peek())}`, peek().pos);
    k++;
  };

  const args = (): ExprNode[] => {
    expect('(');
    const list: ExprNode[] = [];
    if (!isOp(')')) {
      list.push(expr());
      while (isOp(',')) {
        k++;
        list.push(expr());
      }
    }
    expect(')');
    return list;
  };

  const primary = (): ExprNode => {
    const t = peek();
    if (t.kind === 'num') {
      k++;
      return { type: 'number', value: t.value, pos: t.pos };
    }
    if (t.kind === 'op' && t.value === '(') {
      k++;
      const e = expr();
      expect(')');
      return e;
    }
    if (t.kind === 'id') {
      k++;
      if (!isOp('(')) return { type: 'column', name: t.value, pos: t.pos };
      if (t.value === 'col') {
        expect('(');
        const s = peek();
        if (s.kind !== 'str')
          throw new FeatureExpressionError(`col() takes a quoted column name${describeAt(s)}`, s.pos);
        k++;
        expect(')');
        return { type: 'column', name: s.value, pos: t.pos };
      }
      return { type: 'call', fn: t.value, args: args(), pos: t.pos };
    }
    throw new FeatureExpressionError(`expected a number, a column or a function${describeAt(t)}`, t.pos);
  };

  const postfix = (): ExprNode => {
    let e = primary();
    while (isOp('.')) {
      k++;
      const t = peek();
      if (t.kind !== 'id')
        throw new FeatureExpressionError(`expected a function name after '.'${describeAt(t)}`, t.pos);
      k++;
      e = { type: 'call', fn: t.value, args: [e, ...args()], pos: t.pos };
    }
    return e;
  };

  const unary = (): ExprNode => {
    if (isOp('-')) {
      const pos = peek().pos;
      k++;
      return { type: 'neg', arg: unary(), pos };
    }
    return postfix();
  };

  const term = (): ExprNode => {
    let e = unary();
    while (isOp('*') || isOp('/')) {
      const t = toks[k++] as { value: '*' | '/'; pos: number };
      e = { type: 'binary', op: t.value, left: e, right: unary(), pos: t.pos };
    }
    return e;
  };

  function expr(): ExprNode {
    let e = term();
    while (isOp('+') || isOp('-')) {
      const t = toks[k++] as { value: '+' | '-'; pos: number };
      e = { type: 'binary', op: t.value, left: e, right: term(), pos: t.pos };
    }
    return e;
  }

  if (peek().kind === 'end') throw new FeatureExpressionError('the expression is empty', 0);
  const tree = expr();
  if (peek().kind !== 'end') throw new FeatureExpressionError(`unexpected${describeAt(peek())}`, peek().pos);
  return tree;
}

function describeAt(t: Token): string {
  if (t.kind === 'end') return ' at the end';
  return ` at '${String(t.value)}' (character ${t.pos + 1})`;
}

/** Column names an expression reads. */
export function referencedColumns(node: ExprNode): string[] {
  const out = new Set<string>();
  const walk = (n: ExprNode): void => {
    if (n.type === 'column') out.add(n.name);
    else if (n.type === 'neg') walk(n.arg);
    else if (n.type === 'binary') {
      walk(n.left);
      walk(n.right);
    } else if (n.type === 'call') n.args.forEach(walk);
  };
  walk(node);
  return [...out];
}
