using System.Globalization;
using System.Text;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Issue [6/12], case 8b: missing features (empty, NaN, ±inf) are imputed per the card, and the table scorer says per
/// model how many rows that was and how, instead of scoring them silently.
/// </summary>
public sealed class ImputationSummaryTests : IDisposable
{
    private static readonly string[] Features = ["period", "amp"];

    private readonly ScratchFolder _folder = new();

    [Fact]
    public async Task The_scorer_counts_rows_with_missing_features_per_model_and_says_how_they_were_filled()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, ImputationMethod.Median));
        InstallTree("pnp");
        // 1,000 rows; 12 of them miss something: period empty, nan, inf or -inf, amp NaN in some.
        var text = new StringBuilder("obj_id,period,amp\n");
        var missing = new Dictionary<int, (string Period, string Amp)>
        {
            [3] = ("", "0.5"),
            [40] = ("nan", "0.5"),
            [41] = ("NaN", "NaN"),
            [99] = ("inf", "0.5"),
            [100] = ("-inf", "0.5"),
            [200] = ("1.5", "nan"),
            [300] = ("", ""),
            [400] = ("Infinity", "0.5"),
            [500] = ("1.5", "-Infinity"),
            [600] = ("", "0.5"),
            [700] = ("+inf", "0.5"),
            [999] = ("", "inf"),
        };
        for (var r = 0; r < 1000; r++)
        {
            var (period, amp) = missing.TryGetValue(r, out var cells) ? cells : ("1.5", "0.25");
            text.Append(CultureInfo.InvariantCulture, $"ZTF{r},{period},{amp}\n");
        }

        await File.WriteAllTextAsync(_folder.File("features.csv"), text.ToString());
        using var registry = new ModelRegistry(_folder.Path, watch: false);
        Assert.Empty(registry.Errors);
        using var lease = registry.Acquire();

        var scoring = await new FeatureTableScorer(lease.Set.Models).ScoreFileWithSummaryAsync(_folder.File("features.csv"), _folder.File("preds.csv"));

        Assert.Equal(1000, scoring.Rows);
        Assert.Equal(["pnp_xgb", "vnv_dnn"], scoring.Imputation.Select(s => s.ScoreColumn));
        var dnn = scoring.Imputation[1];
        Assert.Equal((1000L, 12L), (dnn.Rows, dnn.RowsImputed));
        Assert.Equal([new("period", 10L), new KeyValuePair<string, long>("amp", 5L)], dnn.MissingByFeature);
        Assert.Equal([ImputationMethod.Median], dnn.Methods);
        Assert.Equal("vnv_dnn: 12 of 1,000 rows had missing features imputed (median); most often missing: period (10 rows)", dnn.Describe());
        Assert.Equal(
            "pnp_xgb: 12 of 1,000 rows had missing features left missing (none: the trees send them their learned default way); most often missing: period (10 rows)",
            scoring.Imputation[0].Describe());

        // Nothing is scored wrongly: an imputed row scores as the card's median (0.5) written in, a complete row as itself.
        var lines = await File.ReadAllLinesAsync(_folder.File("preds.csv"));
        var column = Array.IndexOf(lines[0].Split(','), "vnv_dnn");
        var dnnModel = lease.Set.Models.Single(m => m.ScoreColumn == "vnv_dnn").Classifier;
        var imputedAsMedian = dnnModel.Score([new Dictionary<string, double> { ["period"] = 0.5, ["amp"] = 0.5 }])[0];
        Assert.Equal(imputedAsMedian, float.Parse(lines[300 + 1].Split(',')[column], CultureInfo.InvariantCulture));
        var complete = dnnModel.Score([new Dictionary<string, double> { ["period"] = 1.5, ["amp"] = 0.25 }])[0];
        Assert.Equal(complete, float.Parse(lines[1].Split(',')[column], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_table_without_missing_features_says_so()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, ImputationMethod.Median));
        await File.WriteAllTextAsync(_folder.File("features.csv"), "obj_id,period,amp\nZTF1,1,2\nZTF2,3,4\n");
        using var registry = new ModelRegistry(_folder.Path, watch: false);
        using var lease = registry.Acquire();

        var scoring = await new FeatureTableScorer(lease.Set.Models).ScoreFileWithSummaryAsync(_folder.File("features.csv"), _folder.File("preds.csv"));

        var summary = Assert.Single(scoring.Imputation);
        Assert.Equal(0, summary.RowsImputed);
        Assert.Empty(summary.MissingByFeature);
        Assert.Equal("vnv_dnn: 0 of 2 rows had missing features", summary.Describe());
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A one-split XGB-style tree (missing values go left) with imputation none, as the trainers make XGB cards.</summary>
    private void InstallTree(string tag)
    {
        var card = ClassificationTestFiles.Card(Features) with { Tag = tag };
        var tree = new TreeEnsembleModel(2, [[new TreeNode(0, 1f, TreeSplitRule.LessThan, 1, 2, true, 0f), TreeNode.Leaf(0.5f), TreeNode.Leaf(-0.5f)]], 0f);
        var model = OnnxModelWriter.BuildTreeEnsemble(tree, ModelIdentity.Of(card).ToMetadata());
        ModelFolder.Install(_folder.Path, card, $"{tag}.xgb.json", $"{tag}.xgb.onnx", s => OnnxModelWriter.Write(model, s), "tree", replace: false);
    }
}
