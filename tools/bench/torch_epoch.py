#!/usr/bin/python3
"""PyTorch peer of `scope-bench dnn-epoch`: the same ScopeNet epoch in Debian's python3-torch.

Run by the bench (same run, after its own timings) with Debian's interpreter:
    /usr/bin/python3 tools/bench/torch_epoch.py --data DIR --threads 2,1 --variants conv,dense --epochs 1 --batch-size 64

DIR holds what the bench wrote: meta.json {rows, validation_rows, feature_count, seed} and little-endian float32 arrays
train_features.f32 [rows, F], train_dmdt.f32 [rows, 676], train_labels.f32 [rows], and the same three validation_*.f32.
The network is tools/models/make_scopenet_fixture.py's ScopeNet (SCoPe's Keras model in torch, Keras initialisers).
One epoch, timed the way ScopeWeb's DnnTrainer times it: shuffle, every batch (index_select, forward, class-weighted
binary cross-entropy, backward, Adam with AMSGrad and eps 1e-7 at lr 3e-4), then the validation split scored under no_grad.
Prints one JSON object: {"torch_version", "results": [{"variant", "threads", "epoch_seconds": [...]}]}.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
from make_scopenet_fixture import ScopeNet, keras_init  # noqa: E402


def load(directory: str, prefix: str, rows: int, features: int):
    def array(name: str, shape):
        return torch.from_numpy(np.fromfile(os.path.join(directory, f"{prefix}_{name}.f32"), dtype="<f4").reshape(shape))

    return array("features", (rows, features)), array("dmdt", (rows, 1, 26, 26)), array("labels", (rows,))


def run(variant: str, threads: int, epochs: int, batch_size: int, seed: int, train, validation):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    conv = variant == "conv"
    model = ScopeNet(train[0].shape[1], dense_branch=True, conv_branch=conv)
    keras_init(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4, betas=(0.9, 0.999), eps=1e-7, amsgrad=True)
    features, dmdt, labels = train
    positives = float(labels.sum())
    negatives = len(labels) - positives
    # SCoPe's weight_per_class: inverse counts over their maximum.
    inverse = torch.tensor([1 / negatives, 1 / positives])
    weights = (inverse / inverse.max())[labels.long()]
    rng = np.random.default_rng(seed)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(len(labels)))
        for first in range(0, len(labels), batch_size):
            index = order[first:first + batch_size]
            optimizer.zero_grad()
            scores = model(features.index_select(0, index), dmdt.index_select(0, index) if conv else None).squeeze(1)
            loss = torch.nn.functional.binary_cross_entropy(scores, labels.index_select(0, index), weights.index_select(0, index))
            loss.backward()
            optimizer.step()
            float(loss)
        model.eval()
        with torch.no_grad():
            v_features, v_dmdt, _ = validation
            for first in range(0, len(v_features), 1024):
                model(v_features[first:first + 1024], v_dmdt[first:first + 1024] if conv else None)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--threads", default="2,1")
    parser.add_argument("--variants", default="conv,dense")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    with open(os.path.join(args.data, "meta.json"), encoding="utf-8") as handle:
        meta = json.load(handle)
    train = load(args.data, "train", meta["rows"], meta["feature_count"])
    validation = load(args.data, "validation", meta["validation_rows"], meta["feature_count"])
    results = []
    for variant in args.variants.split(","):
        for threads in (int(t) for t in args.threads.split(",")):
            seconds = run(variant, threads, args.epochs, args.batch_size, meta["seed"], train, validation)
            results.append({"variant": variant, "threads": threads, "epoch_seconds": seconds})
    print(json.dumps({"torch_version": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
