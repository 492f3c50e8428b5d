// The reference's configuration read from bench/pipeline.pipeline itself, so the two sides cannot
// drift apart: features (lags, rolling windows), label horizon, CV folds and model parameters,
// the stack's bootstrap count, and the seed. A notebook the reference cannot mirror is an error.
import YAML from 'yaml';

/** Phase cells of a .pipeline text: [{ kind, name, config }]. */
export function phaseCells(text) {
  const cells = [];
  let cur;
  for (const line of text.split('\n')) {
    const m = /^# %%\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line);
    if (m) {
      cur = { kind: m[1], name: m[2] ?? m[1], body: [] };
      cells.push(cur);
    } else if (cur) cur.body.push(line);
  }
  return cells
    .filter((c) => c.kind !== 'md')
    .map((c) => ({ kind: c.kind, name: c.name, config: YAML.parse(c.body.join('\n')) ?? {} }));
}

export function referenceConfig(text) {
  const cells = phaseCells(text);
  const get = (kind) => {
    const c = cells.find((x) => x.kind === kind);
    if (!c)
      throw new Error(
        `bench/pipeline.pipeline has no '${kind}' cell; the reference mirrors load, validate, features, ` +
          `labels, cv and stack`,
      );
    return c.config;
  };
  const features = get('features');
  const rolling = [features.rolling].flat();
  if (
    features.returns !== 'close' ||
    (features.return_type ?? 'log') !== 'log' ||
    rolling.length !== 1 ||
    (rolling[0].column ?? 'ret') !== 'ret' ||
    String(rolling[0].stats ?? ['mean', 'std']) !== 'mean,std'
  ) {
    throw new Error(
      'the reference mirrors log returns of close, their lags and one rolling block of mean/std over ret',
    );
  }
  const labels = get('labels');
  const cv = get('cv');
  if (String(cv.models) !== 'ridge,logistic,gbdt')
    throw new Error('the reference mirrors cv models [ridge, logistic, gbdt]');
  const stack = get('stack');
  if ((stack.meta_learner ?? 'logistic') !== 'logistic')
    throw new Error('the reference mirrors a logistic meta-learner');
  const gbdt = {
    n_estimators: 100,
    learning_rate: 0.1,
    max_depth: 6,
    max_bin: 255,
    min_child_weight: 1,
    lambda: 1,
    ...(cv.params?.gbdt ?? {}),
  };
  return {
    seed: cells.find((c) => c.kind === 'settings')?.config.seed ?? 42,
    lags: features.lags ?? [],
    windows: rolling[0].windows,
    horizon: labels.horizon ?? 20,
    n_splits: cv.n_splits ?? 5,
    pct_embargo: cv.pct_embargo ?? 0.01,
    params: {
      ridge: { alpha: 1.0, ...(cv.params?.ridge ?? {}) },
      logistic: { C: 1.0, ...(cv.params?.logistic ?? {}) },
      gbdt,
    },
    bootstrap: stack.bootstrap ?? 1000,
    meta_C: stack.params?.C ?? 1.0,
  };
}
