using ScopeWeb.Core.FeatureExtraction;

namespace ScopeWeb.Core.Tests.FeatureExtraction.PeriodSearch;

/// <summary>Light-curve shapes as magnitude offsets (positive = fainter) at phase 0..1.</summary>
internal static class Shapes
{
    public static double Sinusoid(double phase) => 0.5 * Math.Cos(2 * Math.PI * phase);

    /// <summary>RRab: fast rise (15% of the cycle) to a sharp maximum, slow convex decline; peak-to-peak 1.</summary>
    public static double Rrab(double phase)
    {
        const double rise = 0.15;
        var brightness = phase < 1 - rise
            ? Math.Pow(1 - (phase / (1 - rise)), 2)
            : Math.Pow((phase - (1 - rise)) / rise, 2) * (3 - (2 * (phase - (1 - rise)) / rise));
        return 0.5 - brightness;
    }

    /// <summary>W UMa contact binary at its orbital phase: two equal, sharp minima and broad maxima.</summary>
    public static double ContactBinary(double phase) => Math.Pow((1 + Math.Cos(4 * Math.PI * phase)) / 2, 1.5);

    /// <summary>β Lyrae: continuous variation with clearly unequal minima.</summary>
    public static double BetaLyrae(double phase) => (0.5 * (1 + Math.Cos(4 * Math.PI * phase)) / 2) + (0.25 * (1 + Math.Cos(2 * Math.PI * phase)) / 2);

    /// <summary>Algol: flat outside two narrow eclipses (half-width 0.05) of depth 1 and 0.4.</summary>
    public static double Algol(double phase) => Eclipse(phase, 0) + (0.4 * Eclipse(phase, 0.5));

    private static double Eclipse(double phase, double centre)
    {
        var d = phase - centre;
        d -= Math.Round(d);
        var x = d / 0.05;
        return Math.Abs(x) < 1 ? Math.Sqrt(1 - (x * x)) : 0;
    }
}

/// <summary>
/// Synthetic survey light curves with realistic sampling: yearly seasons, one visit on a fraction of the nights within a
/// few hours of the same sidereal time (so the 1-day alias is strong), g then r about half an hour later, Gaussian noise.
/// </summary>
internal sealed class SyntheticSurvey(int seed)
{
    private readonly Random _random = new(seed);

    public double NoiseMag { get; init; } = 0.02;
    public int Seasons { get; init; } = 3;
    public double NightFraction { get; init; } = 0.35;

    /// <summary>Spread (± days) of the visit time around the same time of night.</summary>
    public double HourAngleSpreadDays { get; init; } = 0.1;

    /// <summary>g and r light curves of a star of the given shape; amplitudes scaled per band (pulsators fade toward the red).</summary>
    public List<PreparedLightCurve> Observe(Func<double, double> shape, double periodDays, double amplitudeMag, double redAmplitudeRatio = 1.0, bool twoBands = true)
    {
        var epoch = _random.NextDouble() * periodDays;
        var bands = new List<(string Band, double Ratio)> { ("g", 1.0) };
        if (twoBands)
        {
            bands.Add(("r", redAmplitudeRatio));
        }

        var series = bands.ToDictionary(b => b.Band, _ => new List<(double T, double M)>(), StringComparer.Ordinal);
        for (var season = 0; season < Seasons; season++)
        {
            for (var night = 0; night < 240; night++)
            {
                if (_random.NextDouble() > NightFraction)
                {
                    continue;
                }

                var t = 58300 + (season * 365.25) + night + 0.25 + ((_random.NextDouble() - 0.5) * 2 * HourAngleSpreadDays);
                for (var b = 0; b < bands.Count; b++)
                {
                    var tb = t + (b * 0.02);
                    var phase = (((tb - epoch) / periodDays) % 1 + 1) % 1;
                    var mag = 16 + (amplitudeMag * bands[b].Ratio * shape(phase)) + (NoiseMag * Gaussian());
                    series[bands[b].Band].Add((tb, mag));
                }
            }
        }

        return series.Select(s => new PreparedLightCurve(
            s.Key,
            s.Value.Select(p => p.T).ToArray(),
            s.Value.Select(p => p.M).ToArray(),
            s.Value.Select(_ => NoiseMag).ToArray())).ToList();
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
