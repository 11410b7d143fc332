using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.Statistics;
using Xunit.Abstractions;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Statistics;

public class LightCurveStatisticsTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(StatsReference.CurveNames), MemberType = typeof(StatsReference))]
    public void Every_statistic_matches_the_numpy_scipy_reference(string curveName)
    {
        var curve = StatsReference.Curve(curveName);

        var stats = LightCurveStatistics.Compute(curve.ToPrepared());

        Assert.Equal(LightCurveStatistics.FeatureNames.Count, curve.Stats.Count);
        foreach (var (name, actual) in stats.EnumerateFeatures())
        {
            var expected = curve.Stats[name];
            // ad and sw go through special functions / single precision (scipy's swilk); the rest are closed form.
            var relative = name is "ad" or "sw" ? 1e-6 : 1e-9;
            StatsReference.AssertClose(expected, actual, relative, 1e-12, $"{curveName} {name}");
            output.WriteLine($"{name,-22} {expected,24:R} {actual,24:R} rel {Math.Abs(actual - expected) / Math.Abs(expected):G2}");
        }
    }

    [Fact]
    public void Feature_names_are_scopes_in_calc_basic_stats_order()
    {
        Assert.Equal(
            [
                "n", "median", "wmean", "chi2red", "roms", "wstd", "norm_peak_to_peak_amp", "norm_excess_var",
                "median_abs_dev", "iqr", "i60r", "i70r", "i80r", "i90r", "skew", "smallkurt", "inv_vonneumannratio",
                "welch_i", "stetson_j", "stetson_k", "ad", "sw",
            ],
            LightCurveStatistics.FeatureNames);
        var curve = StatsReference.Value.Curves[0];
        Assert.Equal(curve.Stats.Keys, LightCurveStatistics.FeatureNames);
    }

    [Fact]
    public void Enumerated_pairs_carry_the_property_values()
    {
        var stats = LightCurveStatistics.Compute(StatsReference.Value.Curves[0].ToPrepared());
        var pairs = stats.EnumerateFeatures().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        Assert.Equal(stats.PointCount, pairs["n"]);
        Assert.Equal(stats.WeightedMeanMag, pairs["wmean"]);
        Assert.Equal(stats.Inner90RangeMag, pairs["i90r"]);
        Assert.Equal(stats.InverseVonNeumannRatio, pairs["inv_vonneumannratio"]);
        Assert.Equal(stats.AndersonDarlingA2, pairs["ad"]);
        Assert.Equal(stats.ShapiroWilkW, pairs["sw"]);
    }

    [Fact]
    public void Constant_light_curve_gives_numbers_where_scope_does_and_nan_only_for_0_over_0()
    {
        const int n = 60;
        var t = Enumerable.Range(0, n).Select(i => 58000.0 + (i * 1.37)).ToArray();
        var m = Enumerable.Repeat(17.25, n).ToArray();
        var e = Enumerable.Range(0, n).Select(i => 0.01 + (0.001 * (i % 7))).ToArray();

        var s = LightCurveStatistics.Compute(new PreparedLightCurve("g", t, m, e));

        Assert.Equal(n, s.PointCount);
        Assert.Equal(17.25, s.MedianMag);
        Assert.Equal(17.25, s.WeightedMeanMag);
        Assert.Equal(0, s.WeightedStdMag);
        Assert.Equal(0, s.ReducedChi2);
        Assert.Equal(0, s.RobustMedianStatistic);
        Assert.Equal(0, s.MedianAbsDeviationMag);
        Assert.Equal(0, s.InterquartileRangeMag);
        Assert.Equal(0, s.Inner90RangeMag);
        Assert.Equal(0, s.Skew);
        Assert.Equal(0, s.WelchI);
        Assert.Equal(0, s.StetsonJ);
        StatsReference.AssertClose(-3.0 * 59 * 59 / 58 / 57, s.SmallKurtosis, 1e-15, 0, "smallkurt");
        StatsReference.AssertClose(-e.Sum(x => x * x) / (n * 17.25 * 17.25), s.NormExcessVariance, 1e-12, 0, "norm_excess_var");
        StatsReference.AssertClose((17.25 - 0.01 - (17.25 + 0.01)) / (17.25 - 0.01 + (17.25 + 0.01)), s.NormPeakToPeakAmplitude, 1e-12, 0, "norm_peak_to_peak_amp");
        Assert.True(double.IsNaN(s.InverseVonNeumannRatio), "eta = 0/0");
        Assert.True(double.IsNaN(s.StetsonK), "0/sqrt(0)");
        // ad and sw test m/e, which still varies with the errors
        Assert.InRange(s.AndersonDarlingA2, 0.0, 100.0);
        Assert.InRange(s.ShapiroWilkW, 0.0, 1.0);
    }

    [Fact]
    public void Constant_magnitudes_and_errors_give_scipys_zero_range_answers_for_ad_and_sw()
    {
        const int n = 50;
        var t = Enumerable.Range(0, n).Select(i => 58000.0 + i).ToArray();

        var s = LightCurveStatistics.Compute(t, Enumerable.Repeat(18.0, n).ToArray(), Enumerable.Repeat(0.05, n).ToArray());

        Assert.Equal(1.0, s.ShapiroWilkW); // swilk's zero-range return
        Assert.True(double.IsNaN(s.AndersonDarlingA2), "standardising by a zero std");
        Assert.Equal(0, s.Skew);
        Assert.Equal(-1.0 / n * n * 0.05 * 0.05 / (18.0 * 18.0), s.NormExcessVariance, 1e-15);
    }

    [Fact]
    public void Fewer_than_four_points_is_rejected_naming_the_band()
    {
        var lc = new PreparedLightCurve("i", [1, 2, 3], [17, 17.1, 17.2], [0.1, 0.1, 0.1]);

        var ex = Assert.Throws<ArgumentException>(() => LightCurveStatistics.Compute(lc));

        Assert.Contains("i-band", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_of_different_lengths_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => LightCurveStatistics.Compute([1.0, 2, 3, 4], [1.0, 2, 3, 4], [0.1, 0.1, 0.1]));
        Assert.Contains("(4, 4, 3)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 25, 1.75)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 50, 2.5)]
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 5, 12.0)]
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 95, 48.0)]
    [InlineData(new[] { 3.0, 3, 3, 9 }, 80, 5.4)]
    public void Percentiles_use_numpy_linear_interpolation(double[] sorted, double percent, double expected)
    {
        StatsReference.AssertClose(expected, SortedStatistics.Percentile(sorted, percent), 1e-15, 1e-15, $"p{percent}");
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, SortedStatistics.Median([1.0, 2, 3, 100]));
        Assert.Equal(3.0, SortedStatistics.Median([1.0, 2, 3, 4, 100]));
    }
}
