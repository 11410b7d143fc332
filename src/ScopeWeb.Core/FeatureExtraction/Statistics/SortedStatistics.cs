namespace ScopeWeb.Core.FeatureExtraction.Statistics;

/// <summary>Order statistics of an ascending span, with numpy's conventions.</summary>
internal static class SortedStatistics
{
    /// <summary>numpy.median: the middle value, or the mean of the two middle values.</summary>
    public static double Median(ReadOnlySpan<double> sorted)
    {
        var n = sorted.Length;
        return (n & 1) == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>numpy.percentile(..., method='linear') for q in percent, including numpy's two-sided lerp.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        var n = sorted.Length;
        var virtualIndex = (n - 1) * (percent / 100.0);
        if (virtualIndex <= 0)
        {
            return sorted[0];
        }

        if (virtualIndex >= n - 1)
        {
            return sorted[n - 1];
        }

        var previous = Math.Floor(virtualIndex);
        var gamma = virtualIndex - previous;
        var below = sorted[(int)previous];
        var above = sorted[(int)previous + 1];
        var diff = above - below;
        // numpy interpolates from whichever end is nearer, so results are monotone and exact at the ends.
        return gamma >= 0.5 ? above - (diff * (1 - gamma)) : below + (diff * gamma);
    }

    /// <summary>numpy.diff(numpy.percentile(x, [lower, upper])).</summary>
    public static double Span(ReadOnlySpan<double> sorted, double lowerPercent, double upperPercent) =>
        Percentile(sorted, upperPercent) - Percentile(sorted, lowerPercent);
}
