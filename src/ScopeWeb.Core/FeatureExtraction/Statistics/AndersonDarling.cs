using System.Buffers;

namespace ScopeWeb.Core.FeatureExtraction.Statistics;

/// <summary>
/// Anderson–Darling A² against a normal with estimated mean and sample standard deviation, as
/// <c>scipy.stats.anderson(x, 'norm').statistic</c>: A² = −N − Σ (2i−1)/N · [log Φ(w_i) + log Φ(−w_{N+1−i})].
/// </summary>
public static class AndersonDarling
{
    /// <summary>A² for the sample; NaN when it has fewer than 2 values or zero spread (scipy divides by zero).</summary>
    public static double NormalStatistic(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        if (n < 2)
        {
            return double.NaN;
        }

        var rented = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var y = rented.AsSpan(0, n);
            values.CopyTo(y);
            y.Sort();
            return FromSorted(y);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>A² for values already sorted ascending.</summary>
    internal static double FromSorted(ReadOnlySpan<double> y)
    {
        var n = y.Length;
        if (n < 2)
        {
            return double.NaN;
        }

        var sum = 0.0;
        foreach (var v in y)
        {
            sum += v;
        }

        var mean = sum / n;
        var squares = 0.0;
        foreach (var v in y)
        {
            var d = v - mean;
            squares += d * d;
        }

        var std = Math.Sqrt(squares / (n - 1));
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var lower = (y[i] - mean) / std;
            var upper = (y[n - 1 - i] - mean) / std;
            total += (((2.0 * (i + 1)) - 1.0) / n) * (NormalDistribution.LogCdf(lower) + NormalDistribution.LogCdf(-upper));
        }

        return -n - total;
    }
}
