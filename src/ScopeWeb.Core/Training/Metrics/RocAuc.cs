namespace ScopeWeb.Core.Training.Metrics;

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

        var order = new int[scores.Length];
        var keys = new float[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN; the ROC AUC needs a number for every row.", nameof(scores));
            }

            order[i] = i;
            keys[i] = scores[i];
        }

        Array.Sort(keys, order);

        // Rank sum of the positives, every run of tied scores sharing its mean rank (1-based).
        double positiveRankSum = 0;
        long positives = 0;
        var start = 0;
        while (start < keys.Length)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            var meanRank = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++)
            {
                if (labels[order[k]] > 0.5f)
                {
                    positiveRankSum += meanRank;
                    positives++;
                }
            }

            start = end;
        }

        long negatives = keys.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }
}
