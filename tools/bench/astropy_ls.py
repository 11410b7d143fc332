#!/usr/bin/python3
"""astropy LombScargle as the peer of `scope-bench period-search` (run with Debian's /usr/bin/python3: numpy, astropy).

Input: a CSV with header `id,mjd,mag,magerr` (one light curve per id, any order). For each light curve it evaluates
LombScargle(t, y, dy, fit_mean=True, center_data=True, normalization='standard') on the regular grid
f_k = fmin + k*df (k < count), or on the light curve's own SCoPe grid (fmin = 2/baseline, df = 1/(spp*baseline),
up to fmax) when --fmax is given, and prints one JSON line per light curve and method:
  {"id": ..., "method": "fast"|"cython"|"slow", "ms": wall-clock milliseconds of .power(), "frequencies": n,
   "best_period": 1/argmax}
Timing covers only the .power() call (grid and model set-up are excluded), repeated --repeat times, best kept.
"""
import argparse
import csv
import json
import sys
import time
from collections import defaultdict

import numpy as np
from astropy.timeseries import LombScargle


def read(path):
    curves = defaultdict(list)
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            curves[row["id"]].append((float(row["mjd"]), float(row["mag"]), float(row["magerr"])))
    for key, rows in curves.items():
        a = np.array(sorted(rows))
        yield key, a[:, 0], a[:, 1], a[:, 2]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True)
    p.add_argument("--methods", default="fast,cython", help="comma-separated astropy methods")
    p.add_argument("--fmin", type=float)
    p.add_argument("--df", type=float)
    p.add_argument("--count", type=int)
    p.add_argument("--fmax", type=float, help="per-light-curve SCoPe grid up to this frequency instead of fmin/df/count")
    p.add_argument("--spp", type=float, default=10, help="samples per peak of the per-light-curve grid")
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    methods = [m for m in args.methods.split(",") if m]
    for key, t, y, dy in read(args.input):
        if args.fmax:
            baseline = t.max() - t.min()
            fmin, df = 2 / baseline, 1 / (args.spp * baseline)
            freq = fmin + df * np.arange(int(np.ceil((args.fmax - fmin) / df)))
        else:
            freq = args.fmin + args.df * np.arange(args.count)
        model = LombScargle(t, y, dy, fit_mean=True, center_data=True, normalization="standard")
        for method in methods:
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                power = model.power(freq, method=method)
                best = min(best, time.perf_counter() - start)
            print(json.dumps({"id": key, "method": method, "ms": best * 1000, "frequencies": int(freq.size),
                              "best_period": float(1 / freq[np.argmax(power)])}))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
