#!/usr/bin/python3
"""Make the ScopeNet (SCoPe's DNN) test fixture for ScopeWeb.Core.Tests (ScopeNetGraphTests).

Run with Debian's interpreter, which has python3-torch:
    /usr/bin/python3 tools/models/make_scopenet_fixture.py [output_dir]
Default output_dir: tests/ScopeWeb.Core.Tests/Fixtures/Classifiers

Builds SCoPe's Keras functional network (reference docs/science.md "ScopeNet") in torch, with module names that mirror the
Keras layer names and so form the state_dict contract of ScopeNetWeights.FromStateDict:
  dense_fc_1 Linear(F, 256) → ReLU → dense_fc_2 Linear(256, 32) → ReLU
  conv_conv_k (k = 1..4) = depthwise Conv2d(C, C, 3, groups=C, bias=False) → pointwise Conv2d(C, C_out, 1) → ReLU,
      channels 1→16, 16→16, MaxPool 2×2, 16→32, 32→32, global average pool
  concat [dense 32, conv 32] → fc_1 Linear(64, 16) → ReLU → score Linear(16, 1) → sigmoid
Dropouts sit where Keras has them; eval() makes them identity.

Three variants (both branches, conv_branch=False, dense_branch=False) are trained briefly (Keras initialisers, Adam,
until the loss drops below TARGET_LOSS) on synthetic light curves (large- vs small-amplitude sinusoids, 15 % of labels
flipped so scores stay away from 0 and 1), so their weights and scores are not those of a fresh initialisation. The
two-branch net starts its conv branch from the conv-only net's weights, or the conv branch would stay dead and untested.
Weights are then rounded to 3 decimals to keep the file small (torch's outputs are computed with the rounded weights,
so the comparison stays exact). Test rows: 10 held-out curves, features standardised, dmdt
computed as lcstats.compute_dmdt does (histogram2d over (dt, dm), transposed, L2-normalised).

Writes scopenet_torch.json:
  feature_count, dmdt_shape, rows [{features, dmdt (676 values, row-major [dm bin, dt bin])}],
  variants [{name, dense_branch, conv_branch, state_dict {name: {shape, values}}, scores}]
Every float is the shortest decimal that round-trips its float32 value.
"""
import math
import os
import sys

import numpy as np
import torch
from torch import nn

FEATURE_COUNT = 6
DMDT_SIZE = 26
TEST_ROWS = 10
TRAIN_CURVES = 384
# With 15 % flipped labels the best achievable mean BCE is about 0.42.
TARGET_LOSS = 0.5
MAX_EPOCHS = 300

DM_EDGES = [-8, -4.5, -3, -2.5, -2, -1.5, -1.25, -0.75, -0.5, -0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3,
            0.5, 0.75, 1.25, 1.5, 2, 2.5, 3, 4.5, 8]
DT_EDGES = [0.0, 4 / 145, 1 / 25, 0.08, 0.12, 0.3, 0.75, 1, 1.5, 2.5, 3.5, 4.5, 5.5, 7, 10, 20, 30, 45, 60, 90, 120,
            180, 240, 360, 500, 650, 2000]


class SeparableConv(nn.Module):
    """Keras SeparableConv2D (depth multiplier 1, 3×3, valid) as depthwise + pointwise convolutions."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(channels_in, channels_in, 3, groups=channels_in, bias=False)
        self.pointwise = nn.Conv2d(channels_in, channels_out, 1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.pointwise(self.depthwise(x)))


class ScopeNet(nn.Module):
    def __init__(self, n_features: int, dense_branch: bool = True, conv_branch: bool = True) -> None:
        super().__init__()
        if not dense_branch and not conv_branch:
            raise ValueError("ScopeNet needs at least one branch")
        self.dense_branch = dense_branch
        self.conv_branch = conv_branch
        if dense_branch:
            self.dense_fc_1 = nn.Linear(n_features, 256)
            self.dense_dropout = nn.Dropout(0.25)
            self.dense_fc_2 = nn.Linear(256, 32)
        if conv_branch:
            self.conv_conv_1 = SeparableConv(1, 16)
            self.conv_conv_2 = SeparableConv(16, 16)
            self.conv_pool = nn.MaxPool2d(2)
            self.conv_dropout_1 = nn.Dropout(0.25)
            self.conv_conv_3 = SeparableConv(16, 32)
            self.conv_conv_4 = SeparableConv(32, 32)
            self.conv_dropout_2 = nn.Dropout(0.25)
        self.merge_dropout = nn.Dropout(0.4)
        self.fc_1 = nn.Linear(32 * (int(dense_branch) + int(conv_branch)), 16)
        self.score = nn.Linear(16, 1)

    def forward(self, features: torch.Tensor, dmdt: torch.Tensor) -> torch.Tensor:
        branches = []
        if self.dense_branch:
            x = torch.relu(self.dense_fc_1(features))
            x = torch.relu(self.dense_fc_2(self.dense_dropout(x)))
            branches.append(x)
        if self.conv_branch:
            y = self.conv_conv_2(self.conv_conv_1(dmdt))
            y = self.conv_conv_3(self.conv_pool(self.conv_dropout_1(y)))
            y = self.conv_conv_4(y)
            y = self.conv_dropout_2(y).mean(dim=(2, 3))
            branches.append(y)
        merged = torch.cat(branches, dim=1) if len(branches) > 1 else branches[0]
        x = torch.relu(self.fc_1(self.merge_dropout(merged)))
        return torch.sigmoid(self.score(x))


def dmdt(t: np.ndarray, m: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(len(t), k=1)
    hist, _, _ = np.histogram2d(t[j] - t[i], m[j] - m[i], bins=[DT_EDGES, DM_EDGES])
    hist = hist.T  # rows are dm bins, columns dt bins, as lcstats.compute_dmdt
    norm = np.linalg.norm(hist)
    return hist / norm if norm > 0 else hist


def light_curve(rng: np.random.Generator, large_amplitude: bool):
    """A ZTF-like sampled sinusoid: 1-3 visits a night in seasons, Gaussian errors growing towards faint magnitudes."""
    n_nights = int(rng.integers(40, 90))
    nights = np.sort(rng.choice(np.arange(0, 1400), size=n_nights, replace=False)).astype(float)
    nights = nights[(nights % 365) < 240]  # seasonal gaps
    visits = [night + 0.1 + rng.random() * 0.3 + np.arange(int(rng.integers(1, 4))) * 0.025 for night in nights]
    t = np.concatenate(visits)
    period = 10 ** rng.uniform(-1, 2.3)
    amplitude = rng.uniform(0.3, 1.5) if large_amplitude else rng.uniform(0.0, 0.1)
    median = rng.uniform(14, 19)
    error = 0.01 + 0.02 * np.exp(median - 17)
    m = median + amplitude * np.sin(2 * math.pi * t / period + rng.uniform(0, 2 * math.pi))
    m = m + rng.normal(scale=error, size=len(t))
    centred = m - m.mean()
    features = np.array([
        np.median(m), np.std(m), np.percentile(m, 95) - np.percentile(m, 5),
        float((centred ** 3).mean() / np.std(m) ** 3), math.log10(len(t)), error,
    ])
    return features, dmdt(t, m)


def make_data(rng: np.random.Generator, count: int):
    large_amplitude = rng.random(count) < 0.5
    pairs = [light_curve(rng, bool(large)) for large in large_amplitude]
    # 15 % flipped labels keep the trained scores away from 0 and 1, where a comparison of outputs would be weak.
    labels = large_amplitude ^ (rng.random(count) < 0.15)
    features = np.stack([pair[0] for pair in pairs])
    dmdts = np.stack([pair[1] for pair in pairs])[:, None, :, :]
    return features, np.round(dmdts, 6), labels.astype(np.float32)


def keras_init(model: ScopeNet) -> None:
    """Keras' defaults, which SCoPe keeps: glorot_uniform kernels, zero biases (torch's default init starves the conv
    branch, whose L2-normalised dmdt input is small next to torch's random biases)."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


def train(model: ScopeNet, features: torch.Tensor, dmdts: torch.Tensor, labels: torch.Tensor) -> None:
    """Adam until the mean epoch loss drops below TARGET_LOSS (the conv branch sits on a plateau for a seed-dependent
    number of epochs before it learns), then rounds the weights to 3 decimals."""
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.BCELoss()
    model.train()
    for epoch in range(MAX_EPOCHS):
        order = torch.randperm(len(labels))
        total, batches = 0.0, 0
        for start in range(0, len(labels), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(features[batch], dmdts[batch]).squeeze(1), labels[batch])
            loss.backward()
            optimizer.step()
            total, batches = total + float(loss), batches + 1
        if total / batches < TARGET_LOSS:
            break
    else:
        raise RuntimeError(f"training did not reach loss {TARGET_LOSS} in {MAX_EPOCHS} epochs")
    print(f"  trained {epoch + 1} epochs, loss {total / batches:.3f}")
    model.eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.round(parameter * 1000) / 1000)


def fmt(value) -> str:
    return np.format_float_positional(np.float32(value), unique=True, trim="-")


def floats(values) -> str:
    return "[" + ",".join(fmt(v) for v in np.asarray(values, dtype=np.float32).ravel()) + "]"


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "tests", "ScopeWeb.Core.Tests", "Fixtures", "Classifiers")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(20261124)
    rng = np.random.default_rng(20261124)

    features, dmdts, labels = make_data(rng, TRAIN_CURVES + TEST_ROWS)
    mean, std = features[:TRAIN_CURVES].mean(axis=0), features[:TRAIN_CURVES].std(axis=0)
    features = np.round((features - mean) / std, 4)  # standardised, as SCoPe scales features
    x = torch.tensor(features, dtype=torch.float32)
    d = torch.tensor(dmdts, dtype=torch.float32)
    y = torch.tensor(labels)
    train_x, train_d, train_y = x[:TRAIN_CURVES], d[:TRAIN_CURVES], y[:TRAIN_CURVES]
    test_x, test_d = x[TRAIN_CURVES:], d[TRAIN_CURVES:]

    variants = []
    trained_conv = None
    for name, dense_branch, conv_branch in [("conv_only", False, True), ("dense_only", True, False), ("both", True, True)]:
        model = ScopeNet(FEATURE_COUNT, dense_branch, conv_branch)
        keras_init(model)
        if dense_branch and conv_branch:
            # Jointly from scratch the dense branch learns first and the conv branch stays dead, so it would not be
            # tested; start it from the conv_only weights instead.
            model.load_state_dict({k: v for k, v in trained_conv.items() if k.startswith("conv_")}, strict=False)
        train(model, train_x, train_d, train_y)
        if not dense_branch:
            trained_conv = model.state_dict()
        with torch.no_grad():
            scores = model(test_x, test_d).squeeze(1).numpy()
            blank = model(test_x, torch.zeros_like(test_d)).squeeze(1).numpy()
        print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, scores {np.round(scores, 3)}, "
              f"max |score - score with zero dmdt| {np.abs(scores - blank).max():.3f}")
        variants.append((name, dense_branch, conv_branch, model.state_dict(), scores))

    lines = ["{",
             '  "generator": "tools/models/make_scopenet_fixture.py",',
             f'  "torch_version": "{torch.__version__}",',
             f'  "feature_count": {FEATURE_COUNT},',
             f'  "dmdt_shape": [1, {DMDT_SIZE}, {DMDT_SIZE}],',
             '  "rows": [']
    for r in range(TEST_ROWS):
        comma = "," if r < TEST_ROWS - 1 else ""
        lines.append(f'    {{"features": {floats(test_x[r])}, "dmdt": {floats(test_d[r])}}}{comma}')
    lines.append("  ],")
    lines.append('  "variants": [')
    for v, (name, dense_branch, conv_branch, state, scores) in enumerate(variants):
        lines.append("    {")
        lines.append(f'      "name": "{name}", "dense_branch": {str(dense_branch).lower()}, '
                     f'"conv_branch": {str(conv_branch).lower()},')
        lines.append('      "state_dict": {')
        keys = list(state.keys())
        for k, key in enumerate(keys):
            tensor = state[key]
            comma = "," if k < len(keys) - 1 else ""
            lines.append(f'        "{key}": {{"shape": {list(tensor.shape)}, "values": {floats(tensor.numpy())}}}{comma}')
        lines.append("      },")
        lines.append(f'      "scores": {floats(scores)}')
        lines.append("    }" + ("," if v < len(variants) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    path = os.path.join(out, "scopenet_torch.json")
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
