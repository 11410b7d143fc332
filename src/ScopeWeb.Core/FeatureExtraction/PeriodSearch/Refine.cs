namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>Local refinement of a peak found on the coarse scan grid.</summary>
internal static class Refine
{
    private const double InverseGolden = 0.6180339887498949;

    /// <summary>
    /// Golden-section search for the maximum of a smooth statistic within ±0.6 scan steps of <paramref name="frequency"/>
    /// (the parabolic estimate is within half a step of the true top). Twenty iterations shrink the bracket ten-thousand-fold,
    /// far below the SCoPe resolution of 1/(SamplesPerPeak × baseline).
    /// </summary>
    public static double Maximize(Func<double, double> statistic, double frequency, double scanStep) =>
        Minimize(f => -statistic(f), frequency, 0.6 * scanStep, iterations: 20);

    /// <summary>Golden-section search for the minimum of a unimodal function on [centre − halfWidth, centre + halfWidth].</summary>
    public static double Minimize(Func<double, double> function, double centre, double halfWidth, int iterations = 14)
    {
        double a = centre - halfWidth, b = centre + halfWidth;
        var c = b - (InverseGolden * (b - a));
        var d = a + (InverseGolden * (b - a));
        double fc = function(c), fd = function(d);
        for (var i = 0; i < iterations; i++)
        {
            if (fc < fd)
            {
                b = d;
                d = c;
                fd = fc;
                c = b - (InverseGolden * (b - a));
                fc = function(c);
            }
            else
            {
                a = c;
                c = d;
                fc = fd;
                d = a + (InverseGolden * (b - a));
                fd = function(d);
            }
        }

        var best = fc < fd ? c : d;
        return function(centre) <= Math.Min(fc, fd) ? centre : best;
    }

    /// <summary>
    /// Best value of a binned statistic (conditional entropy, AOV: step functions of frequency, so no parabola or golden
    /// section) on a fine grid over ±1 scan step, at half SCoPe's final resolution.
    /// </summary>
    public static double ScanMaximum(Func<double, double> statistic, double frequency, double scanStep, PeriodSearchOptions options)
    {
        var fine = scanStep * options.ScanSamplesPerPeak / options.SamplesPerPeak / 2;
        var steps = (int)Math.Ceiling(scanStep / fine);
        double best = frequency, bestValue = statistic(frequency);
        for (var k = -steps; k <= steps; k++)
        {
            var f = frequency + (k * fine);
            var v = statistic(f);
            if (v > bestValue)
            {
                bestValue = v;
                best = f;
            }
        }

        return best;
    }
}
