using ScopeWeb.Training.Metrics;

namespace ScopeWeb.Training.Tests.Dnn;

/// <summary>The validation AUC the DNN trainer reports (<see cref="RocAuc"/>), against values worked out by hand.</summary>
public sealed class RocAucTests
{
    [Fact]
    public void PerfectReversedAndTiedRankings()
    {
        Assert.Equal(1.0, RocAuc.Compute([0.1f, 0.2f, 0.8f, 0.9f], [0, 0, 1, 1]));
        Assert.Equal(0.0, RocAuc.Compute([0.9f, 0.8f, 0.2f, 0.1f], [0, 0, 1, 1]));
        Assert.Equal(0.5, RocAuc.Compute([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]));
    }

    [Fact]
    public void MixedRanking_CountsCorrectlyOrderedPairs_TiesAsHalf()
    {
        // Positives 0.35 and 0.8 against negatives 0.1, 0.4, 0.35: pairs won 1 + 0 + 0.5 (tie) and 1 + 1 + 1 → 4.5 of 6.
        Assert.Equal(4.5 / 6, RocAuc.Compute([0.1f, 0.35f, 0.4f, 0.8f, 0.35f], [0, 1, 0, 1, 0]), 12);
    }

    [Fact]
    public void OneClass_IsUndefined_AndBadInputIsRefused()
    {
        Assert.True(double.IsNaN(RocAuc.Compute([0.2f, 0.3f], [1, 1])));
        Assert.Throws<ArgumentException>(() => RocAuc.Compute([0.2f], [1, 0]));
        Assert.Contains("Score 1 is NaN", Assert.Throws<ArgumentException>(() => RocAuc.Compute([0.2f, float.NaN], [1, 0])).Message, StringComparison.Ordinal);
    }
}
