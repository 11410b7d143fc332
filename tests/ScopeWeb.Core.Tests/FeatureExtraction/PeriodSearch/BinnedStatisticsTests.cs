using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;

namespace ScopeWeb.Core.Tests.FeatureExtraction.PeriodSearch;

/// <summary>Conditional entropy and analysis of variance: definitions, grid scans and what they find.</summary>
public class BinnedStatisticsTests
{
    [Fact]
    public void ConditionalEntropy_MatchesTheDefinitionOnAHandCountedFold()
    {
        // Six points at f = 1/day. Phases 0.1, 0.1, 0.1, 0.6, 0.6, 0.6 (2 phase bins); magnitudes 0, 0, 1, 1, 1, 1 scaled to
        // [0, 1] (2 mag bins). Cells: (φ0, m0) 2, (φ0, m1) 1, (φ1, m1) 3; H = Σ p_ij ln(p_j / p_ij)
        // = 2/6 ln(3/2) + 1/6 ln(3/1) + 3/6 ln(3/3).
        var band = new PreparedLightCurve("g", [0.1, 1.1, 2.1, 3.6, 4.6, 5.6], [10, 10, 11, 11, 11, 11], [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);

        var h = ConditionalEntropy.At([band], [1.0], phaseBins: 2, magBins: 2)[0];

        Assert.Equal((2.0 / 6 * Math.Log(1.5)) + (1.0 / 6 * Math.Log(3)), h, 12);
    }

    [Fact]
    public void AnalysisOfVariance_OfPureNoise_AveragesOne()
    {
        // θ is an F statistic: with no signal its expectation is ≈ 1 at every frequency.
        var random = new Random(3);
        var t = Enumerable.Range(0, 400).Select(_ => 58000 + (random.NextDouble() * 1000)).Order().ToArray();
        var band = new PreparedLightCurve("r", t, t.Select(_ => 16 + (0.05 * Normal(random))).ToArray(), t.Select(_ => 0.05).ToArray());

        var theta = AnalysisOfVariance.Periodogram([band], new FrequencyGrid(0.1, 0.0137, 2000), phaseBins: 10);

        Assert.InRange(theta.Average(), 0.85, 1.15);
    }

    [Fact]
    public void GridScans_AgreeWithEvaluationAtEachFrequency()
    {
        // The scans walk 64-bit fixed-point phases; evaluating each frequency afresh must give the same bins.
        var bands = new SyntheticSurvey(21).Observe(Shapes.Algol, 2.417, 0.8, redAmplitudeRatio: 0.95);
        var grid = new FrequencyGrid(0.01, 0.000731, 3000);
        var frequencies = Enumerable.Range(0, grid.Count).Select(grid.FrequencyAt).ToArray();

        var ceScan = ConditionalEntropy.Periodogram(bands, grid);
        var ceEach = ConditionalEntropy.At(bands, frequencies);
        var aovScan = AnalysisOfVariance.Periodogram(bands, grid);
        var aovEach = AnalysisOfVariance.At(bands, frequencies);

        for (var k = 0; k < grid.Count; k++)
        {
            Assert.Equal(ceEach[k], ceScan[k], 4);
            Assert.Equal(aovEach[k], aovScan[k], 1e-4 * aovEach[k]);
        }
    }

    [Fact]
    public void BothStatistics_PreferTheOrbitalFrequencyOfNarrowEclipses_OverItsHarmonics()
    {
        const double orbit = 2.417;
        var bands = new SyntheticSurvey(22) { NightFraction = 0.6 }.Observe(Shapes.Algol, orbit, 0.8, redAmplitudeRatio: 0.95);
        var f = 1 / orbit;
        var trials = Enumerable.Range(1, 4).Select(k => k * f).ToArray();

        var aov = AnalysisOfVariance.At(bands, trials);
        var ce = ConditionalEntropy.At(bands, trials);

        Assert.Equal(0, Array.IndexOf(aov, aov.Max()));
        Assert.Equal(0, Array.IndexOf(ce, ce.Min()));
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
