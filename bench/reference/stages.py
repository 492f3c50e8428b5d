"""The pandas / scikit-learn / xgboost reference of bench/pipeline.pipeline, one function per cell.

Each function does what the Phasebook phase of the same name does (core/phases/*.ts), the way a
Python user would write it: pandas for frames, scikit-learn pipelines for the linear models,
xgboost `hist` for the boosted trees, numpy for the bootstrap. Pure functions of their inputs
except where a file is written (the same artifacts Phasebook writes; pickles instead of Parquet
because Debian ships no pyarrow).
"""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PRICE_COLUMNS = ["open", "high", "low", "close"]
MAX_NULL_RATE = 0.05
MAX_CHARTED_ROWS = 100_000
BINS = 30
EPS = np.finfo(np.float64).eps


# ---------------------------------------------------------------------------------------- load
def load(csv_path: str) -> pd.DataFrame:
    """CSV -> frame with UTC `timestamp`, sorted by symbol then time (Phasebook's `load`)."""
    df = pd.read_csv(csv_path, dtype={"symbol": str, "open": np.float64, "high": np.float64, "low": np.float64, "close": np.float64, "volume": np.float64})
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return df.sort_values(["symbol", "timestamp"], kind="mergesort").reset_index(drop=True)


# ------------------------------------------------------------------------------------ validate
def validate(df: pd.DataFrame, report_path: str) -> dict:
    """The `ohlcv` contract checks; writes the report and raises when a check fails."""
    checks: dict[str, int] = {}
    required = ["timestamp", "symbol", *PRICE_COLUMNS, "volume"]
    checks["columns"] = sum(c not in df.columns for c in required)
    checks["dtypes"] = sum(not pd.api.types.is_numeric_dtype(df[c]) for c in [*PRICE_COLUMNS, "volume"])
    checks["timezone"] = 0 if str(df["timestamp"].dt.tz) == "UTC" else 1
    prev = df.groupby("symbol", sort=False)["timestamp"].shift(1)
    checks["order"] = int((df["timestamp"] < prev).sum())
    checks["duplicates"] = int(df.duplicated(["symbol", "timestamp"]).sum())
    checks["ranges"] = int((df[PRICE_COLUMNS] < 0).any(axis=1).sum())
    bad = (df["low"] > df[["open", "close"]].min(axis=1)) | (df["high"] < df[["open", "close"]].max(axis=1)) | (df["low"] > df["high"]) | (df["volume"] < 0)
    checks["ohlc"] = int(bad.sum())
    null_rates = df[required].isna().mean()
    checks["nulls"] = int((null_rates > MAX_NULL_RATE).sum())
    report = {"contract": "ohlcv", "rows": len(df), "checks": checks, "null_rates": null_rates.round(6).to_dict(), "passed": all(v == 0 for v in checks.values())}
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
    if not report["passed"]:
        raise ValueError(f"validation failed: {checks}")
    return report


# ------------------------------------------------------------------------------------ features
def feature_names(lags: list[int], windows: list[int]) -> list[str]:
    names = ["ret", *[f"ret_lag_{k}" for k in lags]]
    for w in windows:
        names += [f"ret_roll_mean_{w}", f"ret_roll_std_{w}"]
    return names


def build_features(df: pd.DataFrame, lags: list[int], windows: list[int]) -> tuple[pd.DataFrame, list[str]]:
    """Log return, its lags and rolling mean/std (ddof 1) per symbol; rows with a missing or
    non-finite feature (each symbol's warm-up) are dropped."""
    df = df.copy()
    close_prev = df.groupby("symbol", sort=False)["close"].shift(1)
    df["ret"] = np.log(df["close"] / close_prev)
    g = df.groupby("symbol", sort=False)["ret"]
    for k in lags:
        df[f"ret_lag_{k}"] = g.shift(k)
    for w in windows:
        r = g.rolling(w)
        df[f"ret_roll_mean_{w}"] = r.mean().reset_index(level=0, drop=True)
        df[f"ret_roll_std_{w}"] = r.std().reset_index(level=0, drop=True)
    names = feature_names(lags, windows)
    df[names] = df[names].replace([np.inf, -np.inf], np.nan)
    return df.dropna(subset=names).reset_index(drop=True), names


def feature_charts(df: pd.DataFrame, names: list[str]) -> dict:
    """What Phasebook's features cell charts: a 30-bin histogram per feature and the correlation
    matrix, on every k-th row of a frame longer than 100,000 rows."""
    step = math.ceil(len(df) / MAX_CHARTED_ROWS) if len(df) > MAX_CHARTED_ROWS else 1
    x = df[names].to_numpy()[::step]
    hists = {n: np.histogram(x[:, j], bins=BINS)[0].tolist() for j, n in enumerate(names)}
    return {"histograms": hists, "correlation": np.corrcoef(x, rowvar=False).tolist()}


# -------------------------------------------------------------------------------------- labels
def build_labels(df: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Forward return over `horizon` rows per symbol and its direction (1 = up); rows without a
    full horizon are dropped."""
    fwd = df.groupby("symbol", sort=False)["close"].shift(-horizon) / df["close"] - 1
    df = df.assign(**{f"fwd_ret_h{horizon}": fwd, f"dir_h{horizon}": (fwd > 0).astype(np.float64)})
    return df[np.isfinite(fwd.to_numpy())].reset_index(drop=True)


# -------------------------------------------------------------------------------------- folds
def timestamps_ms(ts: pd.Series) -> np.ndarray:
    return (ts.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[ms]").astype(np.int64)).astype(np.float64)


def label_ends(times: np.ndarray, symbols: pd.Series, horizon: int) -> np.ndarray:
    """Time of the row `horizon` rows later in the same symbol; +inf when there is none."""
    later = pd.Series(times).groupby(symbols.to_numpy(), sort=False).shift(-horizon).to_numpy()
    return np.where(np.isnan(later), np.inf, later)


def purged_folds(times: np.ndarray, ends: np.ndarray, test_fold: np.ndarray, pct_embargo: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices per fold from the test fold of every row, with Phasebook's purge
    (drop training rows whose label interval [t, t1] meets the test span) and embargo (the
    ceil(pct * bars) bars right after the test block)."""
    bars, bar_of = np.unique(times, return_inverse=True)
    embargo = math.ceil(pct_embargo * len(bars))
    out = []
    for k in np.unique(test_fold[test_fold >= 0]):
        test = test_fold == k
        start = times[test].min()
        max_end = ends[test].max()
        last = bar_of[test].max() + 1
        keep = ~test & ((ends < start) | (times > max_end))
        keep &= ~((bar_of >= last) & (bar_of < min(len(bars), last + embargo)))
        out.append((np.flatnonzero(keep), np.flatnonzero(test)))
    return out


# -------------------------------------------------------------------------------------- models
def fit_predict(kind: str, X_tr: np.ndarray, y_tr: np.ndarray, X_te: np.ndarray, params: dict, seed: int, threads: int) -> np.ndarray:
    """P(up) for the test rows."""
    if kind == "ridge":
        m = make_pipeline(StandardScaler(), Ridge(alpha=params.get("alpha", 1.0))).fit(X_tr, y_tr)
        return np.clip(m.predict(X_te), 0.0, 1.0)
    if kind == "logistic":
        m = make_pipeline(StandardScaler(), LogisticRegression(C=params.get("C", 1.0), max_iter=100)).fit(X_tr, y_tr)
        return m.predict_proba(X_te)[:, 1]
    if kind == "gbdt":
        booster = xgb.train(
            {
                "objective": "binary:logistic",
                "tree_method": "hist",
                "max_depth": params["max_depth"],
                "eta": params["learning_rate"],
                # Phasebook's max_bin counts value bins and keeps one more for missing values.
                "max_bin": params["max_bin"] + 1,
                "min_child_weight": params["min_child_weight"],
                "lambda": params["lambda"],
                "nthread": threads,
                "seed": seed,
            },
            xgb.DMatrix(X_tr, label=y_tr, nthread=threads),
            num_boost_round=params["n_estimators"],
        )
        return booster.predict(xgb.DMatrix(X_te, nthread=threads))
    raise ValueError(f"unknown model {kind}")


def fold_scores(y: np.ndarray, p: np.ndarray) -> dict:
    return {
        "roc_auc": roc_auc_score(y, p),
        "log_loss": log_loss(y, p, labels=[0, 1]),
        "accuracy": accuracy_score(y, p > 0.5),
        "brier": brier_score_loss(y, p),
    }


# ----------------------------------------------------------------------------------- bootstrap
def weighted_metrics(y: np.ndarray, p: np.ndarray):
    """Per metric, a function of row counts (how often each row was drawn): O(n) per resample,
    the same weighted forms Phasebook's bootstrap evaluates (rows sorted once for the AUC)."""
    n = len(y)
    pc = np.clip(p, EPS, 1 - EPS)
    loss = -(y * np.log(pc) + (1 - y) * np.log(1 - pc))
    correct = ((p > 0.5) == (y == 1)).astype(np.float64)
    sq = (p - y) ** 2
    _, group = np.unique(p, return_inverse=True)  # tie groups in ascending score order

    def auc(w: np.ndarray) -> float:
        pos = np.bincount(group, weights=w * y)
        neg = np.bincount(group, weights=w * (1 - y))
        P, N = pos.sum(), neg.sum()
        if P == 0 or N == 0:
            return math.nan
        below = np.cumsum(neg) - neg
        return float(np.dot(pos, below + 0.5 * neg) / (P * N))

    return {
        "roc_auc": auc,
        "log_loss": lambda w: float(np.dot(w, loss) / w.sum()),
        "accuracy": lambda w: float(np.dot(w, correct) / w.sum()),
        "brier": lambda w: float(np.dot(w, sq) / w.sum()),
        "_n": n,
    }


def block_length(bars: int, horizon: int) -> int:
    """Phasebook's default moving block: max(horizon, ceil(bars^(1/3))), at most the bar count."""
    return max(1, min(bars, max(horizon, math.ceil(bars ** (1 / 3) - 1e-9))))


def bootstrap_cis(y: np.ndarray, p: np.ndarray, times: np.ndarray, horizon: int, resamples: int, seed: int, alpha: float = 0.05) -> dict:
    """Percentile bootstrap CI of each metric, as Phasebook's default: a moving-block bootstrap
    over bars (every row of one timestamp drawn together, blocks of max(horizon, ceil(bars^(1/3)))
    consecutive bars from uniform starts until as many bars as the data has), one resample scoring
    every metric (paired)."""
    fns = weighted_metrics(y, p)
    n = fns.pop("_n")
    bars, bar_of = np.unique(times, return_inverse=True)
    units = len(bars)
    block = block_length(units, horizon)
    rng = np.random.default_rng(seed)
    values = {name: [] for name in fns}
    for _ in range(resamples):
        starts = rng.integers(0, units - block + 1, -(-units // block))
        drawn = (starts[:, None] + np.arange(block)[None, :]).ravel()[:units]
        w = np.bincount(drawn, minlength=units).astype(np.float64)[bar_of]
        for name, fn in fns.items():
            v = fn(w)
            if not math.isnan(v):
                values[name].append(v)
    out = {}
    for name, fn in fns.items():
        low, high = np.quantile(values[name], [alpha / 2, 1 - alpha / 2])
        out[name] = {"value": fn(np.ones(n)), "low": float(low), "high": float(high)}
    return out


def meta_walk_forward(fold: np.ndarray, times: np.ndarray, ends: np.ndarray, pct_embargo: float) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Phasebook's purged walk-forward of the meta-learner over the CV folds: each fold after the
    first is scored by a fit on the earlier folds' rows, less rows whose label ends at or after
    the fold's first timestamp (purge) and rows in the ceil(pct * bars) bars right before it
    (the embargo as a gap)."""
    bars, bar_of = np.unique(times, return_inverse=True)
    embargo = math.ceil(pct_embargo * len(bars))
    out = []
    for f in np.unique(fold)[1:]:
        test = fold == f
        first = bar_of[test].min()
        start = bars[first]
        train = (fold < f) & ~(ends >= start) & ~(bar_of >= first - embargo)
        out.append((int(f), np.flatnonzero(train), np.flatnonzero(test)))
    return out


def write_json(path: str, data) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
