using ScopeWeb.Core.FeatureExtraction.Statistics;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Statistics;

public class NormalityTestTests
{
    [Fact]
    public void Shapiro_wilk_matches_scipy_for_every_reference_sample()
    {
        // Covers n = 3 (fixed weight), n = 4..5 (one corrected weight), n > 5, an offset sample with tiny spread,
        // ties, and zero range (W = 1).
        foreach (var c in StatsReference.Value.Shapiro)
        {
            var w = ShapiroWilk.Statistic(c.Values.ToArray());
            StatsReference.AssertClose(c.W, w, 1e-6, 0, $"W of {c.Values.Count} values");
        }
    }

    [Fact]
    public void Shapiro_wilk_is_nan_below_three_values()
    {
        Assert.True(double.IsNaN(ShapiroWilk.Statistic([1.0, 2.0])));
    }

    [Fact]
    public void Shapiro_wilk_does_not_depend_on_input_order()
    {
        double[] x = [4.2, -1.0, 0.3, 7.7, 2.2, 2.9, -3.1, 0.0];
        var shuffled = x.Reverse().ToArray();
        Assert.Equal(ShapiroWilk.Statistic(x), ShapiroWilk.Statistic(shuffled));
    }

    [Fact]
    public void Anderson_darling_matches_scipy_for_every_reference_sample()
    {
        foreach (var c in StatsReference.Value.Anderson)
        {
            var a2 = AndersonDarling.NormalStatistic(c.Values.ToArray());
            StatsReference.AssertClose(c.A2, a2, 1e-9, 0, $"A2 of {c.Values.Count} values");
        }
    }

    [Fact]
    public void Log_normal_cdf_matches_scipy_log_ndtr_in_both_tails()
    {
        foreach (var c in StatsReference.Value.LogNdtr)
        {
            StatsReference.AssertClose(c.LogNdtr, NormalDistribution.LogCdf(c.X), 1e-13, 0, $"log_ndtr({c.X:R})");
        }
    }

    // Values from glibc's erfc via Python's math.erfc.
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.3, 0.6713732405408726)]
    [InlineData(-2.0, 1.9953222650189528)]
    [InlineData(3.0, 2.2090496998585438e-05)]
    [InlineData(10.0, 2.088487583762545e-45)]
    public void Erfc_has_double_precision(double x, double expected)
    {
        StatsReference.AssertClose(expected, NormalDistribution.Erfc(x), 1e-14, 0, $"erfc({x})");
    }
}
