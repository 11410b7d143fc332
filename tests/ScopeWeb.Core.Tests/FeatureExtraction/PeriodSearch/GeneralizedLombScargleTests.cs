using System.Text.Json;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;

namespace ScopeWeb.Core.Tests.FeatureExtraction.PeriodSearch;

public class GeneralizedLombScargleTests
{
    public static TheoryData<string> FixtureCurves => ["sinusoid", "sawtooth", "noise"];

    [Theory]
    [MemberData(nameof(FixtureCurves))]
    public void Power_MatchesAstropy_StandardNormalisationWithErrors(string name)
    {
        var (grid, band, expected) = Fixture(name);
        var frequencies = Enumerable.Range(0, grid.Count).Select(grid.FrequencyAt).ToArray();

        var power = GeneralizedLombScargle.Power([band], frequencies);

        for (var k = 0; k < grid.Count; k++)
        {
            Assert.True(Math.Abs(power[k] - expected[k]) <= 1e-6 * Math.Max(expected[k], 1e-3), $"{name} f={frequencies[k]:F5}: {power[k]:G9} vs astropy {expected[k]:G9}");
        }
    }

    [Theory]
    [MemberData(nameof(FixtureCurves))]
    public void SimdScan_AgreesWithExactPower(string name)
    {
        // Single precision with phasor recurrences: good to ~1e-5, plenty to rank peaks (the grid has 997 frequencies, not a
        // multiple of any vector width, so the tail is covered too).
        var (grid, band, expected) = Fixture(name);

        var scan = GeneralizedLombScargle.Periodogram([band], grid);

        Assert.Equal(grid.Count, scan.Length);
        for (var k = 0; k < grid.Count; k++)
        {
            Assert.True(Math.Abs(scan[k] - expected[k]) < 5e-5, $"{name} k={k}: {scan[k]:G7} vs {expected[k]:G7}");
        }
    }

    [Fact]
    public void SimdScan_StaysAccurateOverMillionsOfFrequencies()
    {
        // Far from the start of a long grid the recurrences have run for millions of steps; re-anchoring keeps them exact.
        var (_, band, _) = Fixture("sinusoid");
        var grid = new FrequencyGrid(0.002, 1.0 / (10 * 540), 1_500_000);

        var scan = GeneralizedLombScargle.Periodogram([band], grid);
        int[] probes = [0, 777_777, 1_234_567, grid.Count - 1];
        var exact = GeneralizedLombScargle.Power([band], probes.Select(grid.FrequencyAt).ToArray());

        for (var j = 0; j < probes.Length; j++)
        {
            Assert.True(Math.Abs(scan[probes[j]] - exact[j]) < 5e-5, $"k={probes[j]}: {scan[probes[j]]:G7} vs {exact[j]:G7}");
        }
    }

    [Fact]
    public void MultiBandPower_IsTheChiSquareWeightedMeanOfBandPowers()
    {
        // Each band keeps its own mean and amplitude: the combined power is Σ_b χ²₀_b p_b / Σ_b χ²₀_b.
        var bands = new SyntheticSurvey(31).Observe(Shapes.Rrab, 0.61, 0.9, redAmplitudeRatio: 0.7);
        double[] frequencies = [0.5, 1 / 0.61, 2.3];
        var chi2 = bands.Select(b =>
        {
            var w = b.MagErr.Select(e => 1 / (e * e)).ToArray();
            var mean = b.Mag.Zip(w, (m, x) => m * x).Sum() / w.Sum();
            return b.Mag.Zip(w, (m, x) => x * (m - mean) * (m - mean)).Sum();
        }).ToArray();

        var combined = GeneralizedLombScargle.Power(bands, frequencies);
        var g = GeneralizedLombScargle.Power([bands[0]], frequencies);
        var r = GeneralizedLombScargle.Power([bands[1]], frequencies);

        for (var k = 0; k < frequencies.Length; k++)
        {
            Assert.Equal(((chi2[0] * g[k]) + (chi2[1] * r[k])) / (chi2[0] + chi2[1]), combined[k], 12);
        }
    }

    private static (FrequencyGrid Grid, PreparedLightCurve Band, double[] Power) Fixture(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "PeriodSearch", "gls_astropy.json")));
        var root = json.RootElement;
        var grid = new FrequencyGrid(root.GetProperty("minFrequencyPerDay").GetDouble(), root.GetProperty("stepPerDay").GetDouble(), root.GetProperty("count").GetInt32());
        var curve = root.GetProperty("lightCurves").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        double[] Read(string property) => curve.GetProperty(property).EnumerateArray().Select(x => x.GetDouble()).ToArray();
        return (grid, new PreparedLightCurve("r", Read("mjd"), Read("mag"), Read("magErr")), Read("power"));
    }
}
