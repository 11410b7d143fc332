namespace ScopeWeb.Training.Metrics;

/// <summary>One point of a ROC curve.</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);

/// <summary>
/// A binary classifier's scores on one split, as SCoPe reports them (accuracy, precision, recall, F1, ROC AUC) plus the
/// confusion matrix at the decision threshold and the ROC curve. Counts, not fractions, so nothing is lost.
/// </summary>
public sealed record ClassificationMetrics(
    int Rows,
    int TruePositives,
    int FalsePositives,
    int TrueNegatives,
    int FalseNegatives,
    double DecisionThreshold,
    double RocAuc,
    IReadOnlyList<RocPoint> RocCurve)
{
    public double Accuracy => Rows == 0 ? double.NaN : (double)(TruePositives + TrueNegatives) / Rows;

    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Headline numbers by SCoPe's stats names.</summary>
    public IReadOnlyDictionary<string, double> Summary(string prefix = "") => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [prefix + "accuracy"] = Accuracy,
        [prefix + "precision"] = Precision,
        [prefix + "recall"] = Recall,
        [prefix + "f1_score"] = F1,
        [prefix + "roc_auc"] = double.IsNaN(RocAuc) ? 0 : RocAuc,
    };

    /// <summary>Metrics of <paramref name="scores"/> against 0/1 <paramref name="labels"/>; the ROC curve keeps at most <paramref name="maxCurvePoints"/>.</summary>
    public static ClassificationMetrics Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double decisionThreshold = 0.5, int maxCurvePoints = 200)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores for {labels.Length} labels.", nameof(scores));
        }

        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var predicted = scores[i] >= decisionThreshold;
            var actual = labels[i] > 0.5f;
            (tp, fp, tn, fn) = (predicted, actual) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (true, false) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
        }

        var (auc, curve) = Roc(scores, labels, maxCurvePoints);
        return new ClassificationMetrics(scores.Length, tp, fp, tn, fn, decisionThreshold, auc, curve);
    }

    /// <summary>
    /// Exact ROC AUC (ties get half credit, as sklearn's trapezoidal <c>auc(roc_curve)</c>) and the curve, thinned
    /// evenly. NaN when one class is absent.
    /// </summary>
    public static (double Auc, IReadOnlyList<RocPoint> Curve) Roc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int maxCurvePoints = 200)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);
        Array.Reverse(keys);
        Array.Reverse(order);
        double positives = 0;
        foreach (var l in labels)
        {
            positives += l > 0.5f ? 1 : 0;
        }

        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return (double.NaN, []);
        }

        var points = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        double tp = 0, fp = 0, area = 0, lastFpr = 0, lastTpr = 0;
        for (var i = 0; i < order.Length;)
        {
            // One step per distinct score: tied scores move both rates at once (a diagonal segment).
            var threshold = keys[i];
            while (i < order.Length && keys[i] == threshold)
            {
                if (labels[order[i]] > 0.5f)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                i++;
            }

            var fpr = fp / negatives;
            var tpr = tp / positives;
            area += (fpr - lastFpr) * (tpr + lastTpr) / 2;
            (lastFpr, lastTpr) = (fpr, tpr);
            points.Add(new RocPoint(fpr, tpr, threshold));
        }

        if (points.Count > maxCurvePoints)
        {
            var step = (points.Count - 1) / (double)(maxCurvePoints - 1);
            points = [.. Enumerable.Range(0, maxCurvePoints).Select(k => points[(int)Math.Round(k * step)])];
        }

        return (area, points);
    }
}
