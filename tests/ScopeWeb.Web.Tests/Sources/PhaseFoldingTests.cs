using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Sources;

namespace ScopeWeb.Web.Tests.Sources;

public class PhaseFoldingTests
{
    [Theory]
    [InlineData(100.0, 0.5, 100.0, 0.0)]
    [InlineData(100.25, 0.5, 100.0, 0.5)]
    [InlineData(100.6, 0.5, 100.0, 0.2)]
    [InlineData(99.9, 0.5, 100.0, 0.8)]   // before the epoch
    [InlineData(103.0, 2.0, 100.0, 0.5)]
    public void Phase_is_time_since_epoch_over_period_modulo_one(double mjd, double period, double epoch, double expected)
    {
        Assert.Equal(expected, PhaseFolding.Phase(mjd, period, epoch), 9);
    }

    [Fact]
    public void Phase_always_lies_in_zero_to_one()
    {
        for (var i = 0; i < 10_000; i++)
        {
            var mjd = 58000 + (i * 0.0137);
            var phase = PhaseFolding.Phase(mjd, 0.3333333, 58000.1);
            Assert.InRange(phase, 0.0, 0.9999999999);
        }
    }

    [Fact]
    public void Epoch_is_the_brightest_clean_detection_ignoring_flagged_points_and_upper_limits()
    {
        var g = Photometry.FromPoints(
        [
            new PhotometryPoint(100, 16.0f, 0.02f),
            new PhotometryPoint(101, 15.5f, 0.02f),                      // brightest clean
            new PhotometryPoint(102, 15.0f, 0.02f, CatFlags: 4),         // brighter, but flagged
            new PhotometryPoint(103, 14.0f, float.NaN, IsUpperLimit: true),
        ]);
        var r = Photometry.FromPoints([new PhotometryPoint(99, 15.7f, 0.02f)]);

        Assert.Equal(101, PhaseFolding.Epoch([g, r]));
    }

    [Fact]
    public void Epoch_without_detections_is_the_earliest_time()
    {
        var limits = Photometry.FromPoints(
        [
            new PhotometryPoint(105, 20f, float.NaN, IsUpperLimit: true),
            new PhotometryPoint(104, 20f, float.NaN, IsUpperLimit: true),
        ]);

        Assert.Equal(104, PhaseFolding.Epoch([limits]));
        Assert.Equal(0, PhaseFolding.Epoch([]));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(0.0, false)]
    [InlineData(-1.0, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(0.00005, false)]
    [InlineData(0.0001, true)]
    [InlineData(0.5, true)]
    [InlineData(100000.0, true)]
    [InlineData(200000.0, false)]
    public void Only_finite_periods_in_range_are_valid(double? period, bool valid)
    {
        Assert.Equal(valid, PhaseFolding.IsValidPeriod(period));
    }

    [Fact]
    public void Doubling_and_halving_stay_within_the_valid_range()
    {
        Assert.Equal(1.0, PhaseFolding.Double(0.5));
        Assert.Equal(0.25, PhaseFolding.Half(0.5));
        Assert.Equal(PhaseFolding.MaxPeriodDays, PhaseFolding.Double(PhaseFolding.MaxPeriodDays * 0.75));
        Assert.Equal(PhaseFolding.MinPeriodDays, PhaseFolding.Half(PhaseFolding.MinPeriodDays * 1.5));
    }
}
