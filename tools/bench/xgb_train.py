#!/usr/bin/python3
"""xgboost (tree_method hist) training as the peer of `scope-bench gbdt-train` (Debian's /usr/bin/python3: numpy, python3-xgboost).

Input: --data DIR holding train_x.npy [N, F] float32 (NaN = missing), train_y.npy [N] float32 0/1, val_x.npy, val_y.npy,
written by the C# side so both libraries train on the same bytes. Parameters are SCoPe's XGB starting point
(scope/xgb.py): max_depth 3, min_child_weight 1, eta 0.3, subsample 0.6, colsample_bytree 0.6, binary:logistic,
eval_metric auc on the training and the validation set every round (SCoPe's evals=[(dtrain, 'dtrain'), (dval, 'dval')];
early stopping watches the last, dval), scale_pos_weight = negatives / positives of train, seed.

For each --threads value it prints one JSON line:
  {"threads": t, "seconds": DMatrix construction + xgb.train, "dmatrix_seconds": ..., "rounds": trained rounds,
   "best_round": kept rounds, "eval_auc": xgboost's validation AUC of the kept model, "predictions": path,
   "xgboost": version}
and writes the kept model's validation probabilities to DIR/xgb_pred_<label>.npy (float32) so the caller can score them
with the same AUC code as its own. Prediction is outside the timing.
"""
import argparse
import json
import time

import numpy as np
import xgboost as xgb


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--threads", default="2,1", help="comma-separated nthread values, one training each")
    p.add_argument("--rounds", type=int, default=200, help="num_boost_round")
    p.add_argument("--early-stopping", type=int, default=0, help="early_stopping_rounds on validation AUC (0 = off)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--label", default="run", help="names the predictions file")
    p.add_argument("--repeat", type=int, default=1, help="trainings per thread count; the fastest is reported")
    args = p.parse_args()

    train_x = np.load(f"{args.data}/train_x.npy")
    train_y = np.load(f"{args.data}/train_y.npy")
    val_x = np.load(f"{args.data}/val_x.npy")
    val_y = np.load(f"{args.data}/val_y.npy")
    positives = float(train_y.sum())
    scale_pos_weight = (len(train_y) - positives) / positives

    for threads in [int(t) for t in args.threads.split(",") if t]:
        params = {
            "max_depth": 3,
            "min_child_weight": 1,
            "eta": 0.3,
            "subsample": 0.6,
            "colsample_bytree": 0.6,
            "objective": "binary:logistic",
            "eval_metric": "auc",
            "scale_pos_weight": scale_pos_weight,
            "tree_method": "hist",
            "nthread": threads,
            "seed": args.seed,
        }
        best = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            dtrain = xgb.DMatrix(train_x, label=train_y, missing=np.nan, nthread=threads)
            dval = xgb.DMatrix(val_x, label=val_y, missing=np.nan, nthread=threads)
            built = time.perf_counter()
            history = {}
            booster = xgb.train(
                params, dtrain, num_boost_round=args.rounds, evals=[(dtrain, "dtrain"), (dval, "dval")], evals_result=history,
                early_stopping_rounds=args.early_stopping or None, verbose_eval=False)
            seconds = time.perf_counter() - start
            if best is None or seconds < best[0]:
                best = (seconds, built - start, booster, history, dval)

        seconds, dmatrix_seconds, booster, history, dval = best
        aucs = history["dval"]["auc"]
        kept = booster.best_iteration + 1 if args.early_stopping else len(aucs)
        predictions = booster.predict(dval, iteration_range=(0, kept)).astype(np.float32)
        path = f"{args.data}/xgb_pred_{args.label}_{threads}.npy"
        np.save(path, predictions)
        print(json.dumps({
            "threads": threads, "seconds": seconds, "dmatrix_seconds": dmatrix_seconds, "rounds": len(aucs),
            "best_round": kept, "eval_auc": float(aucs[kept - 1]), "predictions": path, "xgboost": xgb.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
