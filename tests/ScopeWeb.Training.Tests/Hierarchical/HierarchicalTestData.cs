using System.Globalization;
using System.Text;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Training.Tests.Hierarchical;

/// <summary>A small synthetic class table: each class a cloud in (log period, amplitude), plus a noise feature and some missing amplitudes.</summary>
internal static class HierarchicalTestData
{
    public const string Taxonomy = "Periodic:RRab,EW,Mira;Stochastic:AGN,YSO;Transient:SNIa";

    public static readonly string[] Features = ["period", "amp", "noise"];

    /// <summary>Class → (log10 period centre, amplitude centre); Constant is outside the taxonomy.</summary>
    private static readonly (string Name, double LogPeriod, double Amp)[] Classes =
    [
        ("RRab", -0.2, 0.8), ("EW", -0.5, 0.4), ("Mira", 2.5, 3.0), ("AGN", 1.5, 0.3), ("YSO", 0.8, 1.2), ("SNIa", 1.2, 2.0), ("Constant", 0.0, 0.02),
    ];

    public static string Csv(int rowsPerClass, int seed = 7)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("obj_id,class_name,period,amp,noise\n");
        var id = 0;
        for (var i = 0; i < rowsPerClass; i++)
        {
            foreach (var (name, logPeriod, amp) in Classes)
            {
                var period = Math.Pow(10, logPeriod + (Gaussian(rng) * 0.15));
                var amplitude = amp * (1 + (Gaussian(rng) * 0.15));
                var ampText = id % 11 == 0 ? "" : amplitude.ToString("R", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $"o{id++},{name},{period:R},{ampText},{rng.NextDouble():R}\n");
            }
        }

        return sb.ToString();
    }

    public static TrainingTable Table(int rowsPerClass, int seed = 7) =>
        TrainingTable.Read(new StringReader(Csv(rowsPerClass, seed)), "classes.csv", "sha256:classes");

    public static HierarchicalTrainingOptions Options() => new()
    {
        Taxonomy = HierarchicalTaxonomy.Parse(Taxonomy, "test"),
        Features = Features,
        Gbdt = HierarchicalTrainingOptions.DefaultGbdt with { Threads = 1, MaxRounds = 60 },
    };

    /// <summary>Row-major probabilities of a split from the card's ONNX model via the registry's scorer.</summary>
    public static float[] Score(OnnxClassifier classifier, HierarchicalSplit split)
    {
        var probabilities = new float[split.Rows * classifier.Classes.Count];
        classifier.ScoreClassesPrepared(split.Features, probabilities);
        return probabilities;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
