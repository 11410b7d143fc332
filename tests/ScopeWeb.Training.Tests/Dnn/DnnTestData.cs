namespace ScopeWeb.Training.Tests.Dnn;

/// <summary>
/// Small synthetic ScopeNet data: six standard-normal features, a label that is a linear rule of the first three, and a
/// 26×26 dmdt image per row with a blob whose position depends on the label (positives: large |dm| at long dt;
/// negatives: small |dm| at short dt), noise in every cell, L2-normalised as SCoPe's dmdt is.
/// </summary>
internal static class DnnTestData
{
    public const int FeatureCount = 6;

    /// <param name="rows">Rows to make.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <param name="randomLabels">Labels drawn at random instead of by the rule (an unlearnable split).</param>
    /// <param name="labelFromDmdtOnly">The features are pure noise; only the dmdt image tells the classes apart.</param>
    /// <param name="dmdtNoise">Amplitude of the uniform noise in every dmdt cell (the blob peaks at 3).</param>
    public static TrainingSplit Make(int rows, int seed, bool randomLabels = false, bool labelFromDmdtOnly = false, double dmdtNoise = 1)
    {
        var random = new Random(seed);
        var features = new float[rows * FeatureCount];
        var labels = new float[rows];
        var dmdt = new float[rows * TrainingSplit.DmdtLength];
        for (var row = 0; row < rows; row++)
        {
            var x = features.AsSpan(row * FeatureCount, FeatureCount);
            for (var j = 0; j < FeatureCount; j++)
            {
                x[j] = (float)Gaussian(random);
            }

            var ruleLabel = x[0] + (0.8 * x[1]) - (0.5 * x[2]) > 0;
            var positive = randomLabels ? random.Next(2) == 1 : ruleLabel;
            if (labelFromDmdtOnly)
            {
                positive = random.Next(2) == 1;
            }

            labels[row] = positive ? 1f : 0f;
            var image = dmdt.AsSpan(row * TrainingSplit.DmdtLength, TrainingSplit.DmdtLength);
            var (centreDm, centreDt) = positive ? (6 + random.Next(3), 16 + random.Next(4)) : (12 + random.Next(3), 4 + random.Next(4));
            double sumSquares = 0;
            for (var dm = 0; dm < 26; dm++)
            {
                for (var dt = 0; dt < 26; dt++)
                {
                    var distance2 = ((dm - centreDm) * (dm - centreDm)) + ((dt - centreDt) * (dt - centreDt));
                    var value = (float)((3 * Math.Exp(-distance2 / 6.0)) + (dmdtNoise * random.NextDouble()));
                    image[(dm * 26) + dt] = value;
                    sumSquares += value * value;
                }
            }

            var norm = (float)Math.Sqrt(sumSquares);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] /= norm;
            }
        }

        return new TrainingSplit(FeatureCount, features, labels, dmdt);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
