using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Web.Sources;

/// <summary>
/// Phase folding for the folded light-curve view: <c>phase = ((t - t0) / P) mod 1</c>, drawn over two cycles
/// (phase 0–2, every point twice) so that a feature near phase 0 or 1 is never cut in half.
/// </summary>
/// <remarks>
/// The epoch <c>t0</c> is the MJD of the brightest clean detection (smallest magnitude, catflags 0) over all bands,
/// so maximum light sits at phase 0 as in the usual convention for pulsating stars. Without clean detections
/// any detection is used, and without detections the earliest time. The epoch does not depend on the period,
/// so changing the period (×2, ÷2) moves the points and nothing else.
/// </remarks>
public static class PhaseFolding
{
    /// <summary>Shortest period the fold accepts (about 8.6 s); below it the fold is noise.</summary>
    public const double MinPeriodDays = 1e-4;

    /// <summary>Longest period the fold accepts (about 270 years).</summary>
    public const double MaxPeriodDays = 1e5;

    /// <summary>Cycles shown: two, so each point is drawn at its phase and at its phase plus one.</summary>
    public const int Cycles = 2;

    /// <summary>True when <paramref name="periodDays"/> is a finite period in [<see cref="MinPeriodDays"/>, <see cref="MaxPeriodDays"/>].</summary>
    public static bool IsValidPeriod(double? periodDays) =>
        periodDays is { } p && double.IsFinite(p) && p >= MinPeriodDays && p <= MaxPeriodDays;

    /// <summary>Phase in [0, 1) of time <paramref name="mjd"/> for the given period and epoch.</summary>
    public static double Phase(double mjd, double periodDays, double epochMjd)
    {
        var cycles = (mjd - epochMjd) / periodDays;
        var phase = cycles - Math.Floor(cycles);

        // Rounding can give exactly 1 for times a hair before a cycle boundary.
        return phase >= 1.0 ? 0.0 : phase;
    }

    /// <summary>Twice the period, capped at <see cref="MaxPeriodDays"/>.</summary>
    public static double Double(double periodDays) => Math.Min(periodDays * 2, MaxPeriodDays);

    /// <summary>Half the period, floored at <see cref="MinPeriodDays"/>.</summary>
    public static double Half(double periodDays) => Math.Max(periodDays / 2, MinPeriodDays);

    /// <summary>The fold epoch (see the class remarks); 0 when there are no points at all.</summary>
    public static double Epoch(IEnumerable<Photometry> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        double? brightestClean = null, brightestCleanMag = null;
        double? brightestAny = null, brightestAnyMag = null;
        double? earliest = null;
        foreach (var p in curves)
        {
            for (var i = 0; i < p.Count; i++)
            {
                var t = p.Mjd[i];
                var mag = p.Mag[i];
                if (!double.IsFinite(t))
                {
                    continue;
                }

                earliest = earliest is null || t < earliest ? t : earliest;
                if (p.IsUpperLimit[i] || !float.IsFinite(mag))
                {
                    continue;
                }

                if (brightestAnyMag is null || mag < brightestAnyMag)
                {
                    brightestAny = t;
                    brightestAnyMag = mag;
                }

                if (p.CatFlags[i] == 0 && (brightestCleanMag is null || mag < brightestCleanMag))
                {
                    brightestClean = t;
                    brightestCleanMag = mag;
                }
            }
        }

        return brightestClean ?? brightestAny ?? earliest ?? 0.0;
    }
}
