using ScopeWeb.Core.FeatureExtraction.PeriodSearch;

namespace ScopeWeb.Core.Tests.FeatureExtraction.PeriodSearch;

public class FrequencyGridTests
{
    [Fact]
    public void For_FollowsScopeFormula()
    {
        // SCoPe: fmin = 2/baseline, df = 1/(samples_per_peak · baseline), nf = ceil((fmax − fmin)/df), fmax excluded.
        var grid = FrequencyGrid.For(1000, new PeriodSearchOptions());

        Assert.Equal(0.002, grid.MinFrequencyPerDay, 12);
        Assert.Equal(1e-4, grid.StepPerDay, 15);
        Assert.Equal((int)Math.Ceiling((288 - 0.002) / 1e-4), grid.Count);
        Assert.True(grid.MaxFrequencyPerDay < 288);
    }

    [Fact]
    public void For_UsesTheScanOversamplingWhenAsked_AndTheOptionsLimits()
    {
        var options = new PeriodSearchOptions { MinFrequencyPerDay = 0.1, MaxFrequencyPerDay = 48 };

        var grid = FrequencyGrid.For(500, options, samplesPerPeak: 3);

        Assert.Equal(0.1, grid.MinFrequencyPerDay);
        Assert.Equal(1.0 / 1500, grid.StepPerDay, 15);
        Assert.InRange(grid.MaxFrequencyPerDay, 48 - grid.StepPerDay, 48);
    }

    [Fact]
    public void For_RejectsUnusableBaselinesAndRanges()
    {
        Assert.Throws<ArgumentException>(() => FrequencyGrid.For(0, new PeriodSearchOptions()));
        var inverted = Assert.Throws<ArgumentException>(() => FrequencyGrid.For(100, new PeriodSearchOptions { MaxFrequencyPerDay = 0.01 }));
        Assert.Contains("not below the maximum", inverted.Message, StringComparison.Ordinal);
        var huge = Assert.Throws<ArgumentException>(() => FrequencyGrid.For(1e7, new PeriodSearchOptions()));
        Assert.Contains("exceed the limit", huge.Message, StringComparison.Ordinal);
    }
}
