#!/usr/bin/python3
"""Make the PyTorch → ONNX test fixtures for OnnxClassifier (features-only and dmdt models) and `scope models import --onnx`.

Run with Debian's interpreter, which has python3-torch (no pip install needed):
    /usr/bin/python3 tools/models/make_torch_fixture.py [output_dir]
Default output_dir: tests/ScopeWeb.Core.Tests/Fixtures/Classifiers

The models stand in for a user's own models: untrained (fixed seed), exported with torch.onnx.export (opset 17, dynamic
batch axis) under input and output names that are deliberately not ScopeWeb's own ("features" → "score").
Writes:
  torch_mlp.onnx            5 features → 16 relu → 8 relu → 1 sigmoid; input "input_features" [N, 5], output "prob" [N, 1]
  torch_mlp_softmax.onnx    the same network with a two-class softmax head, softmax([0, z]); output "probabilities" [N, 2],
                            whose column 1 is the class probability
  torch_scopenet.onnx       a small ScopeNet-like two-input model (docs/science.md "ScopeNet"): features (6) → dense 16 relu; dmdt →
                            separable conv 3×3 (depthwise + pointwise, 8 channels) relu → maxpool 2 → global average pool;
                            concatenate → dense 8 relu → dense 1 sigmoid. Inputs "input_features" [N, 6] and
                            "input_dmdt" [N, 1, 26, 26] (torch NCHW), output "prob" [N, 1]
  torch_scopenet_nhwc.onnx  the same weights with the dmdt input in Keras/tf2onnx layout: inputs "dmdt" [N, 26, 26, 1]
                            (listed first) and "features" [N, 6], output "score" [N, 1]
  torch_scopenet_hw.onnx    the same weights, dmdt [N, 26, 26] without a channel axis; inputs "x0" (features) and "x1"
                            (dmdt) carry no hint in their names; output "y" [N] (squeezed)
  torch_test_rows.json      the test rows and torch's own outputs (float32, shortest round-trip text):
                            {"torch_version", "mlp": {"features", "rows", "scores", "softmax_scores"},
                             "scopenet": {"features", "rows", "dmdt", "scores"}}; each row's dmdt image is its list of
                            non-zero cells [dm_bin, dt_bin, value] (the 26×26 image has rows = dm bins, columns = dt bins),
                            which keeps the file small; [] is the all-zero image
The dmdt images are sparse, Frobenius-normalised count images like SCoPe's (an all-zero one is the empty histogram).
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

MLP_FEATURES = ["ad", "chi2red", "f1_amp", "iqr", "skew"]
# Disjoint names, so one features CSV can carry both models' rows (ScopeWeb.Cli.Tests OnnxImportTorchTests).
SCOPENET_FEATURES = ["median", "wstd", "stetson_j", "n", "f1_relamp2", "f1_power"]
DMDT_SIDE = 26
OPSET = 17


class Mlp(nn.Module):
    def __init__(self, n_features: int) -> None:
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(n_features, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1))

    def logit(self, features: torch.Tensor) -> torch.Tensor:
        return self.hidden(features)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logit(features))


class MlpSoftmax(nn.Module):
    """Two-class head: softmax over [0, z], so column 1 is the positive-class probability."""

    def __init__(self, mlp: Mlp) -> None:
        super().__init__()
        self.mlp = mlp

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        z = self.mlp.logit(features)
        return torch.softmax(torch.cat([torch.zeros_like(z), z], dim=1), dim=1)


class ScopeNetLike(nn.Module):
    """Features and dmdt branches as ScopeNet, much smaller; dmdt in NCHW [N, 1, 26, 26]."""

    def __init__(self, n_features: int) -> None:
        super().__init__()
        self.dense = nn.Sequential(nn.Linear(n_features, 16), nn.ReLU())
        # Keras SeparableConv2D = depthwise 3×3 (one channel in: groups=1) then pointwise 1×1.
        self.depthwise = nn.Conv2d(1, 1, kernel_size=3, groups=1, bias=False)
        self.pointwise = nn.Conv2d(1, 8, kernel_size=1)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Linear(16 + 8, 8), nn.ReLU(), nn.Linear(8, 1))

    def forward(self, features: torch.Tensor, dmdt: torch.Tensor) -> torch.Tensor:
        f = self.dense(features)
        c = torch.relu(self.pointwise(self.depthwise(dmdt)))
        c = torch.flatten(self.gap(self.pool(c)), 1)
        return torch.sigmoid(self.head(torch.cat([f, c], dim=1)))


class ScopeNetNhwc(nn.Module):
    """Keras layout: dmdt [N, 26, 26, 1] given first, as a converted Keras model may list it."""

    def __init__(self, net: ScopeNetLike) -> None:
        super().__init__()
        self.net = net

    def forward(self, dmdt: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        return self.net(features, dmdt.permute(0, 3, 1, 2))


class ScopeNetHw(nn.Module):
    """dmdt [N, 26, 26] without a channel axis; one score per row as a 1-D output."""

    def __init__(self, net: ScopeNetLike) -> None:
        super().__init__()
        self.net = net

    def forward(self, features: torch.Tensor, dmdt: torch.Tensor) -> torch.Tensor:
        return self.net(features, dmdt.unsqueeze(1)).squeeze(1)


def export(model: nn.Module, args: tuple, path: str, inputs: list, output: str) -> None:
    model.eval()
    axes = {name: {0: "N"} for name in inputs + [output]}
    torch.onnx.export(model, args, path, input_names=inputs, output_names=[output], dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True)


def f32(value) -> float:
    """The float32 as the Python float of its shortest round-trip text, so json writes e.g. 0.1, not 0.10000000149."""
    return float(str(np.float32(value)))


def feature_rows(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    x = rng.normal(scale=1.5, size=(n, width)).astype(np.float32)
    # Edge cases: all zero, large magnitudes, tiny magnitudes, exact integers, one dominant feature.
    x[0, :] = 0
    x[1, :] = np.float32(1e4) * np.where(np.arange(width) % 2 == 0, 1, -1)
    x[2, :] = np.float32(1e-30)
    x[3, :] = np.arange(width, dtype=np.float32) - 2
    x[4, :] = 0
    x[4, width - 1] = np.float32(-37.25)
    return x


def dmdt_images(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sparse normalised pair-count images concentrated near dm = 0 (rows 12–13), as real light curves give."""
    images = np.zeros((n, DMDT_SIDE, DMDT_SIDE), dtype=np.float32)
    for i in range(n):
        counts = np.zeros((DMDT_SIDE, DMDT_SIDE))
        pairs = int(rng.integers(10, 80))
        rows = np.clip(np.rint(rng.normal(loc=12.5, scale=2.5 + i % 4, size=pairs)), 0, DMDT_SIDE - 1).astype(int)
        cols = rng.integers(0, DMDT_SIDE, size=pairs)
        np.add.at(counts, (rows, cols), 1)
        images[i] = (counts / np.sqrt((counts ** 2).sum())).astype(np.float32)
    images[0] = 0            # the empty histogram
    images[5] = 0
    images[5, 0, 25] = 1     # one pair only: a single cell of 1 at the image's corner (dm bin 0, dt bin 25)
    images[6] = 0
    images[6, 10:16, 3:9] = np.float32(1 / 6)  # a flat 6×6 block, norm 1
    return images


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "tests", "ScopeWeb.Core.Tests", "Fixtures", "Classifiers")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20261124)
    rng = np.random.default_rng(20261124)
    n_rows = 20

    mlp = Mlp(len(MLP_FEATURES)).eval()
    mlp_softmax = MlpSoftmax(mlp).eval()
    mlp_x = feature_rows(rng, n_rows, len(MLP_FEATURES))
    with torch.no_grad():
        mlp_scores = mlp(torch.from_numpy(mlp_x)).numpy()[:, 0]
        mlp_softmax_scores = mlp_softmax(torch.from_numpy(mlp_x)).numpy()[:, 1]
    export(mlp, (torch.from_numpy(mlp_x[:2]),), os.path.join(out, "torch_mlp.onnx"), ["input_features"], "prob")
    export(mlp_softmax, (torch.from_numpy(mlp_x[:2]),), os.path.join(out, "torch_mlp_softmax.onnx"),
           ["input_features"], "probabilities")

    net = ScopeNetLike(len(SCOPENET_FEATURES)).eval()
    # Default init leaves the 1-channel conv branch weak; scale it so the dmdt image visibly moves the score.
    with torch.no_grad():
        net.depthwise.weight.mul_(10.0)
        net.pointwise.weight.mul_(3.0)
        net.head[0].weight[:, 16:].mul_(5.0)
    net_x = feature_rows(rng, n_rows, len(SCOPENET_FEATURES))
    images = dmdt_images(rng, n_rows)
    features_t = torch.from_numpy(net_x)
    nchw = torch.from_numpy(images).unsqueeze(1)
    with torch.no_grad():
        net_scores = net(features_t, nchw).numpy()[:, 0]
        nhwc_scores = ScopeNetNhwc(net)(nchw.permute(0, 2, 3, 1), features_t).numpy()[:, 0]
        hw_scores = ScopeNetHw(net)(features_t, torch.from_numpy(images)).numpy()
        zero_image_scores = net(features_t, torch.zeros_like(nchw)).numpy()[:, 0]
    # The layout wrappers only move memory: they must give torch's scores bit for bit.
    assert np.array_equal(net_scores, nhwc_scores) and np.array_equal(net_scores, hw_scores)
    # The dmdt branch must matter, or the dmdt tests could pass with the image ignored. Row 0 has the empty image; row 1's
    # features of ±1e4 saturate the network.
    assert np.abs(net_scores - zero_image_scores)[2:].min() > 1e-3, np.abs(net_scores - zero_image_scores)
    export(net, (features_t[:2], nchw[:2]), os.path.join(out, "torch_scopenet.onnx"),
           ["input_features", "input_dmdt"], "prob")
    export(ScopeNetNhwc(net), (nchw[:2].permute(0, 2, 3, 1), features_t[:2]), os.path.join(out, "torch_scopenet_nhwc.onnx"),
           ["dmdt", "features"], "score")
    export(ScopeNetHw(net), (features_t[:2], torch.from_numpy(images[:2])), os.path.join(out, "torch_scopenet_hw.onnx"),
           ["x0", "x1"], "y")

    rows = {
        "generator": "tools/models/make_torch_fixture.py",
        "torch_version": torch.__version__,
        "mlp": {
            "features": MLP_FEATURES,
            "rows": [[f32(v) for v in row] for row in mlp_x],
            "scores": [f32(v) for v in mlp_scores],
            "softmax_scores": [f32(v) for v in mlp_softmax_scores],
        },
        "scopenet": {
            "features": SCOPENET_FEATURES,
            "rows": [[f32(v) for v in row] for row in net_x],
            "dmdt": [[[int(dm), int(dt), f32(image[dm, dt])] for dm, dt in zip(*np.nonzero(image))] for image in images],
            "scores": [f32(v) for v in net_scores],
        },
    }
    with open(os.path.join(out, "torch_test_rows.json"), "w", encoding="utf-8", newline="\n") as handle:
        json.dump(rows, handle, separators=(",", ":"))
        handle.write("\n")
    print(f"torch {torch.__version__}: wrote 5 ONNX models and {n_rows} + {n_rows} test rows to {os.path.abspath(out)}")
    print("mlp scores", np.round(mlp_scores, 4))
    print("scopenet scores", np.round(net_scores, 4))
    print("scopenet scores, zero images", np.round(zero_image_scores, 4))


if __name__ == "__main__":
    main()
