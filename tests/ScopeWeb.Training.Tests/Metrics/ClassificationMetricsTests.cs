using ScopeWeb.Training.Metrics;

namespace ScopeWeb.Training.Tests.Metrics;

public class ClassificationMetricsTests
{
    [Fact]
    public void Matches_sklearns_roc_auc_and_counts_the_confusion_matrix()
    {
        // sklearn: roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75
        float[] scores = [0.1f, 0.4f, 0.35f, 0.8f];
        float[] labels = [0, 0, 1, 1];

        var m = ClassificationMetrics.Compute(scores, labels, decisionThreshold: 0.38);

        Assert.Equal(0.75, m.RocAuc, 12);
        Assert.Equal((1, 1, 1, 1), (m.TruePositives, m.FalsePositives, m.TrueNegatives, m.FalseNegatives));
        Assert.Equal(0.5, m.Precision, 12);
        Assert.Equal(0.5, m.Recall, 12);
        Assert.Equal(0.5, m.F1, 12);
        Assert.Equal(0.0, m.RocCurve[0].FalsePositiveRate);
        Assert.Equal(1.0, m.RocCurve[^1].TruePositiveRate);
    }

    [Fact]
    public void Tied_scores_get_half_credit_and_one_class_has_no_auc()
    {
        float[] tied = [0.5f, 0.5f, 0.5f, 0.5f];
        Assert.Equal(0.5, ClassificationMetrics.Compute(tied, [0, 1, 0, 1]).RocAuc, 12);
        Assert.True(double.IsNaN(ClassificationMetrics.Compute(tied, [1, 1, 1, 1]).RocAuc));
    }

    [Fact]
    public void The_curve_is_thinned_but_keeps_its_ends()
    {
        var rng = new Random(1);
        var scores = Enumerable.Range(0, 5000).Select(_ => (float)rng.NextDouble()).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s ? 1f : 0f).ToArray();

        var m = ClassificationMetrics.Compute(scores, labels, maxCurvePoints: 50);

        Assert.Equal(50, m.RocCurve.Count);
        Assert.Equal((0.0, 0.0), (m.RocCurve[0].FalsePositiveRate, m.RocCurve[0].TruePositiveRate));
        Assert.Equal((1.0, 1.0), (m.RocCurve[^1].FalsePositiveRate, m.RocCurve[^1].TruePositiveRate));
        Assert.InRange(m.RocAuc, 0.75, 0.9);
    }
}
