/** Compiles feature expression trees (featureExpressionSyntax.ts) to polars expressions. */
import pl from 'nodejs-polars';
import { SYMBOL } from './dataset';
import { checkWindow, MAX_ROLLING_WINDOW, WindowSpecError } from './rolling';
import { didYouMean } from '../base/schema';
import { EXPRESSION_FUNCTIONS, FeatureExpressionError, FUNCTIONS, type ExprNode } from './featureExpressionSyntax';

export {
  EXPRESSION_FUNCTIONS,
  FeatureExpressionError,
  parseFeatureExpression,
  referencedColumns,
  type ExprNode,
} from './featureExpressionSyntax';

/** Compiles a tree to a polars expression; time functions are computed per `by` (symbol). */
export function compileFeatureExpression(node: ExprNode, by: string = SYMBOL): pl.Expr {
  switch (node.type) {
    case 'number':
      return pl.lit(node.value);
    case 'column':
      return pl.col(node.name).cast(pl.Float64);
    case 'neg':
      return compileFeatureExpression(node.arg, by).mul(-1);
    case 'binary': {
      const l = compileFeatureExpression(node.left, by);
      const r = compileFeatureExpression(node.right, by);
      return node.op === '+' ? l.add(r) : node.op === '-' ? l.sub(r) : node.op === '*' ? l.mul(r) : l.div(r);
    }
    case 'call':
      return compileCall(node, by);
  }
}

function compileCall(node: Extract<ExprNode, { type: 'call' }>, by: string): pl.Expr {
  const spec = FUNCTIONS[node.fn];
  if (!spec) {
    const near = EXPRESSION_FUNCTIONS.find((f) => f.startsWith(node.fn.slice(0, 3)));
    throw new FeatureExpressionError(
      `unknown function '${node.fn}'${didYouMean(near)}; known: ${EXPRESSION_FUNCTIONS.join(', ')}`,
      node.pos,
    );
  }
  const [lo, hi] = spec.arity;
  if (node.args.length < lo || node.args.length > hi) {
    const want = lo === hi ? `${lo}` : `${lo} or ${hi}`;
    throw new FeatureExpressionError(
      `${node.fn}() takes ${want} argument${hi > 1 ? 's' : ''}, got ${node.args.length}`,
      node.pos,
    );
  }
  const x = compileFeatureExpression(node.args[0], by);
  const n = (i: number, dflt?: number): number => {
    const a = node.args[i];
    if (a === undefined && dflt !== undefined) return dflt;
    const v = a?.type === 'number' ? a.value : a?.type === 'neg' && a.arg.type === 'number' ? -a.arg.value : undefined;
    if (v === undefined)
      throw new FeatureExpressionError(`argument ${i + 1} of ${node.fn}() must be a plain number`, a?.pos ?? node.pos);
    return v;
  };
  const lookback = (i: number, dflt?: number): number => {
    const v = n(i, dflt);
    if (!Number.isInteger(v) || v < 1) {
      throw new FeatureExpressionError(
        `${node.fn}(..., ${v}) would read ${v <= 0 ? 'the current or a future bar' : 'a fraction of a bar'}: ` +
          `use a whole number >= 1 (features may only look back)`,
        node.pos,
      );
    }
    if (v > MAX_ROLLING_WINDOW)
      throw new FeatureExpressionError(`${node.fn}(..., ${v}) is larger than ${MAX_ROLLING_WINDOW} rows`, node.pos);
    return v;
  };
  const rolling = (
    make: (e: pl.Expr, o: { windowSize: number }) => pl.Expr,
    stat: 'mean' | 'std' | 'min' | 'max',
  ): pl.Expr => {
    const w = lookback(1);
    try {
      checkWindow(w, stat);
    } catch (e) {
      if (e instanceof WindowSpecError) throw new FeatureExpressionError(e.message, node.pos);
      throw e;
    }
    return make(x, { windowSize: w }).over(by);
  };
  switch (node.fn) {
    case 'log':
      return x.log();
    case 'log1p':
      return x.log1p();
    case 'exp':
      return x.exp();
    case 'abs':
      return x.abs();
    case 'sqrt':
      return x.pow(0.5);
    case 'sign':
      return pl
        .when(x.gt(0))
        .then(pl.lit(1))
        .when(x.lt(0))
        .then(pl.lit(-1))
        .when(x.eq(0))
        .then(pl.lit(0))
        .otherwise(pl.lit(null));
    case 'pow':
      return x.pow(n(1));
    case 'min': {
      const y = compileFeatureExpression(node.args[1], by);
      return pl.when(x.lt(y)).then(x).otherwise(y);
    }
    case 'max': {
      const y = compileFeatureExpression(node.args[1], by);
      return pl.when(x.gt(y)).then(x).otherwise(y);
    }
    case 'shift':
      return x.shift(lookback(1)).over(by);
    case 'diff': {
      const p = lookback(1, 1);
      return x.sub(x.shift(p)).over(by);
    }
    case 'pct_change': {
      const p = lookback(1, 1);
      return x.div(x.shift(p)).sub(1).over(by);
    }
    case 'rolling_mean':
      return rolling((e, o) => e.rollingMean(o), 'mean');
    case 'rolling_std':
      return rolling((e, o) => e.rollingStd(o), 'std');
    case 'rolling_min':
      return rolling((e, o) => e.rollingMin(o), 'min');
    case 'rolling_max':
      return rolling((e, o) => e.rollingMax(o), 'max');
    case 'rolling_sum': {
      const w = lookback(1);
      return x.rollingSum({ windowSize: w }).over(by);
    }
    default:
      throw new FeatureExpressionError(`unknown function '${node.fn}'`, node.pos);
  }
}
