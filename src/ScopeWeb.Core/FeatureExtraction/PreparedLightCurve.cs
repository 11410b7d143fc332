using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Core.FeatureExtraction;

/// <summary>
/// One band's light curve ready for feature extraction: clean detections only, sorted by time, high-cadence
/// repeats removed (SCoPe <c>lcstats</c> preprocessing). Arrays are parallel and in double precision.
/// </summary>
public sealed class PreparedLightCurve(string band, double[] mjd, double[] mag, double[] magErr)
{
    public string Band { get; } = band;
    public double[] Mjd { get; } = mjd;
    public double[] Mag { get; } = mag;
    public double[] MagErr { get; } = magErr;
    public int Count => Mjd.Length;
    public double BaselineDays => Count == 0 ? 0 : Mjd[^1] - Mjd[0];
}

/// <summary>SCoPe's light-curve preprocessing settings (config <c>feature_generation</c>).</summary>
public sealed record PreprocessingOptions
{
    /// <summary>Points closer than this to the last kept point are dropped (SCoPe: 5 minutes).</summary>
    public double MinCadenceMinutes { get; init; } = 5.0;

    /// <summary>Light curves with fewer clean points get no features (SCoPe: 50).</summary>
    public int MinPoints { get; init; } = 50;
}

/// <summary>Applies SCoPe's preprocessing: catflags == 0, detections only, finite values, sorted, de-duplicated in time.</summary>
public static class LightCurvePreprocessor
{
    /// <summary>Returns the prepared curve, or null when fewer than <see cref="PreprocessingOptions.MinPoints"/> points survive.</summary>
    public static PreparedLightCurve? Prepare(string band, Photometry photometry, PreprocessingOptions? options = null)
    {
        var o = options ?? new PreprocessingOptions();
        var minGapDays = o.MinCadenceMinutes / (24.0 * 60.0);
        var n = photometry.Count;
        var order = Enumerable.Range(0, n).Where(i =>
                photometry.CatFlags[i] == 0
                && !photometry.IsUpperLimit[i]
                && double.IsFinite(photometry.Mjd[i])
                && float.IsFinite(photometry.Mag[i])
                && float.IsFinite(photometry.MagErr[i])
                && photometry.MagErr[i] > 0)
            .OrderBy(i => photometry.Mjd[i])
            .ToList();
        var t = new List<double>(order.Count);
        var m = new List<double>(order.Count);
        var e = new List<double>(order.Count);
        foreach (var i in order)
        {
            // removeHighCadence: keep a point only if it is at least the minimum cadence after the last *kept* one.
            if (t.Count > 0 && photometry.Mjd[i] - t[^1] < minGapDays)
            {
                continue;
            }

            t.Add(photometry.Mjd[i]);
            m.Add(photometry.Mag[i]);
            e.Add(photometry.MagErr[i]);
        }

        return t.Count < o.MinPoints ? null : new PreparedLightCurve(band, [.. t], [.. m], [.. e]);
    }
}
