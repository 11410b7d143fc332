using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Classifiers.Xgboost;
using Xunit.Abstractions;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>
/// The XGBoost fixture (tools/models/make_xgb_fixture.py, xgboost 1.7.4: 20 trees of depth 3, base_score 0.35) converted
/// to ONNX must reproduce xgboost's own predictions on 100 rows with NaNs and exact split thresholds.
/// </summary>
public sealed class XgboostJsonImporterTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void OnnxConversion_ReproducesXgboostPredictions_OnEveryRow()
    {
        var model = XgboostJsonImporter.Load(ClassificationTestFiles.Fixture("xgb_binary.json"));
        var (rows, expected) = ReadTestRows(model.FeatureNames);
        using var scratch = new ScratchFolder();
        XgboostJsonImporter.ConvertToOnnx(ClassificationTestFiles.Fixture("xgb_binary.json"), scratch.File("model.onnx"));
        using var classifier = OnnxClassifier.Create(
            ClassificationTestFiles.Card(model.FeatureNames), scratch.File("model.onnx"), "test card");

        var scores = classifier.Score(rows);

        Assert.Equal(expected.Length, scores.Length);
        output.WriteLine($"max |ONNX − xgboost| over {scores.Length} rows: {Enumerable.Range(0, scores.Length).Max(r => Math.Abs(scores[r] - expected[r])):G3}");
        for (var r = 0; r < expected.Length; r++)
        {
            Assert.True(
                Math.Abs(scores[r] - expected[r]) <= Tolerance,
                $"row {r}: ONNX {scores[r]:R} vs xgboost {expected[r]:R}");
        }
    }

    [Fact]
    public void Fixture_CoversMissingValuesAndExactThresholds()
    {
        // Guards the main test's meaning: NaN rows exercise default_left, threshold rows the strict x < t rule.
        var model = XgboostJsonImporter.Load(ClassificationTestFiles.Fixture("xgb_binary.json"));
        var (rows, _) = ReadTestRows(model.FeatureNames);
        var thresholds = model.Ensemble.Trees.SelectMany(tree => tree).Where(node => !node.IsLeaf)
            .Select(node => (node.FeatureIndex, node.Threshold)).ToHashSet();

        var nanRows = rows.Count(row => row.Values.Any(double.IsNaN));
        var thresholdRows = rows.Count(row => model.FeatureNames.Select((name, i) => (i, (float)row[name])).Any(thresholds.Contains));

        Assert.True(nanRows >= 20, $"only {nanRows} rows with NaN");
        Assert.True(thresholdRows >= 20, $"only {thresholdRows} rows with a value on a split threshold");
        Assert.Contains(rows, row => row.Values.All(double.IsNaN));
    }

    [Fact]
    public void ThresholdRows_WouldDisagreeUnderLessOrEqual()
    {
        // Shows the strict rule matters for this fixture: the same trees with x <= t miss xgboost on some rows.
        var model = XgboostJsonImporter.Load(ClassificationTestFiles.Fixture("xgb_binary.json"));
        var (rows, expected) = ReadTestRows(model.FeatureNames);
        var leq = model.Ensemble with
        {
            Trees = [.. model.Ensemble.Trees.Select(tree => (IReadOnlyList<TreeNode>)[.. tree.Select(node => node with { Rule = TreeSplitRule.LessOrEqual })])],
        };
        using var scratch = new ScratchFolder();
        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(leq), scratch.File("leq.onnx"));
        using var classifier = OnnxClassifier.Create(ClassificationTestFiles.Card(model.FeatureNames), scratch.File("leq.onnx"), "test card");

        var scores = classifier.Score(rows);

        var wrong = Enumerable.Range(0, scores.Length).Count(r => Math.Abs(scores[r] - expected[r]) > Tolerance);
        Assert.True(wrong > 0, "BRANCH_LEQ matched xgboost everywhere; the fixture does not test the strict split rule");
    }

    [Fact]
    public void PlainEvaluation_MatchesXgboost_AndBaseScoreIsALogit()
    {
        var model = XgboostJsonImporter.Load(ClassificationTestFiles.Fixture("xgb_binary.json"));
        var (rows, expected) = ReadTestRows(model.FeatureNames);

        Assert.Equal("binary:logistic", model.Objective);
        Assert.Equal(0.35f, model.BaseScore);
        Assert.True(Math.Abs(Math.Log(0.35 / 0.65) - model.Ensemble.BaseMargin) <= 1e-6, $"base margin {model.Ensemble.BaseMargin:R}");
        Assert.Equal(["ad", "chi2red", "f1_amp", "iqr", "median", "skew"], model.FeatureNames);
        Assert.Equal(20, model.Ensemble.Trees.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var features = model.FeatureNames.Select(name => (float)rows[r][name]).ToArray();
            var probability = 1.0 / (1.0 + Math.Exp(-model.Ensemble.Margin(features)));
            Assert.True(Math.Abs(probability - expected[r]) <= Tolerance, $"row {r}: C# {probability:R} vs xgboost {expected[r]:R}");
        }
    }

    [Fact]
    public void UnsupportedObjective_IsRefusedNamingFileAndField()
    {
        var json = JsonNode.Parse(File.ReadAllText(ClassificationTestFiles.Fixture("xgb_binary.json")))!;
        json["learner"]!["objective"]!["name"] = "multi:softprob";

        var error = Assert.Throws<InvalidDataException>(() => XgboostJsonImporter.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "edited.json"));

        Assert.Contains("edited.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("learner.objective.name", error.Message, StringComparison.Ordinal);
        Assert.Contains("multi:softprob", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTreeArray_IsRefusedNamingTheTreeAndField()
    {
        var json = JsonNode.Parse(File.ReadAllText(ClassificationTestFiles.Fixture("xgb_binary.json")))!;
        json["learner"]!["gradient_booster"]!["model"]!["trees"]![3]!.AsObject().Remove("split_conditions");

        var error = Assert.Throws<InvalidDataException>(() => XgboostJsonImporter.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "edited.json"));

        Assert.Contains("edited.json: field 'learner.gradient_booster.model.trees[3].split_conditions'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitOnUnknownFeature_IsRefused()
    {
        var json = JsonNode.Parse(File.ReadAllText(ClassificationTestFiles.Fixture("xgb_binary.json")))!;
        json["learner"]!["gradient_booster"]!["model"]!["trees"]![0]!["split_indices"]![0] = 6;

        var error = Assert.Throws<InvalidDataException>(() => XgboostJsonImporter.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "edited.json"));

        Assert.Contains("trees[0].split_indices[0]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads xgb_test_rows.csv: feature columns (empty = NaN) and xgboost's score.</summary>
    private static (List<IReadOnlyDictionary<string, double>> Rows, double[] Expected) ReadTestRows(IReadOnlyList<string> featureNames)
    {
        var lines = File.ReadAllLines(ClassificationTestFiles.Fixture("xgb_test_rows.csv"));
        var header = lines[0].Split(',');
        Assert.Equal([.. featureNames, "xgb_score"], header);
        var rows = new List<IReadOnlyDictionary<string, double>>();
        var expected = new List<double>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var c = 0; c < featureNames.Count; c++)
            {
                row[header[c]] = cells[c].Length == 0 ? double.NaN : float.Parse(cells[c], CultureInfo.InvariantCulture);
            }

            rows.Add(row);
            expected.Add(float.Parse(cells[^1], CultureInfo.InvariantCulture));
        }

        return (rows, [.. expected]);
    }
}
