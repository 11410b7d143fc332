namespace ScopeWeb.Training.Hierarchical;

/// <summary>Precision, recall and F1 of one class (one-vs-rest on the arg-max predictions).</summary>
public sealed record ClassScores(string Name, int Support, double Precision, double Recall, double F1);

/// <summary>
/// Arg-max metrics of a multi-class classifier on one split: the confusion matrix (rows = true class, columns =
/// predicted class, counts), accuracy, per-class precision / recall / F1 and macro-F1 (the unweighted mean over classes,
/// as sklearn's <c>f1_score(average="macro")</c>; a class with no predictions has precision 0).
/// </summary>
public sealed record MulticlassMetrics(IReadOnlyList<string> Classes, int[][] Confusion)
{
    public int Rows => Confusion.Sum(row => row.Sum());

    public int Correct => Enumerable.Range(0, Classes.Count).Sum(k => Confusion[k][k]);

    public double Accuracy => Rows == 0 ? double.NaN : (double)Correct / Rows;

    public IReadOnlyList<ClassScores> PerClass => [.. Enumerable.Range(0, Classes.Count).Select(Scores)];

    public double MacroF1 => Classes.Count == 0 ? double.NaN : PerClass.Average(c => c.F1);

    /// <summary>Metrics of predicted class indices against true ones (both in 0..classes−1).</summary>
    public static MulticlassMetrics Compute(IReadOnlyList<string> classes, ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException($"{predicted.Length} predictions for {actual.Length} rows.", nameof(predicted));
        }

        var confusion = classes.Select(_ => new int[classes.Count]).ToArray();
        for (var i = 0; i < actual.Length; i++)
        {
            confusion[actual[i]][predicted[i]]++;
        }

        return new MulticlassMetrics(classes, confusion);
    }

    /// <summary>Index of the largest value of each row of row-major <c>[rows × width]</c> values (the first on ties, as numpy's argmax).</summary>
    public static int[] ArgMax(ReadOnlySpan<float> values, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var result = new int[values.Length / width];
        for (var r = 0; r < result.Length; r++)
        {
            var row = values.Slice(r * width, width);
            var best = 0;
            for (var k = 1; k < width; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            result[r] = best;
        }

        return result;
    }

    private ClassScores Scores(int k)
    {
        var truePositives = Confusion[k][k];
        var support = Confusion[k].Sum();
        var predicted = Confusion.Sum(row => row[k]);
        var precision = predicted == 0 ? 0 : (double)truePositives / predicted;
        var recall = support == 0 ? 0 : (double)truePositives / support;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassScores(Classes[k], support, precision, recall, f1);
    }
}
