using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Catalog;

public class FeatureExtractorTests
{
    private static readonly FeatureExtractor Extractor = new();

    private static IReadOnlyDictionary<string, Photometry> Bands(ScopeWeb.Core.Catalog.Source s) =>
        s.LightCurves.ToDictionary(l => l.Band, l => l.ReadPhotometry(), StringComparer.Ordinal);

    [Fact]
    public void A_simulated_RR_Lyrae_gets_every_SCoPe_feature_and_its_period()
    {
        var rrab = new LightCurveSimulator().Generate(300, 42).First(s => s.KnownClass == "RRab");

        var f = Extractor.Extract(Bands(rrab));

        Assert.NotNull(f);
        Assert.Equal(FeatureSet.FeatureNames, f.Values.Select(v => v.Key));
        Assert.Equal(rrab.PeriodDays!.Value, f.PeriodDays, rrab.PeriodDays.Value * 0.01);
        Assert.Equal("ELS_ECE_EAOV", f.PeriodAlgorithm);
        Assert.True(f.Significance > 5, $"significance {f.Significance}");
        Assert.True(f["f1_power"] > 0.5, "a pulsator's Fourier model explains most of the variance");
        Assert.True(f["n"] >= 50);
        Assert.NotNull(f.Dmdt);
        Assert.Equal(1.0, Math.Sqrt(f.Dmdt.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public void Statistics_describe_the_band_with_most_clean_points()
    {
        var source = new LightCurveSimulator().Generate(300, 42).First(s => s.KnownClass == "EW" && s.LightCurves.Count == 2);
        var bands = Bands(source);
        var clean = bands.ToDictionary(b => b.Key, b => LightCurvePreprocessor.Prepare(b.Key, b.Value)!.Count);

        var f = Extractor.Extract(bands)!;

        Assert.Equal(clean.MaxBy(c => c.Value).Key, f.Band);
        Assert.Equal(clean[f.Band], f["n"]);
        Assert.Equal(2, f.BandCount);
    }

    [Fact]
    public void Too_few_clean_points_gives_no_features()
    {
        var points = Enumerable.Range(0, 49).Select(i => new PhotometryPoint(58000 + i, 17 + (0.1f * (i % 3)), 0.02f)).ToList();
        Assert.Null(Extractor.Extract(new Dictionary<string, Photometry> { ["r"] = Photometry.FromPoints(points) }));
    }

    [Fact]
    public void Flagged_points_and_upper_limits_do_not_count()
    {
        var points = Enumerable.Range(0, 80).Select(i => new PhotometryPoint(58000 + (i * 1.3), 17 + (0.3f * MathF.Sin(i)), 0.02f,
            CatFlags: (ushort)(i % 2 == 0 ? 32768 : 0), IsUpperLimit: i % 5 == 1)).ToList();
        Assert.Null(Extractor.Extract(new Dictionary<string, Photometry> { ["g"] = Photometry.FromPoints(points) }));
    }
}
