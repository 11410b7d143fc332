using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Core.Tests.FeatureExtraction.Statistics;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Preprocessing;

public class LightCurvePreprocessorTests
{
    [Fact]
    public void Keeps_what_scope_keeps_from_a_shuffled_flagged_bursty_light_curve()
    {
        var c = StatsReference.Value.Preprocessing;
        var n = c.RawMjd.Count;
        var photometry = new Photometry(
            [.. c.RawMjd],
            c.RawMag.Select(v => (float)v).ToArray(),
            c.RawMagErr.Select(v => (float)v).ToArray(),
            c.RawCatFlags.Select(v => (ushort)v).ToArray(),
            new bool[n]);

        var prepared = LightCurvePreprocessor.Prepare(
            "r", photometry, new PreprocessingOptions { MinCadenceMinutes = c.MinCadenceMinutes, MinPoints = 1 });

        Assert.NotNull(prepared);
        Assert.Equal(c.KeptMjd, prepared.Mjd);
        Assert.Equal(c.KeptMag, prepared.Mag);
        Assert.True(c.KeptMjd.Count < c.RawMjd.Count, "the fixture must exercise dropping");
    }

    [Fact]
    public void A_burst_keeps_its_first_point_and_the_next_one_a_full_cadence_after_the_last_kept_point()
    {
        // Minutes 0, 3, 6, 9, 14: 3 is too close to 0; 6 is 6 min after 0 (kept); 9 is 3 min after 6 (dropped
        // although 9 min after 0); 14 is 8 min after 6 (kept).
        var minutes = new[] { 0.0, 3, 6, 9, 14 };
        var photometry = Build(minutes.Select(mm => 58000.0 + (mm / 1440.0)).ToArray());

        var prepared = LightCurvePreprocessor.Prepare("g", photometry, new PreprocessingOptions { MinPoints = 1 })!;

        Assert.Equal([0.0, 6, 14], prepared.Mjd.Select(t => Math.Round((t - 58000.0) * 1440.0, 6)));
    }

    [Fact]
    public void A_point_exactly_one_cadence_after_the_last_kept_point_is_kept()
    {
        // 22.5 min = 2⁻⁶ d, exactly representable, so the gap is exactly the cadence (SCoPe keeps dt >= cadence).
        var photometry = Build([58000.0, 58000.015625, 58000.03]);

        var prepared = LightCurvePreprocessor.Prepare("g", photometry, new PreprocessingOptions { MinCadenceMinutes = 22.5, MinPoints = 1 })!;

        Assert.Equal([58000.0, 58000.015625], prepared.Mjd);
    }

    [Fact]
    public void Flagged_points_upper_limits_and_unusable_errors_are_dropped_before_the_cadence_cut()
    {
        var photometry = new Photometry(
            [58000.0, 58001.0, 58002.0, 58003.0, 58004.0, 58005.0],
            [17.0f, 17.1f, 19.5f, 17.3f, 17.4f, 17.5f],
            [0.02f, 0.02f, float.NaN, 0.0f, 0.02f, 0.02f],
            [0, 32768, 0, 0, 0, 0],
            [false, false, true, false, false, false]);

        var prepared = LightCurvePreprocessor.Prepare("i", photometry, new PreprocessingOptions { MinPoints = 1 })!;

        Assert.Equal([58000.0, 58004.0, 58005.0], prepared.Mjd);
        Assert.Equal("i", prepared.Band);
    }

    [Fact]
    public void Too_few_surviving_points_give_no_light_curve()
    {
        var photometry = Build(Enumerable.Range(0, 49).Select(i => 58000.0 + i).ToArray());

        Assert.Null(LightCurvePreprocessor.Prepare("g", photometry));
        Assert.NotNull(LightCurvePreprocessor.Prepare("g", Build(Enumerable.Range(0, 50).Select(i => 58000.0 + i).ToArray())));
    }

    private static Photometry Build(double[] mjd)
    {
        var n = mjd.Length;
        return new Photometry(
            mjd,
            Enumerable.Repeat(17.0f, n).ToArray(),
            Enumerable.Repeat(0.02f, n).ToArray(),
            new ushort[n],
            new bool[n]);
    }
}
