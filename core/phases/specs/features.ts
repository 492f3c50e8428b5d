/** The keys of a `features` cell: the light schema (no frame library), for the parser and the editor. */
import { type ValueProblem, t } from '../../base/schema';
import { ROLLING_STATS } from '../../frame/closedLists';
import { FeatureExpressionError, parseFeatureExpression } from '../../frame/featureExpressionSyntax';

/** The return column(s) a config produces: `ret` for one price column, `ret_{col}` for several. */
export function returnColumns(returns: string | string[] | undefined): { source: string; name: string }[] {
  const cols = returns === undefined ? [] : Array.isArray(returns) ? returns : [returns];
  return cols.map((c) => ({ source: c, name: cols.length === 1 ? 'ret' : `ret_${c}` }));
}

/** Lags and rolling windows read the input's columns and the return columns the cell makes first. */
const inputOrReturns = {
  made: (config: Readonly<Record<string, unknown>>): string[] => {
    const r = config.returns;
    const ok = typeof r === 'string' || (Array.isArray(r) && r.every((x) => typeof x === 'string'));
    return ok ? returnColumns(r as string | string[]).map((c) => c.name) : [];
  },
};

const rollingBlock = t.object({
  column: { type: t.string(), columns: inputOrReturns, doc: 'Column to roll over. Default: the return column.' },
  windows: {
    type: t.list(t.integer({ min: 1, max: 32767 })),
    doc: 'Window lengths in rows (at most 32767).',
    required: true,
  },
  stats: {
    type: t.list(t.string(ROLLING_STATS)),
    doc: 'Statistics: mean, std (sample, ddof=1), min, max, zscore. Default [mean, std].',
  },
});
/** The syntax of every expression, for the parser: the first broken one, at its character. */
function checkExpressions(value: unknown): ValueProblem | undefined {
  for (const [name, src] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    try {
      parseFeatureExpression(String(src));
    } catch (e) {
      if (e instanceof FeatureExpressionError)
        return { path: name, message: `${e.message} in "${String(src)}"`, offset: e.position };
      throw e;
    }
  }
  return undefined;
}

export const featuresSchema = {
  kind: 'features',
  doc: 'Returns, lags, rolling statistics and expressions per symbol; versions the feature set.',
  needsInput: true,
  keys: {
    returns: {
      type: t.oneOf(t.string(), t.list(t.string())),
      columns: true,
      doc: "Price column(s) to turn into one-bar returns: column 'ret' (or 'ret_{col}' for several).",
    },
    return_type: {
      type: t.string(['log', 'simple']),
      doc: 'log: ln(p_t / p_{t-1}); simple: p_t / p_{t-1} - 1. Default log.',
      default: 'log',
    },
    lags: {
      type: t.list(t.integer({ min: 1 })),
      doc: 'Lags (in rows, per symbol) of the return column(s) or of `lag_columns`: {col}_lag_{k}.',
    },
    lag_columns: {
      type: t.list(t.string()),
      columns: inputOrReturns,
      doc: 'Columns to lag. Default: the return column(s).',
    },
    rolling: {
      type: t.oneOf(rollingBlock, t.list(rollingBlock)),
      doc: 'Rolling statistics per symbol: { column, windows, stats } or a list of such blocks: {col}_roll_{stat}_{w}.',
    },
    expressions: {
      type: t.object(undefined, t.string()),
      check: checkExpressions,
      doc:
        'name: expression. Columns, numbers, + - * / ( ), log, exp, abs, sqrt, sign, pow, min, max, shift(x, ' +
        'n), diff, pct_change, rolling_mean|std|min|max|sum(x, n).',
    },
  },
} as const;
