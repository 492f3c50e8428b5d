// The Python reference (bench/reference/stages.py) must do the engine's work, or the benchmark
// compares different things: same features and labels row for row, same purged training sets
// from the same test folds. Needs /usr/bin/python3 with pandas, scikit-learn and xgboost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateOhlcv, writeDemoCsv } from '../../../core/demo/ohlcv';
import { timestampsMs, symbolCodes, toFloat64 } from '../../../core/frame/matrix';
import { labelEndTimes } from '../../../core/ml/cv/labelEnds';
import { purgedKFold } from '../../../core/ml/cv/purgedKFold';
import { defaultBlock } from '../../../core/ml/bootstrap/resample';
import { indexTimes } from '../../../core/ml/cv/timeIndex';
import { metaWalkForward } from '../../../core/ml/stacking/metaFolds';
import { buildFeatures } from '../../../core/phases/features';
import { buildLabels } from '../../../core/phases/labels';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const STAGES_DIR = resolve(__dirname, '../../../bench/reference');

const LAGS = [1, 2, 3, 5, 10];
const WINDOWS = [7, 14];
const H = 5;

// One interpreter for both checks (importing pandas, scikit-learn and xgboost is most of the cost).
const PY =
  `
import json, sys
try:
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import stages as S
    from sklearn.metrics import roc_auc_score, log_loss, accuracy_score, brier_score_loss
except ImportError as e:
    print("missing:", e)
    sys.exit(3)

def metric_check():
    rng = np.random.default_rng(3)
    y = (rng.random(500) > 0.45).astype(float)
    p = np.round(np.clip(0.5 + 0.3 * (y - 0.5) + rng.normal(0, 0.2, 500), 0.01, 0.99), 2)  # ties on purpose
    f = S.weighted_metrics(y, p)
    idx = rng.integers(0, 500, 500)
    w = np.bincount(idx, minlength=500).astype(float)
    one = np.ones(500)
    return {
        "ours": [f["roc_auc"](one), f["log_loss"](one), f["accuracy"](one), f["brier"](one), f["roc_auc"](w), ` +
  `f["log_loss"](w), f["brier"](w)],
        "sklearn": [roc_auc_score(y, p), log_loss(y, p), accuracy_score(y, p > 0.5), brier_score_loss(y, p),
                    roc_auc_score(y[idx], p[idx]), log_loss(y[idx], p[idx]), brier_score_loss(y[idx], p[idx])],
    }

csv, folds_path, out = sys.argv[2], sys.argv[3], sys.argv[4]
cfg = json.loads(sys.argv[5])
df = S.load(csv)
built, names = S.build_features(df, cfg["lags"], cfg["windows"])
lab = S.build_labels(built, cfg["horizon"])
times = S.timestamps_ms(lab["timestamp"])
test_fold = np.array(json.load(open(folds_path)), dtype=np.int32)
splits = S.purged_folds(times, S.label_ends(times, lab["symbol"], cfg["horizon"]), test_fold, cfg["pct_embargo"])
json.dump({
  "names": names,
  "symbol": lab["symbol"].tolist(),
  "times": times.tolist(),
  "features": {n: lab[n].tolist() for n in names},
  "fwd": lab[f"fwd_ret_h{cfg['horizon']}"].tolist(),
  "dir": lab[f"dir_h{cfg['horizon']}"].tolist(),
  "train": [tr.tolist() for tr, _ in splits],
  "meta": [[f, tr.tolist()] for f, tr, _ in S.meta_walk_forward(test_fold, times, S.label_ends(times, ` +
  `lab["symbol"], cfg["horizon"]), cfg["pct_embargo"])],
  "block": S.block_length(len(np.unique(times)), cfg["horizon"]),
  "metrics": metric_check(),
}, open(out, "w"))
`;

interface ReferenceOut {
  names: string[];
  symbol: string[];
  times: number[];
  features: Record<string, number[]>;
  fwd: number[];
  dir: number[];
  train: number[][];
  meta: [number, number[]][];
  block: number;
  metrics: { ours: number[]; sklearn: number[] };
}

// Phasebook: the phases' pure builders, then the CV workflow's fold construction; the reference
// gets the same CSV and Phasebook's test folds.
const dir = mkdtempSync(join(tmpdir(), 'phasebook-bench-ref-'));
const opts = { symbols: 3, bars: 400, seed: 11 };
const csv = join(dir, 'ohlcv.csv');
writeDemoCsv(csv, opts);
const features = buildFeatures(generateOhlcv(opts), {
  returns: 'close',
  lags: LAGS,
  rolling: { windows: WINDOWS, stats: ['mean', 'std'] },
});
const labelled = buildLabels(features.frame, { horizon: H }).frame;
const times = timestampsMs(labelled);
const folds = purgedKFold(times, labelEndTimes(times, symbolCodes(labelled).codes, H), {
  nSplits: 4,
  pctEmbargo: 0.02,
});
const testFold = new Array<number>(labelled.height).fill(-1);
for (const f of folds) for (const i of f.test) testFold[i] = f.fold;
const foldsPath = join(dir, 'folds.json');
writeFileSync(foldsPath, JSON.stringify(testFold));
const outPath = join(dir, 'ref.json');
const run = spawnSync(
  PYTHON,
  [
    '-c',
    PY,
    STAGES_DIR,
    csv,
    foldsPath,
    outPath,
    JSON.stringify({ lags: LAGS, windows: WINDOWS, horizon: H, pct_embargo: 0.02 }),
  ],
  {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  },
);
const missing =
  run.status === 3 || run.error
    ? `${PYTHON} cannot import pandas, scikit-learn and xgboost (${run.stdout?.trim() || run.error?.message})`
    : undefined;
// On a developer's machine a missing Python reference skips (with the reason); in CI (.ci/run installs
// python3-pandas, python3-sklearn, python3-scipy, python3-xgboost) it is a failure, never a silent skip.
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;
if (missing !== undefined && process.env.CI === 'true')
  test('the Python reference is installed (CI)', () => assert.fail(missing));
const ref = run.status === 0 ? (JSON.parse(readFileSync(outPath, 'utf8')) as ReferenceOut) : undefined;
rmSync(dir, { recursive: true, force: true });

test("the reference builds the engine's features and labels row for row", { skip }, () => {
  assert.equal(run.status, 0, run.stderr);
  assert.ok(ref);
  assert.deepEqual(ref.names, features.added, 'feature names and order');
  assert.equal(ref.times.length, labelled.height, 'rows after dropping warm-up and tail rows');
  assert.deepEqual(ref.symbol, labelled.getColumn('symbol').toArray());
  assert.deepEqual(ref.times, Array.from(times));
  for (const name of features.added) {
    const ours = toFloat64(labelled, name);
    const worst = ref.features[name].reduce((m, v, i) => Math.max(m, Math.abs(v - ours[i])), 0);
    assert.ok(worst < 1e-12, `${name}: largest difference ${worst}`);
  }
  const fwd = toFloat64(labelled, `fwd_ret_h${H}`);
  assert.ok(
    ref.fwd.every((v, i) => Math.abs(v - fwd[i]) < 1e-12),
    'forward returns',
  );
  assert.deepEqual(ref.dir, Array.from(toFloat64(labelled, `dir_h${H}`)), 'direction labels');
});

test("the reference purges and embargoes the engine's test folds into the engine's training sets", { skip }, () => {
  assert.ok(ref, run.stderr);
  assert.ok(
    folds.some((f) => f.purged > 0 && f.embargoed > 0),
    'the case exercises purge and embargo',
  );
  assert.equal(ref.train.length, folds.length);
  for (const f of folds) assert.deepEqual(ref.train[f.fold], Array.from(f.train), `training rows of fold ${f.fold}`);
});

test("the reference's meta-learner walk-forward purges and embargoes as the stack cell does", { skip }, () => {
  assert.ok(ref, run.stderr);
  // Every row here is in a test fold (the stacking dataset's rows), as in the stack cell.
  const ends = labelEndTimes(times, symbolCodes(labelled).codes, H);
  const wf = metaWalkForward({ foldOf: testFold, times, labelEnds: ends, pctEmbargo: 0.02 });
  assert.ok(
    wf.folds.some((f) => f.purged > 0 && f.embargoed > 0),
    'the case exercises purge and embargo',
  );
  assert.deepEqual(
    ref.meta,
    wf.folds.map((f) => [f.fold, Array.from(f.train)]),
  );
  assert.equal(ref.block, defaultBlock(indexTimes(times).bars.length, H), 'moving-block length');
});

test(
  "the reference's weighted bootstrap metrics equal scikit-learn on unit weights and on a resample",
  { skip },
  () => {
    assert.ok(ref, run.stderr);
    ref.metrics.ours.forEach((v, i) =>
      assert.ok(Math.abs(v - ref.metrics.sklearn[i]) < 1e-12, `metric ${i}: ${v} vs ${ref.metrics.sklearn[i]}`),
    );
  },
);
