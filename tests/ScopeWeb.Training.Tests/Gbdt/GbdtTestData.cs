namespace ScopeWeb.Training.Tests.Gbdt;

/// <summary>
/// A small nonlinear binary problem for the GBDT tests. Eight features: 0–3 Gaussian and used through an interaction
/// (x0·x1), a sine and a square, so no linear cut separates the classes; 4 and 5 Gaussian, used linearly and 10 % NaN
/// (in every split), so LightGBM learns default directions for them; 6 an integer in {0, 1, 2} (thresholds fall between
/// repeated values); 7 noise. Features 0–3, 6 and 7 have no NaN here, so a NaN there at scoring time is read as 0.
/// </summary>
internal static class GbdtTestData
{
    public const int FeatureCount = 8;

    /// <summary>Features that hold NaN in the generated data.</summary>
    public static readonly int[] FeaturesWithNaN = [4, 5];

    /// <summary>Features that never hold NaN in the generated data.</summary>
    public static readonly int[] FeaturesWithoutNaN = [0, 1, 2, 3, 6, 7];

    public static TrainingSplit Make(int rows, int seed, double labelNoise = 0.35)
    {
        var random = new Random(seed);
        var features = new float[rows * FeatureCount];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var x = new double[FeatureCount];
            for (var f = 0; f < FeatureCount; f++)
            {
                x[f] = Gaussian(random);
            }

            x[6] = random.Next(3);
            var margin = (1.5 * x[0] * x[1]) + (1.2 * Math.Sin(2 * x[2])) + (0.6 * x[3] * x[3]) - 0.6 + (0.8 * x[4]) - (0.6 * x[5]) + (0.5 * (x[6] - 1))
                + (labelNoise * Gaussian(random));
            labels[r] = margin > 0 ? 1f : 0f;
            for (var f = 0; f < FeatureCount; f++)
            {
                var missing = FeaturesWithNaN.Contains(f) && random.NextDouble() < 0.1;
                features[(r * FeatureCount) + f] = missing ? float.NaN : (float)x[f];
            }
        }

        return new TrainingSplit(FeatureCount, features, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
