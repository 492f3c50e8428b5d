"""Writes test/unit/gbdt/fixtures/xgb_small.json: a small deterministic problem and xgboost 1.7
`hist` predictions on it, for test/unit/gbdt/xgboost.test.ts. Features take few distinct values
(< max_bin) so both libraries see exactly the same candidate splits; feature 3 has NaNs.

Run once: /usr/bin/python3 bench/gbdt/make_fixture.py
"""
import json
import os

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "unit", "gbdt", "fixtures", "xgb_small.json")
PARAMS = {"n_estimators": 20, "max_depth": 3, "learning_rate": 0.3, "lambda": 1.0, "min_child_weight": 1.0, "base_score": 0.5}


def make(rng: np.random.Generator, n: int):
    X = rng.integers(0, 40, size=(n, 4)).astype(np.float64) / 4.0
    z = (X[:, 0] - 5) * (X[:, 1] - 5) / 8 + np.sin(X[:, 2]) + 0.3 * (X[:, 3] - 5)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    missing = rng.random(n) < 0.1
    X[missing, 3] = np.nan
    y[missing] = (rng.random(missing.sum()) < 0.8).astype(np.float64)  # missing means mostly 1
    return X, y


def main() -> None:
    rng = np.random.default_rng(20261122)
    Xtr, ytr = make(rng, 600)
    Xte, yte = make(rng, 300)
    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_bin": 256,
        "max_depth": PARAMS["max_depth"],
        "eta": PARAMS["learning_rate"],
        "lambda": PARAMS["lambda"],
        "min_child_weight": PARAMS["min_child_weight"],
        "base_score": PARAMS["base_score"],
        "nthread": 1,
    }
    booster = xgb.train(params, xgb.DMatrix(Xtr, label=ytr), num_boost_round=PARAMS["n_estimators"])
    pred = booster.predict(xgb.DMatrix(Xte))
    col = lambda X, j: [None if np.isnan(v) else float(v) for v in X[:, j]]
    out = {
        "generator": "bench/gbdt/make_fixture.py",
        "xgboost": xgb.__version__,
        "params": PARAMS,
        "train": {"columns": [col(Xtr, j) for j in range(4)], "y": ytr.tolist()},
        "test": {"columns": [col(Xte, j) for j in range(4)], "y": yte.tolist()},
        "xgb_test_pred": [round(float(p), 7) for p in pred],
        "xgb_test_auc": float(roc_auc_score(yte, pred)),
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
