#!/usr/bin/python3
"""Reference values for ScopeWeb's SCoPe light-curve features (statistics, dmdt, Fourier decomposition).

Computes every value independently of the C# code, with numpy/scipy, from the definitions in
docs/science.md (dmdt) and docs/features.md (feature definitions), and writes
tests/ScopeWeb.Core.Tests/Fixtures/Features/stats_reference.json, which the C# tests compare against.

How to re-run (Debian's interpreter, which has numpy 1.24 / scipy 1.10; the first `python3` on PATH may not):

    /usr/bin/python3 tools/reference/stats_reference.py            # from the repository root
    /usr/bin/python3 tools/reference/stats_reference.py --check    # also cross-check the Fourier fit with curve_fit

The light curves are generated from fixed seeds, rounded the way the fixture stores them, and the reference
values are computed from exactly the stored numbers, so the output is deterministic for a given numpy/scipy.
Shapiro-Wilk W comes from scipy.stats.shapiro; in scipy <= 1.11 that is the single-precision Fortran swilk
(AS R94), which is what ScopeWeb emulates. The versions used are written into the fixture.
"""

import argparse
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
import scipy.special
import scipy.stats

# docs/science.md "dmdt", config feature_generation.dmdt_ints, verbatim.
DMINTS = [-8, -4.5, -3, -2.5, -2, -1.5, -1.25, -0.75, -0.5, -0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3,
          0.5, 0.75, 1.25, 1.5, 2, 2.5, 3, 4.5, 8]
DTINTS = [0.0, 0.02759, 0.04, 0.08, 0.12, 0.3, 0.75, 1, 1.5, 2.5, 3.5, 4.5, 5.5, 7, 10, 20, 30, 45, 60, 90, 120,
          180, 240, 360, 500, 650, 2000]

STAT_NAMES = ["n", "median", "wmean", "chi2red", "roms", "wstd", "norm_peak_to_peak_amp", "norm_excess_var",
              "median_abs_dev", "iqr", "i60r", "i70r", "i80r", "i90r", "skew", "smallkurt", "inv_vonneumannratio",
              "welch_i", "stetson_j", "stetson_k", "ad", "sw"]
FOURIER_NAMES = ["f1_power", "f1_BIC", "f1_a", "f1_b", "f1_amp", "f1_phi0", "f1_relamp1", "f1_relphi1",
                 "f1_relamp2", "f1_relphi2", "f1_relamp3", "f1_relphi3", "f1_relamp4", "f1_relphi4"]
MAX_HARMONICS = 5


# ----------------------------------------------------------------------------------------------------------------
# Test light curves
# ----------------------------------------------------------------------------------------------------------------

def ztf_like_times(rng, n, start_mjd, baseline_days):
    """Night-clustered epochs: random nights, a few visits per night, sorted, >= 5 min apart."""
    nights = np.sort(rng.choice(int(baseline_days), size=n, replace=True)).astype(float)
    t = start_mjd + nights + 0.15 + 0.3 * rng.random(n)
    t = np.sort(t)
    # enforce the SCoPe cadence cut so the curve is already "prepared"
    keep = [0]
    for i in range(1, n):
        if t[i] - t[keep[-1]] >= 5.0 / 1440.0:
            keep.append(i)
    return t[keep]


def heteroscedastic_errors(rng, m):
    # fainter -> larger error, plus scatter, as in ZTF
    return 0.008 + 0.004 * np.exp(np.clip(m - 17.0, -3, 4)) * (0.6 + 0.8 * rng.random(m.size))


def stored(t, m, e):
    """Round to the precision stored in the fixture; reference values are computed from these numbers."""
    return np.round(t, 6), np.round(m, 4), np.round(e, 4)


def make_curves():
    curves = []

    # 1. sinusoid with noise, 200 points over ~2 yr
    rng = np.random.RandomState(20240601)
    t = ztf_like_times(rng, 200, 58200.0, 700.0)
    p = 0.7341
    m0 = 17.6 + 0.25 * np.sin(2 * np.pi * t / p + 0.4)
    e = heteroscedastic_errors(rng, m0)
    m = m0 + e * rng.standard_normal(t.size)
    curves.append(("sinusoid", t, m, e, p, 0.0))

    # 2. skewed / flaring: quiet with a few fast-rise exponential-decay brightenings
    rng = np.random.RandomState(7)
    t = ztf_like_times(rng, 180, 58300.0, 500.0)
    m0 = np.full(t.size, 18.4)
    for t_flare, amp in ((58330.2, 1.6), (58412.7, 0.9), (58590.1, 2.3), (58702.4, 0.6)):
        dt = t - t_flare
        m0 = m0 - amp * np.where(dt >= 0, np.exp(-dt / 3.0), 0.0)
    e = heteroscedastic_errors(rng, m0)
    m = m0 + e * rng.standard_normal(t.size)
    curves.append(("flaring", t, m, e, 3.217, 0.0))

    # 3. detached eclipsing binary, 300 points over > 2000 d (so some pairs fall beyond the last dt edge)
    rng = np.random.RandomState(31337)
    t = ztf_like_times(rng, 300, 58200.0, 2400.0)
    p = 1.23456
    phase = ((t - 58200.0) / p) % 1.0
    m0 = 16.8 + 0.9 * np.exp(-0.5 * (np.minimum(phase, 1 - phase) / 0.02) ** 2) \
        + 0.35 * np.exp(-0.5 * ((phase - 0.5) / 0.025) ** 2) + 0.00004 * (t - 58200.0)
    e = heteroscedastic_errors(rng, m0)
    m = m0 + e * rng.standard_normal(t.size)
    curves.append(("eclipsing", t, m, e, p, 0.0))

    # 4. only ~60 points, Mira-like large amplitude (dm reaches the outer bins)
    rng = np.random.RandomState(99)
    t = ztf_like_times(rng, 60, 58500.0, 900.0)
    p = 281.5
    m0 = 14.9 + 2.8 * np.sin(2 * np.pi * t / p) + 0.6 * np.sin(4 * np.pi * t / p + 1.1)
    e = heteroscedastic_errors(rng, m0)
    m = m0 + e * rng.standard_normal(t.size)
    curves.append(("short_mira", t, m, e, p, 0.0))

    # 5. the sinusoid again, with the Fourier phase taken from JD (MJD + 2400000.5) as SCoPe's HJD-based fit does
    name, t, m, e, p, _ = curves[0]
    curves.append(("sinusoid_jd_phase", t, m, e, p, 2400000.5))

    return [(name,) + stored(t, m, e) + (p, off) for name, t, m, e, p, off in curves]


# ----------------------------------------------------------------------------------------------------------------
# docs/features.md, written out directly
# ----------------------------------------------------------------------------------------------------------------

def basic_stats(t, m, e):
    n = m.size
    w = e ** -2.0
    median = np.median(m)
    wmean = np.sum(w * m) / np.sum(w)
    wstd = np.sqrt(np.sum(w * (m - wmean) ** 2) / np.sum(w))
    chi2red = np.sum(w * (m - wmean) ** 2) / (n - 1)
    roms = np.sum(np.abs(m - median) / e) / (n - 1)
    hi = np.max(m - e)
    lo = np.min(m + e)
    ptp = (hi - lo) / (hi + lo)
    nev = np.sum((m - wmean) ** 2 - e ** 2) / (n * wmean ** 2)
    mad = np.median(np.abs(m - median))

    def span(lo_q, hi_q):
        return np.percentile(m, hi_q) - np.percentile(m, lo_q)

    z = (m - wmean) / e
    skew = n / ((n - 1.0) * (n - 2.0)) * np.sum(z ** 3)
    smallkurt = n * (n + 1.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0)) * np.sum(z ** 4) \
        - 3.0 * (n - 1.0) ** 2 / ((n - 2.0) * (n - 3.0))
    dt = np.diff(t)
    dm = np.diff(m)
    eta = np.sum(dt ** -2.0 * dm ** 2) / (np.sum(dt ** -2.0) * wstd ** 2)
    d = np.sqrt(n / (n - 1.0)) * (m - wmean) / e
    prod = d[:-1] * d[1:]
    welch_i = np.sum(prod)
    stetson_j = np.sum(np.sign(prod) * np.sqrt(np.abs(prod)))
    stetson_k = (np.sum(np.abs(d)) / n) / np.sqrt(np.sum(d ** 2) / n)
    ad = scipy.stats.anderson(m / e, "norm").statistic
    sw = scipy.stats.shapiro(m / e).statistic
    values = [n, median, wmean, chi2red, roms, wstd, ptp, nev, mad, span(25, 75), span(20, 80), span(15, 85),
              span(10, 90), span(5, 95), skew, smallkurt, 1.0 / eta, welch_i, stetson_j, stetson_k, ad, sw]
    return dict(zip(STAT_NAMES, (float(v) for v in values)))


def dmdt_counts(t, m):
    i, j = np.triu_indices(t.size, k=1)
    dt = t[j] - t[i]
    dm = m[j] - m[i]
    hist, _, _ = np.histogram2d(dt, dm, bins=[np.array(DTINTS, float), np.array(DMINTS, float)])
    counts = hist.T  # rows = dm bins, columns = dt bins
    return counts.astype(np.int64), float(np.linalg.norm(counts))


def fourier_design(t, p, k, phase_offset):
    tp = t + phase_offset
    phi = 2 * np.pi * tp / p
    cols = [np.ones_like(t), t - np.min(t)]
    for h in range(1, k + 1):
        cols.append(np.cos(h * phi))
        cols.append(np.sin(h * phi))
    return np.column_stack(cols)


def fourier_fit(t, m, e, p, phase_offset):
    n = m.size
    chi2 = np.zeros(MAX_HARMONICS + 1)
    pars = np.zeros((MAX_HARMONICS + 1, 2 + 2 * MAX_HARMONICS))
    for k in range(MAX_HARMONICS + 1):
        a = fourier_design(t, p, k, phase_offset)
        coef, *_ = np.linalg.lstsq(a / e[:, None], m / e, rcond=None)
        pars[k, :coef.size] = coef
        chi2[k] = np.sum(((m - a @ coef) / e) ** 2)
    bic = chi2 + np.log(n) * (2 + 2 * np.arange(MAX_HARMONICS + 1))
    best = int(np.argmin(bic))
    power = (chi2[0] - chi2[best]) / chi2[0]
    values = [power, bic[best]] + list(pars[best])
    return dict(zip(FOURIER_NAMES, (float(v) for v in values))), best, chi2, pars


def curve_fit_cross_check(t, m, e, p, phase_offset, pars, chi2):
    """SCoPe fits with scipy.optimize.curve_fit (Levenberg-Marquardt, default tolerances). It stops close to,
    not at, the exact least-squares solution; report how close (largest parameter difference in mag or mag/day,
    largest relative chi2 difference) over k = 0..5."""
    from scipy.optimize import curve_fit

    def model(tt, *q):
        k = (len(q) - 2) // 2
        return fourier_design(tt, p, k, phase_offset) @ np.asarray(q)

    worst_par, worst_chi2 = 0.0, 0.0
    init = np.array([np.median(m), 0.000001])
    for k in range(MAX_HARMONICS + 1):
        q, _ = curve_fit(model, t, m, init, sigma=e)
        init = np.r_[init, 0.1 * np.ones(2)]
        worst_par = max(worst_par, float(np.max(np.abs(q - pars[k, :q.size]))))
        c2 = np.sum(((m - model(t, *q)) / e) ** 2)
        worst_chi2 = max(worst_chi2, float(abs(c2 - chi2[k]) / chi2[k]))
    return worst_par, worst_chi2


# ----------------------------------------------------------------------------------------------------------------
# Extra cases for the special functions behind ad and sw
# ----------------------------------------------------------------------------------------------------------------

def shapiro_cases():
    rng = np.random.RandomState(5)
    cases = [
        [1.0, 2.0, 4.0],
        [3.1, 0.2, 5.7, 2.2],
        [2.0, 2.5, 2.5, 9.0, 1.0],
        list(np.round(rng.standard_normal(6), 3)),
        list(np.round(rng.standard_normal(11) * 3 + 40, 3)),
        list(np.round(rng.standard_normal(12), 3)),
        list(np.round(rng.exponential(size=30), 3)),
        list(np.round(rng.standard_normal(250) * 0.01 + 900.0, 4)),
        [5.0] * 8,
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the constant case: "range zero", W = 1 by design
        return [{"x": [float(v) for v in x], "w": float(scipy.stats.shapiro(np.array(x)).statistic)} for x in cases]


def anderson_cases():
    rng = np.random.RandomState(11)
    cases = [
        [0.3, -1.2, 2.2, 0.9, 0.1],
        list(np.round(rng.standard_normal(8), 4)),
        list(np.round(rng.standard_normal(50) * 2 + 3, 4)),
        list(np.round(np.r_[rng.standard_normal(60), [25.0, 31.0, -18.0]], 4)),  # far tails of log_ndtr
    ]
    return [{"x": [float(v) for v in x], "a2": float(scipy.stats.anderson(np.array(x), "norm").statistic)}
            for x in cases]


def log_ndtr_cases():
    xs = [-38.0, -25.0, -12.5, -6.0, -3.3, -1.5, -1.0000001, -1.0, -0.5, 0.0, 0.3, 1.0, 2.7, 6.0, 8.5, 12.0, 40.0]
    return [{"x": x, "log_ndtr": float(scipy.special.log_ndtr(x))} for x in xs]


def preprocessing_case():
    """A raw light curve (shuffled, flagged points, bursts of exposures minutes apart) and what SCoPe keeps of it:
    catflags == 0, sort_lightcurve (argsort by time), removeHighCadence(cadence_minutes=5) from scope/utils.py."""
    rng = np.random.RandomState(2718)
    times = []
    for night in np.sort(rng.choice(400, 45, replace=False)):
        t0 = 58600.0 + night + 0.2 + 0.3 * rng.random()
        k = rng.randint(1, 5)
        times.extend(t0 + np.r_[0.0, np.cumsum(rng.uniform(0.5, 7.5, k - 1) / 1440.0)])
    t = np.round(np.array(times), 7)
    m = np.round(17.0 + 0.3 * rng.standard_normal(t.size), 3).astype(np.float32)
    e = np.round(0.02 + 0.01 * rng.random(t.size), 4).astype(np.float32)
    flags = np.where(rng.random(t.size) < 0.12, rng.choice([1, 4, 32768], t.size), 0)
    order = rng.permutation(t.size)
    t, m, e, flags = t[order], m[order], e[order], flags[order]

    keep = flags == 0
    tt, mm, ee = t[keep], m[keep].astype(float), e[keep].astype(float)
    idx = np.argsort(tt)
    tt, mm, ee = tt[idx], mm[idx], ee[idx]
    kept = [0]
    for ii in range(1, tt.size):
        if tt[ii] - tt[kept[-1]] >= 5 * 60.0 / 86400.0:
            kept.append(ii)
    return {
        "raw_mjd": [float(v) for v in t],
        "raw_mag": [float(v) for v in m],
        "raw_magerr": [float(v) for v in e],
        "raw_catflags": [int(v) for v in flags],
        "min_cadence_minutes": 5.0,
        "kept_mjd": [float(v) for v in tt[kept]],
        "kept_mag": [float(v) for v in mm[kept]],
    }


# ----------------------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=None, help="output path (default: the test fixture)")
    parser.add_argument("--check", action="store_true", help="cross-check the Fourier fit with curve_fit")
    args = parser.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = args.out or os.path.join(repo, "tests", "ScopeWeb.Core.Tests", "Fixtures", "Features",
                                   "stats_reference.json")

    curves = []
    for name, t, m, e, p, offset in make_curves():
        stats = basic_stats(t, m, e)
        counts, norm = dmdt_counts(t, m)
        fourier, best, chi2, pars = fourier_fit(t, m, e, p, offset)
        entry = {
            "name": name,
            "mjd": [float(v) for v in t],
            "mag": [float(v) for v in m],
            "magerr": [float(v) for v in e],
            "period_days": p,
            "phase_time_offset_days": offset,
            "stats": stats,
            "dmdt_counts": counts.tolist(),
            "dmdt_frobenius_norm": norm,
            "dmdt_pairs_in_range": int(counts.sum()),
            "fourier": fourier,
            "fourier_best_harmonics": best,
            "fourier_chi2_by_harmonics": [float(c) for c in chi2],
        }
        if args.check:
            worst_par, worst_chi2 = curve_fit_cross_check(t, m, e, p, offset, pars, chi2)
            print(f"{name}: curve_fit vs exact least squares: parameters within {worst_par:.2g}, "
                  f"chi2 within {worst_chi2:.2g} (relative)")
        curves.append(entry)
        print(f"{name}: n={t.size} best k={best} pairs in range={entry['dmdt_pairs_in_range']}")

    doc = {
        "generator": "tools/reference/stats_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "dmints": DMINTS,
        "dtints": DTINTS,
        "curves": curves,
        "shapiro": shapiro_cases(),
        "anderson": anderson_cases(),
        "log_ndtr": log_ndtr_cases(),
        "preprocessing": preprocessing_case(),
    }

    def clean(v):
        # JSON has no NaN/Infinity; System.Text.Json reads them back from these strings.
        if isinstance(v, float) and not math.isfinite(v):
            return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(clean(doc), f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
