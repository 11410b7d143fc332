#!/usr/bin/python3
"""Peers for `scope bench linear-accuracy`: scikit-learn's random forest and xgboost (multi-class) on the same
stratified split the bench wrote (split.json: train/test row indices, feature names). Prints markdown rows."""
import csv
import json
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
import xgboost as xgb

data_path, split_path = sys.argv[1], sys.argv[2]
split = json.load(open(split_path))
rows = list(csv.DictReader(open(data_path)))
features = split["features"]
X = np.array([[float(r[f]) if r[f] not in ("", "nan") else np.nan for f in features] for r in rows], dtype=np.float64)
labels = [r["class_name"] for r in rows]
classes = sorted(set(labels))
y = np.array([classes.index(l) for l in labels])
train, test = np.array(split["train"]), np.array(split["test"])

results = []
rf = RandomForestClassifier(n_estimators=500, random_state=42, n_jobs=1).fit(X[train], y[train])
p = rf.predict(X[test])
results.append(("scikit-learn random forest (500 trees)", accuracy_score(y[test], p), f1_score(y[test], p, average="macro")))
model = xgb.XGBClassifier(n_estimators=300, max_depth=5, learning_rate=0.1, subsample=0.8, colsample_bytree=0.8,
                          objective="multi:softprob", tree_method="hist", n_jobs=1, random_state=42)
model.fit(X[train], y[train])
p = model.predict(X[test])
results.append(("xgboost multi:softprob (300 rounds, depth 5)", accuracy_score(y[test], p), f1_score(y[test], p, average="macro")))
for name, acc, f1 in results:
    print(f"| {name} | {acc:.4f} | {f1:.4f} |")
