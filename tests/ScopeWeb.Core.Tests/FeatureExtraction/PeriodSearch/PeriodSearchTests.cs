using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;
using Search = ScopeWeb.Core.FeatureExtraction.PeriodSearch.PeriodSearch;

namespace ScopeWeb.Core.Tests.FeatureExtraction.PeriodSearch;

/// <summary>
/// The nested search on synthetic stars whose answer is known, one test per alias/harmonic rule: each decision has to be
/// made on purpose, so each test also checks the trap is real (the periodogram's highest peak is not the answer, or an
/// alias comes close).
/// </summary>
public class PeriodSearchTests
{
    private static readonly PeriodSearchOptions Options = PeriodSearchOptions.Catalog;

    [Fact]
    public void Sinusoid_IsReportedAtItsPeriod_NotDoubled()
    {
        // Grey (same amplitude in g and r) so that colour cannot be what keeps it from being taken for a binary.
        const double period = 0.7314;
        var bands = new SyntheticSurvey(1).Observe(Shapes.Sinusoid, period, 0.3);

        var result = Search.Search(bands, Options);

        AssertPeriod(period, result);
        Assert.Equal(PeriodDecision.BestPeak, result.Decision);
        Assert.Equal(Search.NestedName, result.Algorithm);
        Assert.True(result.Significance > 10, $"significance {result.Significance:F1}σ");
    }

    [Fact]
    public void ContactBinary_ComesBackAtOrbitalPeriod_TwiceTheStrongestPeak()
    {
        const double orbit = 0.3712;
        var bands = new SyntheticSurvey(2).Observe(Shapes.ContactBinary, orbit, 0.5, redAmplitudeRatio: 0.96);

        var result = Search.Search(bands, Options);

        // The trap: the light curve repeats every half orbit, so Lomb–Scargle has almost no power at the orbital frequency.
        var power = GeneralizedLombScargle.Power(bands, [1 / orbit, 2 / orbit]);
        Assert.True(power[1] > 10 * power[0], $"GLS power at 2/P {power[1]:F3}, at 1/P {power[0]:F3}");
        AssertPeriod(orbit, result);
        Assert.Equal(PeriodDecision.DoubledEclipsingBinary, result.Decision);
    }

    [Fact]
    public void ContactBinary_WithDoublingSwitchedOff_IsReportedAtHalfTheOrbit()
    {
        const double orbit = 0.3712;
        var bands = new SyntheticSurvey(2).Observe(Shapes.ContactBinary, orbit, 0.5, redAmplitudeRatio: 0.96);

        var result = Search.Search(bands, Options with { EclipsingBinariesAtOrbitalPeriod = false });

        AssertPeriod(orbit / 2, result);
    }

    [Fact]
    public void BetaLyraeWithUnequalMinima_IsReportedAtOrbitalPeriod()
    {
        const double orbit = 1.8731;
        var bands = new SyntheticSurvey(3).Observe(Shapes.BetaLyrae, orbit, 0.6, redAmplitudeRatio: 0.95);

        var result = Search.Search(bands, Options);

        AssertPeriod(orbit, result);
    }

    [Fact]
    public void AlgolWithNarrowEclipses_IsReportedAtOrbitalPeriod()
    {
        // Eclipses 10% of the cycle wide: Lomb–Scargle spreads the power over a comb of harmonics.
        const double orbit = 2.417;
        var bands = new SyntheticSurvey(4) { NightFraction = 0.6 }.Observe(Shapes.Algol, orbit, 0.8, redAmplitudeRatio: 0.95);

        var result = Search.Search(bands, Options);

        AssertPeriod(orbit, result);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void RrabObservedOncePerNight_ComesBackAtTruePeriod_NotAtItsDailyAlias(int seed)
    {
        // One band, one visit per night within ±1 h of the same time: f and f ± 1/day fit the data almost equally.
        const double period = 0.5637;
        var survey = new SyntheticSurvey(seed) { HourAngleSpreadDays = 0.04, NightFraction = 0.5, NoiseMag = 0.03 };
        var bands = survey.Observe(Shapes.Rrab, period, 0.9, twoBands: false);

        var result = Search.Search(bands, Options);

        var f = 1 / period;
        var alias = result.Candidates
            .Where(c => c.Algorithm == Search.LombScargleName)
            .Where(c => Math.Abs((1 / c.PeriodDays) - (f + Search.SiderealFrequencyPerDay)) < 0.01 || Math.Abs((1 / c.PeriodDays) - Math.Abs(f - Search.SiderealFrequencyPerDay)) < 0.01)
            .Max(c => c.Power);
        var truePeak = result.Candidates.Where(c => c.Algorithm == Search.LombScargleName && Math.Abs((1 / c.PeriodDays) - f) < 0.01).Max(c => c.Power);
        Assert.True(alias > 0.8 * truePeak, $"the alias should be a real contender: alias power {alias:F3}, true {truePeak:F3}");
        AssertPeriod(period, result);
        Assert.DoesNotContain(result.Decision, new[] { PeriodDecision.DoubledEclipsingBinary, PeriodDecision.DoubledUnequalMinima });
    }

    [Fact]
    public void Rrab_WithSharpMaximum_IsNotDoubled()
    {
        const double period = 0.6123;
        var bands = new SyntheticSurvey(5).Observe(Shapes.Rrab, period, 0.9, redAmplitudeRatio: 0.76);

        var result = Search.Search(bands, Options);

        AssertPeriod(period, result);
        Assert.DoesNotContain(result.Decision, new[] { PeriodDecision.DoubledEclipsingBinary, PeriodDecision.DoubledUnequalMinima });
    }

    [Fact]
    public void FaintSignal_IsMoreSignificantWithAllBandsThanWithAnyOne()
    {
        const double period = 3.377;
        var bands = new SyntheticSurvey(6) { NoiseMag = 0.1 }.Observe(Shapes.Sinusoid, period, 0.12);
        var single = PeriodSearchOptions.Catalog with { Algorithm = PeriodAlgorithm.LombScargle };

        var combined = Search.Search(bands, single);
        var g = Search.Search([bands[0]], single);
        var r = Search.Search([bands[1]], single);

        AssertPeriod(period, combined);
        Assert.True(combined.Significance > Math.Max(g.Significance, r.Significance), $"combined {combined.Significance:F1}σ, g {g.Significance:F1}σ, r {r.Significance:F1}σ");
    }

    [Fact]
    public void DisplayPeriodogram_IsDecimatedButKeepsTheHighestPeak()
    {
        var bands = new SyntheticSurvey(7).Observe(Shapes.Sinusoid, 0.41, 0.3);

        var result = Search.Search(bands, Options);
        var full = GeneralizedLombScargle.Periodogram(bands, result.Grid);

        Assert.True(result.Grid.Count > 50_000, $"grid of {result.Grid.Count}");
        Assert.InRange(result.Periodogram.Power.Length, 1000, 5000);
        Assert.Equal(full.Max(), result.Periodogram.Power.Max(), 6);
        Assert.True(result.Periodogram.FrequencyPerDay.Zip(result.Periodogram.FrequencyPerDay.Skip(1)).All(p => p.First < p.Second), "frequencies ascend");
    }

    [Theory]
    [InlineData(PeriodAlgorithm.LombScargle, "ELS")]
    [InlineData(PeriodAlgorithm.ConditionalEntropy, "ECE")]
    [InlineData(PeriodAlgorithm.AnalysisOfVariance, "EAOV")]
    public void SingleAlgorithms_FindAnRrabOnASmallGrid(PeriodAlgorithm algorithm, string name)
    {
        const double period = 0.5811;
        var bands = new SyntheticSurvey(8) { NightFraction = 0.6 }.Observe(Shapes.Rrab, period, 0.9, redAmplitudeRatio: 0.76);

        var result = Search.Search(bands, new PeriodSearchOptions { Algorithm = algorithm, MaxFrequencyPerDay = 5 });

        AssertPeriod(period, result);
        Assert.Equal(name, result.Algorithm);
        Assert.True(result.Significance > 5, $"{name} significance {result.Significance:F1}σ");
    }

    [Fact]
    public void SearchMany_ReturnsTheSameResultsAsOneByOne_InInputOrder()
    {
        var survey = new SyntheticSurvey(9);
        var sources = new List<IReadOnlyList<PreparedLightCurve>>
        {
            survey.Observe(Shapes.Sinusoid, 0.9, 0.3),
            survey.Observe(Shapes.Rrab, 0.55, 0.8, redAmplitudeRatio: 0.76),
            survey.Observe(Shapes.Sinusoid, 5.3, 0.2),
        };

        var many = Search.SearchMany(sources, Options, maxDegreeOfParallelism: 2);

        Assert.Equal(sources.Select(s => Search.Search(s, Options).PeriodDays), many.Select(r => r.PeriodDays));
    }

    [Fact]
    public void BadInput_IsRejectedNamingBandAndPoint()
    {
        var bad = new PreparedLightCurve("r", [58000, 58001, 58002, 58003, 58004, 58005], [16, 16.1, double.NaN, 16, 16.2, 16.1], [0.02, 0.02, 0.02, 0.02, 0.02, 0.02]);

        var error = Assert.Throws<ArgumentException>(() => Search.Search([bad]));

        Assert.Contains("Band 'r', point 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Search.Search([]));
    }

    [Fact]
    public void InvalidOptions_AreRejectedNamingTheSetting()
    {
        var bands = new SyntheticSurvey(10).Observe(Shapes.Sinusoid, 1.1, 0.3);

        var error = Assert.Throws<ArgumentException>(() => Search.Search(bands, new PeriodSearchOptions { ScanSamplesPerPeak = 20 }));

        Assert.Contains("ScanSamplesPerPeak", error.Message, StringComparison.Ordinal);
    }

    private static void AssertPeriod(double expected, PeriodSearchResult result) =>
        Assert.True(Math.Abs(result.PeriodDays - expected) / expected < 0.01, $"expected {expected:F5} d, found {result.PeriodDays:F5} d ({result.Decision})");
}
