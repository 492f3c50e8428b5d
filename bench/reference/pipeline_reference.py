"""Reference run of bench/pipeline.pipeline with pandas, scikit-learn and xgboost, timed per stage.

Usage: /usr/bin/python3 pipeline_reference.py CONFIG.json
CONFIG holds csv, folds (timestamp_ms,symbol,fold as exported from Phasebook's CV run, so both
sides use identical test folds), out (a folder for artifacts), result (the JSON written at the
end), horizon, lags, windows, n_splits, pct_embargo, params per model, bootstrap, seed, threads.
The stages and their names match the notebook's cells: prices, validate, features, labels, cv,
stack (the meta-learner and its bootstrap evaluation, as Phasebook's stack cell does both).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stages as S  # noqa: E402

MODELS = ["ridge", "logistic", "gbdt"]


class Clock:
    def __init__(self) -> None:
        self.stages: list[dict] = []
        self.t0 = time.perf_counter()

    def stage(self, name: str, fn, *args):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        self.stages.append({"name": name, "status": "ok", "wallMs": wall * 1000, "cpuMs": cpu * 1000})
        print(f"  reference {name:<9} ok     {wall:.2f} s", flush=True)
        return out


def cross_validate(df: pd.DataFrame, names: list[str], cfg: dict, out: str) -> dict:
    h = cfg["horizon"]
    folds = pd.read_csv(cfg["folds"], dtype={"symbol": str, "timestamp_ms": np.int64, "fold": np.int32})
    times = S.timestamps_ms(df["timestamp"])
    keyed = pd.DataFrame({"symbol": df["symbol"].to_numpy(), "timestamp_ms": times.astype(np.int64)})
    test_fold = keyed.merge(folds, on=["symbol", "timestamp_ms"], how="left", validate="one_to_one")["fold"].fillna(-1).to_numpy(np.int32)
    splits = S.purged_folds(times, S.label_ends(times, df["symbol"], h), test_fold, cfg["pct_embargo"])
    X = df[names].to_numpy(np.float64)
    y = df[f"dir_h{h}"].to_numpy(np.float64)
    oof = {m: np.full(len(df), np.nan) for m in MODELS}
    results, seconds = [], {m: 0.0 for m in MODELS}
    for k, (train, test) in enumerate(splits):
        X_tr, y_tr, X_te = X[train], y[train], X[test]
        for m in MODELS:
            t0 = time.perf_counter()
            p = S.fit_predict(m, X_tr, y_tr, X_te, cfg["params"].get(m, {}), cfg["seed"], cfg["threads"])
            oof[m][test] = p
            seconds[m] += time.perf_counter() - t0
            results.append({"model": m, "fold": k, "train_rows": len(train), "test_rows": len(test), "scores": S.fold_scores(y[test], p)})
    tested = test_fold >= 0
    stacking = pd.DataFrame({"timestamp": df["timestamp"], "symbol": df["symbol"], "fold": test_fold, "y_true": y, "y_ret": df[f"fwd_ret_h{h}"]})
    for m in MODELS:
        stacking[f"{m}_pred"] = (oof[m] >= 0.5).astype(np.float64)
        stacking[f"{m}_prob_down"] = 1 - oof[m]
        stacking[f"{m}_prob_up"] = oof[m]
    stacking = stacking[tested].reset_index(drop=True)
    os.makedirs(os.path.join(out, "stacking"), exist_ok=True)
    stacking.to_pickle(os.path.join(out, "stacking", f"stacking_dataset_h{h}.pkl"))
    S.write_json(os.path.join(out, "cv_results.json"), {"models": MODELS, "horizons": [h], "folds": results})
    fold_rows = [{"fold": k, "train": len(tr), "test": len(te)} for k, (tr, te) in enumerate(splits)]
    return {"stacking": stacking, "fold_rows": fold_rows, "seconds": seconds}


def stack(stacking: pd.DataFrame, cfg: dict, out: str, sub: dict) -> dict:
    """Logistic meta-learner on the OOF probabilities, evaluated forward in time as Phasebook's
    stack cell does: for each CV fold after the first, fitted on the earlier folds' rows and scored
    on that fold; then a final fit on every row, bootstrap CIs and the base models' scores on the
    scored rows."""
    t0 = time.perf_counter()
    cols = [f"{m}_prob_up" for m in MODELS]
    X = stacking[cols].to_numpy(np.float64)
    y = stacking["y_true"].to_numpy(np.float64)
    fold = stacking["fold"].to_numpy()
    meta = np.full(len(y), np.nan)
    params = {"C": cfg.get("meta_C", 1.0)}
    times = S.timestamps_ms(stacking["timestamp"])
    ends = S.label_ends(times, stacking["symbol"], cfg["horizon"])
    for _, tr, te in S.meta_walk_forward(fold, times, ends, cfg["pct_embargo"]):
        meta[te] = S.fit_predict("logistic", X[tr], y[tr], X[te], params, cfg["seed"], cfg["threads"])
    scored = np.isfinite(meta)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    final = make_pipeline(StandardScaler(), LogisticRegression(C=params["C"], max_iter=100)).fit(X, y)
    sub["meta"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    metrics = S.bootstrap_cis(y[scored], meta[scored], times[scored], cfg["horizon"], cfg["bootstrap"], cfg["seed"])
    base = {m: S.fold_scores(y[scored], stacking[f"{m}_prob_up"].to_numpy()[scored]) for m in MODELS}
    sub["evaluate"] = time.perf_counter() - t1
    run = os.path.join(out, "stacking_run")
    os.makedirs(run, exist_ok=True)
    lr = final[-1]
    S.write_json(os.path.join(run, "model.json"), {"kind": "logistic", "features": cols, "coef": lr.coef_.tolist(), "intercept": lr.intercept_.tolist(), "scaler_mean": final[0].mean_.tolist(), "scaler_scale": final[0].scale_.tolist()})
    evaluation = (
        "purged expanding walk-forward over the CV folds: each fold after the first is predicted by a meta-learner fitted on the earlier folds, "
        "less rows whose label ends at or after the fold starts (purge) and the CV embargo as a gap before it; the first fold is not scored"
    )
    S.write_json(os.path.join(run, "metrics.json"), {"evaluation": evaluation, "metrics": metrics, "base_models": base})
    stacking[["timestamp", "symbol", "fold", "y_true"]].assign(meta_prob=meta).to_pickle(os.path.join(run, "predictions.pkl"))
    return {"metrics": metrics, "base": base, "evaluation": evaluation, "scored_rows": int(scored.sum())}


def main() -> None:
    wall0 = time.perf_counter()
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    out = cfg["out"]
    os.makedirs(out, exist_ok=True)
    clock = Clock()
    df = clock.stage("prices", S.load, cfg["csv"])
    clock.stage("validate", S.validate, df, os.path.join(out, "validation_report.json"))

    def features():
        built, names = S.build_features(df, cfg["lags"], cfg["windows"])
        charts = S.feature_charts(built, names)
        S.write_json(os.path.join(out, "feature_list.json"), {"features": names, "charts": {"correlation": charts["correlation"]}})
        return built, names

    built, names = clock.stage("features", features)
    labelled = clock.stage("labels", S.build_labels, built, cfg["horizon"])
    cv = clock.stage("cv", cross_validate, labelled, names, cfg, out)
    sub: dict = {}
    st = clock.stage("stack", stack, cv["stacking"], cfg, out, sub)
    result = {
        "side": "reference",
        "stages": clock.stages,
        "sessionWallMs": (time.perf_counter() - clock.t0) * 1000,
        "processWallMs": (time.perf_counter() - wall0) * 1000,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": len(cv["stacking"]),
        "foldRows": cv["fold_rows"],
        "modelSeconds": cv["seconds"],
        "metaAuc": st["metrics"]["roc_auc"],
        "metaMetrics": {k: v["value"] for k, v in st["metrics"].items()},
        "baseMetrics": st["base"],
        "stackSeconds": sub,
        "evaluation": st["evaluation"],
        "scoredRows": st["scored_rows"],
        "versions": versions(),
    }
    S.write_json(cfg["result"], result)


def versions() -> dict:
    import sklearn
    import xgboost

    return {"python": sys.version.split()[0], "pandas": pd.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__, "xgboost": xgboost.__version__}


if __name__ == "__main__":
    main()
