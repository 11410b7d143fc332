#!/usr/bin/python3
"""xgboost and torch as the peers of `scope-bench inference` (run with Debian's /usr/bin/python3: numpy, python3-xgboost,
python3-torch). The models and rows are those of tools/bench/make_inference_models.py (--models: its output folder).

Both peers run on one core: torch.set_num_threads(1) (and one inter-op thread), xgboost nthread=1 for the booster and
the DMatrix. Inputs are the first --rows rows of features.npy / dmdt.npy, prepared as ScopeWeb's model cards say:
min-max scaling with feature_stats.json computed in float64 then cast to float32; for the XGBoost models a missing
value stays NaN (the trees' default direction), for the DNNs it is filled with 0 before scaling (SCoPe v1's rule).
Preparation is not timed in the throughput runs (ScopeWeb's are timed on the same prepared matrices).

Timed, each model over all rows, best of --repeat passes, printed as one JSON line per measurement on stdout:
  xgboost  "predict"           Booster.predict(DMatrix), the DMatrix built beforehand (not timed; a new one per model,
                               since xgboost caches a booster's predictions per DMatrix)
  xgboost  "DMatrix"           building one such DMatrix from the float32 matrix (mean over the models)
  xgboost  "inplace_predict"   Booster.inplace_predict(numpy array): no DMatrix at all
  torch    "forward"           model(features, dmdt) under torch.inference_mode(), eval(), in batches of --batch rows
  latency  one source (one random row) through all 22 XGBoost (inplace_predict) and 22 torch models, including
           its scaling, --latency-iterations times: p50 and p99 in ms.
With --scores-dir, the scores go to scores_xgb.npy and scores_dnn.npy (float32 [tags, rows], tags in meta.json order)
so the caller can compare them with its own.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_inference_models import DEFAULT_OUT, DMDT_SIDE, build_scopenet, scale  # noqa: E402


def emit(**row):
    print(json.dumps(row), flush=True)


def best_of(repeat, fn):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default=DEFAULT_OUT, help="make_inference_models.py's output folder (default: ../bench-data/inference beside the repository)")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--dnn-rows", type=int, help="rows for the torch throughput run (default: --rows)")
    p.add_argument("--batch", type=int, default=4096, help="torch batch rows (as ScopeWeb's: OnnxClassifier.MaxBatchRows)")
    p.add_argument("--repeat", type=int, default=1, help="passes per model; the fastest counts")
    p.add_argument("--latency-iterations", type=int, default=2000)
    p.add_argument("--scores-dir", help="write scores_xgb.npy / scores_dnn.npy here")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: xgb, dnn, latency")
    args = p.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    import torch
    import xgboost as xgb

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    with open(os.path.join(args.models, "meta.json")) as fh:
        meta = json.load(fh)
    with open(os.path.join(args.models, "feature_stats.json")) as fh:
        stats = json.load(fh)
    tags = [m["tag"] for m in meta["models"]]
    names = meta["features"]
    raw = np.load(os.path.join(args.models, "features.npy"), mmap_mode="r")[:args.rows]
    dmdt = np.load(os.path.join(args.models, "dmdt.npy"), mmap_mode="r")[:args.rows]
    rows = len(raw)
    x_xgb = scale(np.asarray(raw), stats, fill_missing=False)
    x_dnn = scale(np.asarray(raw), stats, fill_missing=True)
    dmdt = np.array(dmdt, dtype=np.float32).reshape(rows, 1, DMDT_SIDE, DMDT_SIDE)  # a writable copy for torch
    common = {"rows": rows, "models": len(tags), "threads": 1}

    boosters = []
    for tag in tags:
        booster = xgb.Booster({"nthread": 1})
        booster.load_model(os.path.join(args.models, "xgb", f"{tag}.json"))
        booster.set_param({"nthread": 1})
        boosters.append(booster)
    nets = []
    for tag in tags:
        net = build_scopenet(len(meta["features"]))
        net.load_state_dict(torch.load(os.path.join(args.models, "dnn", f"{tag}.pt")))
        net.eval()
        nets.append(net)

    if "xgb" not in skip:
        def dmatrix():
            return xgb.DMatrix(x_xgb, missing=np.nan, nthread=1, feature_names=names)

        for b in boosters:  # warm-up: the first predict sets up the predictor
            b.predict(xgb.DMatrix(x_xgb[:64], missing=np.nan, nthread=1, feature_names=names))
            b.inplace_predict(x_xgb[:64], missing=np.nan)
        # xgboost caches a booster's predictions per DMatrix, so every timed predict gets a DMatrix it has not seen.
        predict_total, dmatrix_total, scores_xgb = 0.0, 0.0, np.empty((len(tags), rows), dtype=np.float32)
        for i, b in enumerate(boosters):
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                data = dmatrix()
                built = time.perf_counter()
                scores = b.predict(data)
                done = time.perf_counter()
                if done - built < best:
                    best, dmatrix_seconds = done - built, built - start
                del data
            predict_total += best
            dmatrix_total += dmatrix_seconds
            scores_xgb[i] = scores
        emit(peer="xgboost", version=xgb.__version__, variant="predict", seconds=predict_total, **common)
        emit(peer="xgboost", version=xgb.__version__, variant="DMatrix", seconds=dmatrix_total / len(tags), **common,
             detail="building one DMatrix from the float32 matrix (mean over the models)")
        total = 0.0
        for i, b in enumerate(boosters):
            seconds, scores = best_of(args.repeat, lambda: b.inplace_predict(x_xgb, missing=np.nan))
            total += seconds
            if not np.allclose(scores, scores_xgb[i], rtol=0, atol=1e-6, equal_nan=True):
                sys.exit(f"{tags[i]}: inplace_predict and predict disagree")
        emit(peer="xgboost", version=xgb.__version__, variant="inplace_predict", seconds=total, **common)
        if args.scores_dir:
            np.save(os.path.join(args.scores_dir, "scores_xgb.npy"), scores_xgb)

    if "dnn" not in skip:
        dnn_rows = min(args.dnn_rows or rows, rows)
        features_t = torch.from_numpy(x_dnn[:dnn_rows])
        dmdt_t = torch.from_numpy(dmdt[:dnn_rows])

        def forward(net):
            out = np.empty(dnn_rows, dtype=np.float32)
            with torch.inference_mode():
                for start in range(0, dnn_rows, args.batch):
                    end = min(start + args.batch, dnn_rows)
                    out[start:end] = net(features_t[start:end], dmdt_t[start:end])[:, 0].numpy()
            return out

        with torch.inference_mode():
            for net in nets:  # warm-up
                net(features_t[:64], dmdt_t[:64])
        total, scores_dnn = 0.0, np.empty((len(tags), dnn_rows), dtype=np.float32)
        for i, net in enumerate(nets):
            seconds, scores = best_of(args.repeat, lambda: forward(net))
            total += seconds
            scores_dnn[i] = scores
        emit(peer="torch", version=torch.__version__, variant="forward", seconds=total, batch=args.batch,
             **{**common, "rows": dnn_rows})
        if args.scores_dir:
            np.save(os.path.join(args.scores_dir, "scores_dnn.npy"), scores_dnn)

    if "latency" not in skip and args.latency_iterations > 0:
        lo = np.array([stats[n]["min"] for n in meta["features"]])
        span = np.array([stats[n]["max"] for n in meta["features"]]) - lo
        rng = np.random.default_rng(7)
        picks = rng.integers(0, rows, args.latency_iterations + 50)
        times = []
        with torch.inference_mode():
            for k, r in enumerate(picks):
                start = time.perf_counter()
                row = raw[r:r + 1]
                xr = ((row - lo) / span).astype(np.float32)
                xd = torch.from_numpy(((np.where(np.isfinite(row), row, 0.0) - lo) / span).astype(np.float32))
                image = torch.from_numpy(dmdt[r:r + 1])
                for b in boosters:
                    b.inplace_predict(xr, missing=np.nan)
                for net in nets:
                    net(xd, image)
                if k >= 50:  # the first 50 warm up
                    times.append(time.perf_counter() - start)
        ms = np.array(times) * 1000
        emit(peer="python", variant="single-source latency", iterations=len(ms), p50_ms=float(np.percentile(ms, 50)),
             p99_ms=float(np.percentile(ms, 99)), models=2 * len(tags),
             detail="xgboost inplace_predict + torch forward, one row, scaling included")


if __name__ == "__main__":
    main()
