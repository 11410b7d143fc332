#!/usr/bin/python3
"""Make the XGBoost test fixture for ScopeWeb.Core.Tests/Classification (XgboostJsonImporterTests).

Run with Debian's interpreter, which has python3-xgboost:
    /usr/bin/python3 tools/models/make_xgb_fixture.py [output_dir]
Default output_dir: tests/ScopeWeb.Core.Tests/Fixtures/Classifiers

Writes:
  xgb_binary.json        the model, Booster.save_model (xgboost's JSON format)
  xgb_test_rows.csv      100 rows: feature columns (float32, '%.9g' round-trips; empty = NaN) and xgb_score,
                         xgboost's own predict() output (float32, full precision)
Some test rows carry NaNs and some carry values exactly equal to a split threshold of the model, so the
test exercises default_left routing and xgboost's strict `x < threshold` rule.
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

FEATURES = ["ad", "chi2red", "f1_amp", "iqr", "median", "skew"]


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "tests", "ScopeWeb.Core.Tests", "Fixtures", "Classifiers")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261123)

    n_train, n_features = 300, len(FEATURES)
    x = rng.normal(size=(n_train, n_features)).astype(np.float32)
    logit = 1.5 * x[:, 0] - x[:, 1] * x[:, 2] + 0.8 * np.abs(x[:, 3]) - 0.5
    y = (logit + rng.normal(scale=0.5, size=n_train) > 0).astype(np.float32)
    x[rng.random(size=x.shape) < 0.1] = np.nan

    dtrain = xgb.DMatrix(x, label=y, missing=np.nan, feature_names=FEATURES)
    # base_score away from 0.5 so the logit(base_score) margin offset matters.
    params = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "subsample": 0.8,
              "colsample_bytree": 0.8, "base_score": 0.35, "seed": 7, "nthread": 1}
    booster = xgb.train(params, dtrain, num_boost_round=20)
    model_path = os.path.join(out, "xgb_binary.json")
    booster.save_model(model_path)

    # Test rows: fresh data with NaNs, then plant exact split thresholds in some rows.
    n_test = 100
    xt = rng.normal(size=(n_test, n_features)).astype(np.float32)
    xt[rng.random(size=xt.shape) < 0.15] = np.nan
    with open(model_path, encoding="utf-8") as handle:
        trees = json.load(handle)["learner"]["gradient_booster"]["model"]["trees"]
    splits = [(idx, np.float32(cond))
              for tree in trees
              for idx, cond, left in zip(tree["split_indices"], tree["split_conditions"], tree["left_children"])
              if left != -1]
    for row in range(0, n_test, 4):
        feature, threshold = splits[(row * 7) % len(splits)]
        xt[row, feature] = threshold
    xt[1, :] = np.nan  # an all-missing row follows default_left everywhere

    scores = booster.predict(xgb.DMatrix(xt, missing=np.nan, feature_names=FEATURES))
    with open(os.path.join(out, "xgb_test_rows.csv"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(",".join(FEATURES + ["xgb_score"]) + "\n")
        for row in range(n_test):
            cells = ["" if np.isnan(v) else "%.9g" % v for v in xt[row]]
            cells.append("%.9g" % np.float32(scores[row]))
            handle.write(",".join(cells) + "\n")
    print(f"xgboost {xgb.__version__}: wrote {model_path} ({len(trees)} trees) and {n_test} test rows")


if __name__ == "__main__":
    main()
