"""xgboost reference for bench/gbdt/run.mjs: same data files, same split, same parameters.

Usage: /usr/bin/python3 xgb_reference.py X.f64 y.f64 ROWS TRAIN FEATURES THREADS TREES DEPTH ETA
Prints one JSON line: {"threads", "train_seconds", "cpu_seconds", "auc", "version"}.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def main() -> None:
    x_path, y_path = sys.argv[1], sys.argv[2]
    rows, train, features, threads, trees, depth = (int(a) for a in sys.argv[3:9])
    eta = float(sys.argv[9])
    X = np.fromfile(x_path, dtype="<f8").reshape(features, rows).T
    y = np.fromfile(y_path, dtype="<f8")
    dtrain = xgb.DMatrix(np.ascontiguousarray(X[:train]), label=y[:train], nthread=threads)
    dtest = xgb.DMatrix(np.ascontiguousarray(X[train:]), nthread=threads)
    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_depth": depth,
        "eta": eta,
        "max_bin": 256,
        "min_child_weight": 1,
        "lambda": 1,
        "nthread": threads,
        "seed": 1,
    }
    t0, c0 = time.perf_counter(), time.process_time()
    booster = xgb.train(params, dtrain, num_boost_round=trees)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    auc = roc_auc_score(y[train:], booster.predict(dtest))
    print(json.dumps({"threads": threads, "train_seconds": seconds, "cpu_seconds": cpu, "auc": auc, "version": xgb.__version__}))


if __name__ == "__main__":
    main()
