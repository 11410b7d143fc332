using ScopeWeb.Training;
using ScopeWeb.Training.Data;

namespace ScopeWeb.Web.Training;

/// <summary>The training page's form: inputs bind to its properties; <see cref="Runs"/> turns it into one run per tag and algorithm.</summary>
public sealed class TrainingForm
{
    public const string BothAlgorithms = "both";

    /// <summary><c>catalog</c> or the path of an uploaded CSV.</summary>
    public string Dataset { get; set; } = TrainingParameters.CatalogDataset;

    public IReadOnlyCollection<string> Tags { get; set; } = ["vnv"];

    /// <summary><c>dnn</c>, <c>xgb</c> or <see cref="BothAlgorithms"/>.</summary>
    public string Algorithm { get; set; } = BothAlgorithms;

    /// <summary>Label column for a CSV whose labels are not SCoPe's (e.g. <c>class_name=RRab</c>); the tag names the run.</summary>
    public string? Label { get; set; }

    /// <summary>Comma-separated features or a set name; blank = the tag's set.</summary>
    public string? Features { get; set; }

    public int Epochs { get; set; } = 100;
    public int BatchSize { get; set; } = 64;
    public int Patience { get; set; } = 20;
    public int Seed { get; set; } = 42;
    public bool ConvBranch { get; set; } = true;
    public double Threshold { get; set; } = 0.7;
    public bool WeightPerClass { get; set; }
    public int MaxDepth { get; set; } = 3;
    public double Eta { get; set; } = 0.3;
    public int MaxRounds { get; set; } = 999;

    /// <summary>Tags the catalog can train: SCoPe tags whose label the catalog's known classes provide.</summary>
    public static IReadOnlyList<ScopeTag> CatalogTags { get; } =
        [.. ScopeTags.All.Where(t => CatalogTrainingSet.LabelColumns.Contains(t.LabelColumn, StringComparer.Ordinal))];

    /// <summary>One parameter set per tag and algorithm; problems are reported, not thrown.</summary>
    public (IReadOnlyList<TrainingParameters> Runs, IReadOnlyList<string> Problems) Runs()
    {
        var problems = new List<string>();
        if (Tags.Count == 0)
        {
            problems.Add("Choose at least one tag.");
        }

        var algorithms = Algorithm == BothAlgorithms ? new[] { "dnn", "xgb" } : [Algorithm];
        var features = string.IsNullOrWhiteSpace(Features) ? null : Features.Trim();
        var isSet = features is not null && ScopeTags.FeatureSet(features) is not null;
        var runs = new List<TrainingParameters>();
        foreach (var tag in Tags.Order(StringComparer.Ordinal))
        {
            foreach (var algorithm in algorithms)
            {
                var p = new TrainingParameters
                {
                    Tag = tag,
                    Algorithm = algorithm,
                    Dataset = Dataset,
                    Label = string.IsNullOrWhiteSpace(Label) ? null : Label.Trim(),
                    FeatureSet = isSet ? features : null,
                    Features = features is null || isSet ? null : features.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                    Epochs = Epochs,
                    BatchSize = BatchSize,
                    Patience = Patience,
                    Seed = Seed,
                    // Uploaded tables may have no dmdt column; the network then trains on the features alone.
                    ConvBranch = ConvBranch,
                    Threshold = Threshold,
                    WeightPerClass = WeightPerClass,
                    MaxDepth = MaxDepth,
                    Eta = Eta,
                    MaxRounds = MaxRounds,
                };
                foreach (var problem in p.Validate())
                {
                    if (!problems.Contains(problem, StringComparer.Ordinal))
                    {
                        problems.Add(problem);
                    }
                }

                runs.Add(p);
            }
        }

        return (problems.Count == 0 ? runs : [], problems);
    }
}
