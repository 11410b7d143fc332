#!/usr/bin/python3
"""Reference values for ScopeWeb's generalised Lomb-Scargle (tests/.../Fixtures/PeriodSearch/gls_astropy.json).

Run with Debian's interpreter (numpy, astropy):  /usr/bin/python3 tools/reference/periodsearch_reference.py
It draws three small light curves from a fixed seed, evaluates astropy's LombScargle with errors, a floating mean and the
'standard' normalisation on one regular grid using an exact method (no FFT approximation), and writes light curves, grid
and powers to the fixture. The C# test recomputes the powers and requires agreement to 1e-6 (relative).
"""
import json
import os
import sys

import astropy
import numpy as np
from astropy.timeseries import LombScargle

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "ScopeWeb.Core.Tests", "Fixtures", "PeriodSearch",
                   "gls_astropy.json")


def light_curves(rng):
    # 1: sinusoid, 80 points over ~1.5 yr, heteroscedastic errors.
    t = np.sort(58000 + rng.uniform(0, 540, 80))
    e = rng.uniform(0.01, 0.05, t.size)
    yield "sinusoid", t, 16.2 + 0.3 * np.sin(2 * np.pi * t / 0.7314) + e * rng.standard_normal(t.size), e
    # 2: sawtooth (RRab-like), 60 points over ~4 yr.
    t = np.sort(58000 + rng.uniform(0, 1400, 60))
    e = np.full(t.size, 0.03)
    phase = (t / 0.5637) % 1
    yield "sawtooth", t, 17.0 + 0.8 * (phase - 0.5) + e * rng.standard_normal(t.size), e
    # 3: noise only around a faint mean, 120 points over ~1 yr.
    t = np.sort(59000 + rng.uniform(0, 365, 120))
    e = rng.uniform(0.05, 0.2, t.size)
    yield "noise", t, 19.5 + e * rng.standard_normal(t.size), e


def main():
    rng = np.random.default_rng(20240607)
    f_min, step, count = 0.01, 0.00731, 997  # a count that is not a multiple of any SIMD width
    freq = f_min + step * np.arange(count)
    method = "cython"
    out = {"generator": "tools/reference/periodsearch_reference.py",
           "astropy": astropy.__version__, "numpy": np.__version__,
           "call": f"LombScargle(t, y, dy, fit_mean=True, center_data=True, normalization='standard').power(f, method='{method}')",
           "minFrequencyPerDay": f_min, "stepPerDay": step, "count": count, "lightCurves": []}
    for name, t, y, e in light_curves(rng):
        power = LombScargle(t, y, e, fit_mean=True, center_data=True, normalization="standard").power(freq, method=method)
        out["lightCurves"].append({"name": name, "mjd": t.tolist(), "mag": y.tolist(), "magErr": e.tolist(),
                                   "power": power.tolist()})
    with open(OUT, "w") as fh:
        json.dump(out, fh)
        fh.write("\n")
    print(f"wrote {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
