namespace ScopeWeb.Training.Metrics;

/// <summary>Area under the ROC curve of binary scores.</summary>
public static class RocAuc
{
    /// <summary>
    /// The exact ROC AUC: the probability that a random positive scores above a random negative, ties counting one half
    /// (the Mann–Whitney U statistic over n₊·n₋, equal to sklearn's <c>roc_auc_score</c>). A label above 0.5 is positive.
    /// </summary>
    /// <returns>The AUC in [0, 1], or NaN when the labels hold only one class (the AUC is undefined then).</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or a score is NaN.</exception>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores for {labels.Length} labels.", nameof(scores));
        }

        for (var i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN; the ROC AUC needs a number for every row.", nameof(scores));
            }
        }

        // One implementation of the AUC in the project: the trapezoid under the exact ROC curve (ties half credit).
        return ClassificationMetrics.Roc(scores, labels, maxCurvePoints: 2).Auc;
    }
}
