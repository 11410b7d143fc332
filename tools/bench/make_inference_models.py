#!/usr/bin/python3
"""Models and rows for `scope-bench inference` (run with Debian's /usr/bin/python3: numpy, python3-xgboost, python3-torch).

With a fixed seed it makes a SCoPe-like feature table, labels for SCoPe v1's 22 tags, and per tag one XGBoost
binary:logistic model (JSON) and one ScopeNet DNN (features + 26x26 dmdt, exported to ONNX opset 17 with a dynamic
batch). Everything goes to OUT (default ../bench-data/inference beside the repository, where `scope-bench inference`
looks by default), never into the repository:

  OUT/features.npy        float64 [rows, 40]  raw (unscaled) features of the scored rows; NaN = missing
  OUT/dmdt.npy            float32 [rows, 676] dmdt histograms (26x26 row-major, L2-normalised)
  OUT/feature_stats.json  {feature: {min, max, median, mean, std}} of the training rows (SCoPe's feature_stats)
  OUT/meta.json           tags, feature names, per-tag XGBoost parameters, tree counts, validation AUCs
  OUT/xgb/<tag>.json      Booster.save_model (what SCoPe's --save writes)
  OUT/dnn/<tag>.onnx      torch.onnx.export of the DNN: inputs features [N, 40], dmdt [N, 1, 26, 26]; output score [N, 1]
  OUT/dnn/<tag>.pt        the same DNN's state_dict, for the torch peer (tools/bench/inference_peers.py)

The table: SCoPe's 40 v1 phenomenological features (docs/science.md "Tags and feature sets") with marginals shaped after the d15 feature_stats
(SCoPe's config feature_stats: magnitudes ~ normal around 17.2, heavy-tailed positive statistics ~ log-normal with the same median,
Fourier coefficients ~ Laplace around 0, bounded ones in their ranges), correlated through six latent variables that
also drive the labels, so the models have structure to learn. Missing values: 3% of rows have a failed Fourier fit
(all 16 f1_* NaN, as lcstats gives) and sources without ZTF alerts have no mean_ztf_alert_braai.

XGBoost (SCoPe's scope/xgb.py, docs/science.md "Gradient-boosted trees"): binary:logistic, eval_metric auc, num_boost_round 999 with early
stopping 10 on a validation split, then a retrain with best_iteration+1 rounds. The per-tag parameters are drawn from
SCoPe's grid-search ranges (max_depth 3-7, min_child_weight 1-5, eta 0.3/0.2/0.1, subsample and colsample_bytree
0.6-1.0) with the seed, so the 22 models differ the way tuned SCoPe models do. Inputs are min-max scaled like SCoPe's
(NaN stays NaN and takes the trees' default direction).

DNN (ScopeNet, docs/science.md "ScopeNet"): dense branch Linear(40,256)-ReLU-Linear(256,32)-ReLU; conv branch of four separable
convs (depthwise 3x3 + pointwise 1x1, as Keras' SeparableConv2D) 1->16->16, max-pool 2, 16->32->32, global average
pool; concat -> Linear(64,16)-ReLU-Linear(16,1)-sigmoid; dropouts (identity at inference) as in SCoPe. Each is
trained for --dnn-steps Adam steps (AMSGrad, lr 3e-4 as SCoPe's quirk makes it; batch 64) from Keras-like glorot
initialisation, enough for realistic weights, not for a good classifier. Inputs: min-max scaled features with NaN
replaced by 0 first (SCoPe v1's rule for the DNN).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

FEATURES = [
    "ad", "chi2red", "f1_BIC", "f1_a", "f1_amp", "f1_b", "f1_phi0", "f1_power",
    "f1_relamp1", "f1_relamp2", "f1_relamp3", "f1_relamp4", "f1_relphi1", "f1_relphi2", "f1_relphi3", "f1_relphi4",
    "field", "i60r", "i70r", "i80r", "i90r", "inv_vonneumannratio", "iqr", "mean_ztf_alert_braai", "median",
    "median_abs_dev", "n_ztf_alerts", "norm_excess_var", "norm_peak_to_peak_amp", "period", "roms", "significance",
    "skew", "smallkurt", "stetson_j", "stetson_k", "sw", "welch_i", "wmean", "wstd",
]

# SCoPe v1's 22 tags (docs/science.md "Tags and feature sets", marked with a star) with a rough positive fraction each (SCoPe's training-set counts).
TAGS = {
    "vnv": 0.70, "pnp": 0.60, "longt": 0.03, "i": 0.04, "fla": 0.03, "ew": 0.30, "eb": 0.02, "ea": 0.015, "e": 0.40,
    "agn": 0.004, "bis": 0.38, "blyr": 0.02, "ceph": 0.01, "dscu": 0.04, "lpv": 0.02, "mir": 0.002, "puls": 0.15,
    "rrlyr": 0.09, "rscvn": 0.01, "srv": 0.006, "wuma": 0.31, "yso": 0.025,
}

DMDT_SIDE = 26
LATENT = 6


def feature_table(rng, rows):
    """Raw features (float64, NaN = missing) and the latent variables behind them."""
    z = rng.standard_normal((rows, LATENT))
    # Latents: 0 amplitude of variability, 1 log period, 2 eclipse-likeness, 3 photometric noise, 4 brightness, 5 red noise.
    mix = rng.normal(0.0, 0.35, (len(FEATURES), LATENT))
    lead = {
        "ad": 0, "chi2red": 0, "f1_BIC": 0, "f1_a": 4, "f1_amp": 0, "f1_b": 5, "f1_phi0": 1, "f1_power": 2,
        "f1_relamp1": 2, "f1_relamp2": 2, "f1_relamp3": 1, "f1_relamp4": 1, "f1_relphi1": 1, "f1_relphi2": 2,
        "f1_relphi3": 1, "f1_relphi4": 5, "field": 4, "i60r": 0, "i70r": 0, "i80r": 0, "i90r": 0,
        "inv_vonneumannratio": 5, "iqr": 0, "mean_ztf_alert_braai": 3, "median": 4, "median_abs_dev": 0,
        "n_ztf_alerts": 0, "norm_excess_var": 0, "norm_peak_to_peak_amp": 0, "period": 1, "roms": 0,
        "significance": 2, "skew": 2, "smallkurt": 2, "stetson_j": 5, "stetson_k": 3, "sw": 3, "welch_i": 5,
        "wmean": 4, "wstd": 0,
    }
    out = np.empty((rows, len(FEATURES)))
    for j, name in enumerate(FEATURES):
        w = mix[j].copy()
        w[lead[name]] += 1.0
        s = z @ w / np.linalg.norm(w)
        s = 0.85 * s + math.sqrt(1 - 0.85 ** 2) * rng.standard_normal(rows)  # measurement scatter
        out[:, j] = marginal(name, s)
    # i60r < i70r < i80r < i90r and iqr below them, as percentile spans are.
    base = out[:, FEATURES.index("iqr")]
    for k, name in enumerate(["i60r", "i70r", "i80r", "i90r"]):
        out[:, FEATURES.index(name)] = base * (1.2 + 0.22 * k) * np.exp(0.05 * rng.standard_normal(rows))
    out[:, FEATURES.index("wmean")] = out[:, FEATURES.index("median")] + rng.normal(0, 0.02, rows)
    out[:, FEATURES.index("f1_a")] = out[:, FEATURES.index("median")] + rng.normal(0, 0.05, rows)
    # Missing values: failed Fourier fits, and no alerts -> no mean braai score.
    failed = rng.random(rows) < 0.03
    for j, name in enumerate(FEATURES):
        if name.startswith("f1_"):
            out[failed, j] = np.nan
    no_alerts = out[:, FEATURES.index("n_ztf_alerts")] == 0
    out[no_alerts, FEATURES.index("mean_ztf_alert_braai")] = np.nan
    return out, z


def marginal(name, s):
    """Maps a standard normal score to the feature's marginal (medians and spreads after SCoPe's d15 feature_stats)."""
    lognormal = {  # median, sigma of log
        "ad": (4.83, 1.3), "chi2red": (8.35, 1.6), "f1_BIC": (230.9, 1.5), "inv_vonneumannratio": (0.657, 1.0),
        "iqr": (0.141, 0.8), "median_abs_dev": (0.066, 0.8), "norm_excess_var": (1.8e-5, 2.0),
        "norm_peak_to_peak_amp": (0.0068, 0.9), "period": (0.168, 2.2), "roms": (2.39, 0.9),
        "significance": (58.6, 0.9), "stetson_j": (5.44, 1.4), "welch_i": (5.78, 1.8), "wstd": (0.0875, 0.8),
        "smallkurt": (158.0, 1.8), "i60r": (0.17, 0.8), "i70r": (0.2, 0.8), "i80r": (0.24, 0.8), "i90r": (0.27, 0.8),
    }
    laplace = {  # scale
        "f1_amp": 0.09, "f1_phi0": 0.1, "f1_relamp1": 0.05, "f1_relamp2": 0.03, "f1_relamp3": 0.02, "f1_relamp4": 0.015,
        "f1_relphi1": 0.05, "f1_relphi2": 0.035, "f1_relphi3": 0.02, "f1_relphi4": 0.015, "f1_b": 5e-5,
    }
    if name in lognormal:
        median, sigma = lognormal[name]
        return median * np.exp(sigma * s)
    if name in laplace:
        # A Laplace variate from the score: sign and exponential tail.
        p = np.clip(0.5 * (1 + np.tanh(s * 0.8)), 1e-12, 1 - 1e-12)
        return np.where(p < 0.5, laplace[name] * np.log(2 * p), -laplace[name] * np.log(2 * (1 - p)))
    if name in ("median", "f1_a", "wmean"):
        return np.clip(17.2 + 1.98 * s, 11.9, 21.7)
    if name == "skew":
        return 2.2 * np.sinh(1.5 * s)
    if name == "field":
        return np.clip(np.round(683 + 146 * s), 250, 876)
    if name == "n_ztf_alerts":
        return np.maximum(0.0, np.round(np.exp(4.2 + 1.5 * s) - 8))
    if name == "mean_ztf_alert_braai":
        return 1 / (1 + np.exp(-(1.4 + 1.2 * s)))
    if name == "stetson_k":
        return np.clip(0.85 + 0.04 * s, 0, 0.99)
    if name == "sw":
        return np.clip(1 - 0.1 * np.exp(0.9 * s), 0, 0.9927)
    if name == "f1_power":
        return 1 / (1 + np.exp(-(1.2 + 1.5 * s)))
    raise KeyError(name)


def labels(rng, z, tags):
    """Binary labels per tag: a noisy additive nonlinear function of the latents plus one interaction, cut at a
    SCoPe-like prevalence. Additive structure is what boosting learns tree by tree."""
    y = {}
    for tag, fraction in tags.items():
        score = np.zeros(len(z))
        for k in range(LATENT):
            a, b, c, d = rng.normal(0, 1, 4)
            score += 0.6 * a * z[:, k] + b * np.tanh(2 * c * z[:, k]) + 0.3 * d * z[:, k] ** 2
        pair = rng.choice(LATENT, 2, replace=False)
        score += 0.8 * np.tanh(z[:, pair[0]] * z[:, pair[1]])
        # Label noise: validation AUCs of 0.90-0.99, the range SCoPe reports for its classifiers.
        score = score / score.std() + 0.3 * rng.standard_normal(len(score))
        cut = np.quantile(score, 1 - fraction)
        y[tag] = (score > cut).astype(np.float32)
    return y


def dmdt(rng, z):
    """L2-normalised 26x26 histograms shaped like dmdt: a dm spread that grows with amplitude and dt, Poisson counts."""
    rows = len(z)
    dm_centres = np.array([-6.25, -3.75, -2.75, -2.25, -1.75, -1.375, -1.0, -0.625, -0.4, -0.25, -0.15, -0.075, -0.025,
                           0.025, 0.075, 0.15, 0.25, 0.4, 0.625, 1.0, 1.375, 1.75, 2.25, 2.75, 3.75, 6.25])
    dt_weight = np.linspace(0.3, 1.0, DMDT_SIDE) * np.exp(-((np.arange(DMDT_SIDE) - 15) / 8.0) ** 2)
    out = np.empty((rows, DMDT_SIDE * DMDT_SIDE), dtype=np.float32)
    chunk = 4096
    for start in range(0, rows, chunk):
        zz = z[start:start + chunk]
        amp = 0.05 * np.exp(0.9 * zz[:, 0])[:, None, None] * (1 + 0.1 * np.arange(DMDT_SIDE))[None, None, :]
        shape = np.exp(-0.5 * (dm_centres[None, :, None] / amp) ** 2) * dt_weight[None, None, :]
        counts = rng.poisson(shape * 400.0).astype(np.float32)
        norm = np.sqrt((counts ** 2).sum(axis=(1, 2), keepdims=True))
        counts = np.where(norm > 0, counts / np.maximum(norm, 1e-30), 0)
        out[start:start + chunk] = counts.reshape(len(zz), -1)
    return out


def finite_or_none(value):
    """JSON has no NaN (a validation split without positives has no AUC)."""
    return value if math.isfinite(value) else None


def feature_stats(raw):
    stats = {}
    for j, name in enumerate(FEATURES):
        col = raw[:, j]
        stats[name] = {"min": float(np.nanmin(col)), "max": float(np.nanmax(col)), "median": float(np.nanmedian(col)),
                       "mean": float(np.nanmean(col)), "std": float(np.nanstd(col))}
    return stats


def scale(raw, stats, fill_missing):
    """SCoPe's min_max scaling in float64 then a float32 cast (ScopeWeb's FeaturePreprocessor does the same)."""
    lo = np.array([stats[n]["min"] for n in FEATURES])
    hi = np.array([stats[n]["max"] for n in FEATURES])
    x = np.where(np.isfinite(raw), raw, 0.0) if fill_missing else raw
    return ((x - lo) / (hi - lo)).astype(np.float32)


def build_scopenet(feature_count):
    import torch
    from torch import nn

    class SeparableConv2d(nn.Sequential):
        """Keras SeparableConv2D: depthwise 3x3 (no bias, depth multiplier 1) then pointwise 1x1 with bias."""

        def __init__(self, cin, cout):
            super().__init__(nn.Conv2d(cin, cin, 3, groups=cin, bias=False), nn.Conv2d(cin, cout, 1, bias=True))

    class ScopeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.dense = nn.Sequential(nn.Linear(feature_count, 256), nn.ReLU(), nn.Dropout(0.25), nn.Linear(256, 32), nn.ReLU())
            self.conv = nn.Sequential(
                SeparableConv2d(1, 16), nn.ReLU(), SeparableConv2d(16, 16), nn.ReLU(), nn.Dropout(0.25), nn.MaxPool2d(2),
                SeparableConv2d(16, 32), nn.ReLU(), SeparableConv2d(32, 32), nn.ReLU(), nn.Dropout(0.25),
                nn.AdaptiveAvgPool2d(1), nn.Flatten())
            self.head = nn.Sequential(nn.Dropout(0.4), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid())
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.Conv2d)):
                    nn.init.xavier_uniform_(m.weight)  # Keras glorot_uniform, zero bias
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)

        def forward(self, features, dmdt):
            return self.head(torch.cat([self.dense(features), self.conv(dmdt)], dim=1))

    return ScopeNet()


def train_xgb(tag, rng, x_train, y_train, x_val, y_val, xgb):
    params = {
        "objective": "binary:logistic", "eval_metric": "auc", "tree_method": "hist", "nthread": 1,
        "max_depth": int(rng.choice([3, 4, 5, 6, 7])), "min_child_weight": int(rng.integers(1, 6)),
        "eta": float(rng.choice([0.3, 0.2, 0.1])), "subsample": float(rng.choice([0.6, 0.7, 0.8, 0.9, 1.0])),
        "colsample_bytree": float(rng.choice([0.6, 0.7, 0.8, 0.9, 1.0])), "seed": int(rng.integers(1, 10)),
    }
    dtrain = xgb.DMatrix(x_train, label=y_train, feature_names=FEATURES, missing=np.nan)
    dval = xgb.DMatrix(x_val, label=y_val, feature_names=FEATURES, missing=np.nan)
    first = xgb.train(params, dtrain, 999, evals=[(dtrain, "dtrain"), (dval, "dval")], early_stopping_rounds=10,
                      verbose_eval=False)
    rounds = first.best_iteration + 1
    booster = xgb.train(params, dtrain, rounds)  # SCoPe retrains with best_iteration + 1 and no early stopping
    auc = float(booster.eval(dval).split(":")[-1])
    return booster, params, rounds, auc


def train_dnn(net, steps, features, dmdt_rows, y, seed, torch):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=3e-4, amsgrad=True)
    loss_fn = torch.nn.BCELoss()
    n = len(y)
    gen = np.random.default_rng(seed)
    net.train()
    for _ in range(steps):
        idx = gen.integers(0, n, 64)
        xf = torch.from_numpy(features[idx])
        xd = torch.from_numpy(dmdt_rows[idx].reshape(-1, 1, DMDT_SIDE, DMDT_SIDE))
        loss = loss_fn(net(xf, xd)[:, 0], torch.from_numpy(y[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    return float(loss.detach())


# Beside the repository (tools/bench/ is two levels below its root), never inside it.
DEFAULT_OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench-data", "inference"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", nargs="?", default=DEFAULT_OUT, help="output folder (default: ../bench-data/inference beside the repository)")
    p.add_argument("--rows", type=int, default=100_000, help="scored rows written to features.npy / dmdt.npy")
    p.add_argument("--train-rows", type=int, default=120_000, help="training rows (10%% of them validate; SCoPe: 170,632 labelled)")
    p.add_argument("--dnn-steps", type=int, default=150, help="Adam steps per DNN")
    p.add_argument("--tags", default=",".join(TAGS), help="comma-separated subset of the 22 tags")
    p.add_argument("--seed", type=int, default=20261123)
    args = p.parse_args()

    import torch
    import xgboost as xgb

    torch.set_num_threads(1)
    tags = {t: TAGS[t] for t in args.tags.split(",") if t}
    unknown = [t for t in args.tags.split(",") if t and t not in TAGS]
    if unknown:
        sys.exit(f"unknown tags: {unknown}")
    out = os.path.abspath(args.out)
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if out == repo or out.startswith(repo + os.sep):
        sys.exit(f"{out} is inside the repository; write the models elsewhere")
    os.makedirs(os.path.join(out, "xgb"), exist_ok=True)
    os.makedirs(os.path.join(out, "dnn"), exist_ok=True)

    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    train_raw, train_z = feature_table(rng, args.train_rows)
    stats = feature_stats(train_raw)
    train_y = labels(rng, train_z, tags)
    train_dmdt = dmdt(rng, train_z)
    score_raw, score_z = feature_table(rng, args.rows)
    score_dmdt = dmdt(rng, score_z)
    np.save(os.path.join(out, "features.npy"), score_raw)
    np.save(os.path.join(out, "dmdt.npy"), score_dmdt)
    with open(os.path.join(out, "feature_stats.json"), "w") as fh:
        json.dump(stats, fh, indent=1)
    print(f"tables: {args.train_rows} training rows, {args.rows} scored rows ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

    x_xgb = scale(train_raw, stats, fill_missing=False)
    x_dnn = scale(train_raw, stats, fill_missing=True)
    n_val = args.train_rows // 10
    meta = {"features": FEATURES, "rows": args.rows, "seed": args.seed, "dmdt_shape": [1, DMDT_SIDE, DMDT_SIDE],
            "xgboost": xgb.__version__, "torch": torch.__version__, "models": []}
    for i, (tag, _) in enumerate(tags.items()):
        t0 = time.perf_counter()
        y = train_y[tag]
        booster, params, rounds, auc = train_xgb(tag, rng, x_xgb[n_val:], y[n_val:], x_xgb[:n_val], y[:n_val], xgb)
        booster.save_model(os.path.join(out, "xgb", f"{tag}.json"))
        t1 = time.perf_counter()
        torch.manual_seed(args.seed + i)
        net = build_scopenet(len(FEATURES))
        loss = train_dnn(net, args.dnn_steps, x_dnn[n_val:], train_dmdt[n_val:], y[n_val:], args.seed + i, torch)
        torch.save(net.state_dict(), os.path.join(out, "dnn", f"{tag}.pt"))
        example = (torch.from_numpy(x_dnn[:2]), torch.from_numpy(train_dmdt[:2].reshape(-1, 1, DMDT_SIDE, DMDT_SIDE)))
        torch.onnx.export(net, example, os.path.join(out, "dnn", f"{tag}.onnx"), opset_version=17,
                          input_names=["features", "dmdt"], output_names=["score"],
                          dynamic_axes={"features": {0: "N"}, "dmdt": {0: "N"}, "score": {0: "N"}})
        dumped = booster.get_dump()
        meta["models"].append({
            "tag": tag, "positive_fraction": float(y.mean()), "xgb_params": {k: v for k, v in params.items() if k != "nthread"},
            "xgb_trees": rounds, "xgb_nodes": int(sum(d.count("\n") for d in dumped)), "xgb_val_auc": finite_or_none(auc),
            "dnn_steps": args.dnn_steps, "dnn_last_loss": finite_or_none(loss),
        })
        print(f"{tag}: xgb {rounds} trees (depth {params['max_depth']}, eta {params['eta']}), val AUC {auc:.3f}, "
              f"{t1 - t0:.1f} s; dnn {args.dnn_steps} steps, loss {loss:.3f}, {time.perf_counter() - t1:.1f} s", file=sys.stderr)
    with open(os.path.join(out, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1, allow_nan=False)
    trees = [m["xgb_trees"] for m in meta["models"]]
    print(f"wrote {out}: {len(tags)} tags, XGBoost trees min {min(trees)} median {int(np.median(trees))} max {max(trees)}, "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
