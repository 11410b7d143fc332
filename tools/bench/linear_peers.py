#!/usr/bin/python3
"""Peers for `scope-bench linear-accuracy`: scikit-learn's random forest, xgboost (multi-class), an RBF support-vector
machine and the mean of the three, on the same stratified split and features the bench wrote (split.json: train/test
row indices, feature names). Prints markdown rows."""
import csv
import json
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from sklearn.svm import SVC
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

# Random forest and SVM need complete rows (joined columns can be missing): median of the training rows.
models = [
    ("scikit-learn random forest (500 trees)",
     make_pipeline(SimpleImputer(strategy="median"), RandomForestClassifier(n_estimators=500, random_state=42, n_jobs=1))),
    ("xgboost multi:softprob (300 rounds, depth 5)",
     xgb.XGBClassifier(n_estimators=300, max_depth=5, learning_rate=0.1, subsample=0.8, colsample_bytree=0.8,
                       objective="multi:softprob", tree_method="hist", n_jobs=1, random_state=42)),
    ("scikit-learn RBF SVM (quantile-normal inputs, C 10)",
     make_pipeline(SimpleImputer(strategy="median"), QuantileTransformer(n_quantiles=200, output_distribution="normal"),
                   SVC(C=10, probability=True, random_state=0))),
]
probabilities = []
for name, model in models:
    p = model.fit(X[train], y[train]).predict_proba(X[test])
    probabilities.append(p)
    predicted = p.argmax(1)
    print(f"| {name} | {accuracy_score(y[test], predicted):.4f} | {f1_score(y[test], predicted, average='macro'):.4f} |")
predicted = sum(probabilities).argmax(1)
print(f"| peers' mean (random forest + xgboost + SVM) | {accuracy_score(y[test], predicted):.4f} | {f1_score(y[test], predicted, average='macro'):.4f} |")

# One-vs-rest RBF kernel logistic regression (every training row a centre, L2, standardised inputs): the kind of
# one-model-per-tag kernel classifier that could join ScopeWeb's XGB, measured alone and averaged with xgboost.
imputer = SimpleImputer(strategy="median").fit(X[train])
scaler = StandardScaler().fit(imputer.transform(X[train]))
A, B = scaler.transform(imputer.transform(X[train])), scaler.transform(imputer.transform(X[test]))
gamma = 1.0 / A.shape[1]
K_train, K_test = rbf_kernel(A, A, gamma=gamma), rbf_kernel(B, A, gamma=gamma)
kernel = np.zeros((len(test), len(classes)))
for c in range(len(classes)):
    model = LogisticRegression(C=10, max_iter=2000).fit(K_train, (y[train] == c).astype(int))
    kernel[:, c] = model.predict_proba(K_test)[:, 1]
for name, p in [("one-vs-rest RBF kernel logistic regression (C 10)", kernel), ("mean of xgboost and the kernel logistic regression", probabilities[1] + kernel)]:
    predicted = p.argmax(1)
    print(f"| {name} | {accuracy_score(y[test], predicted):.4f} | {f1_score(y[test], predicted, average='macro'):.4f} |")
