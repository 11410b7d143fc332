#!/usr/bin/python3
"""Quick probes behind docs/benchmarks.md "LINEAR accuracy", with xgboost alone over many stratified splits of the 4,301
rows (none of the bench's reported seeds): the ten catalogue features with and without Sarle's bimodality coefficient,
and the learning curve (training rows vs accuracy). Usage: tools/bench/linear_feature_probe.py [linear_features_labeled.csv]"""
import csv
import sys

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedShuffleSplit
import xgboost as xgb

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/linear_periodic_features/linear_features_labeled.csv"
rows = list(csv.DictReader(open(path)))
base = ["ug", "gi", "iK", "JK", "logP", "Ampl", "skew", "kurt", "magMed", "nObs"]
X = np.array([[float(r[f]) for f in base] for r in rows])
labels = [r["class_name"] for r in rows]
classes = sorted(set(labels))
y = np.array([classes.index(label) for label in labels])
skew, kurt = X[:, base.index("skew")], X[:, base.index("kurt")]
with_bimodality = np.column_stack([X, (skew ** 2 + 1) / (kurt + 3)])


def run(features, test_size, n_splits, seed):
    accuracy, macro_f1 = [], []
    for train, test in StratifiedShuffleSplit(n_splits=n_splits, test_size=test_size, random_state=seed).split(features, y):
        model = xgb.XGBClassifier(n_estimators=300, max_depth=5, learning_rate=0.1, subsample=0.8, colsample_bytree=0.8,
                                  tree_method="hist", n_jobs=2, random_state=42).fit(features[train], y[train])
        predicted = model.predict(features[test])
        accuracy.append(accuracy_score(y[test], predicted))
        macro_f1.append(f1_score(y[test], predicted, average="macro"))
    return len(train), np.mean(accuracy), np.std(accuracy) / np.sqrt(n_splits), np.mean(macro_f1)


print("| xgboost, 20 stratified 70/30 splits (random_state 7) | accuracy ± s.e. | macro-F1 |")
print("|---|---:|---:|")
for name, features in [("ten catalogue features", X), ("+ bimodality coefficient", with_bimodality)]:
    _, accuracy, error, macro_f1 = run(features, 0.3, 20, 7)
    print(f"| {name} | {accuracy:.4f} ± {error:.4f} | {macro_f1:.4f} |")
print()
print("| learning curve (ten features, random_state 0) | training rows | accuracy ± s.e. | macro-F1 |")
print("|---|---:|---:|---:|")
for test_size, n_splits in [(0.51, 10), (0.3, 10), (0.1, 20)]:
    train_rows, accuracy, error, macro_f1 = run(X, test_size, n_splits, 0)
    print(f"| test share {test_size} | {train_rows} | {accuracy:.4f} ± {error:.4f} | {macro_f1:.4f} |")
