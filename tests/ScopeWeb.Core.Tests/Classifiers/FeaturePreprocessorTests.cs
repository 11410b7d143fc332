using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>Rows are assembled in card order, imputed, then scaled, exactly as the card says.</summary>
public sealed class FeaturePreprocessorTests
{
    private static ModelCard Card(ScalingMethod method) => ClassificationTestFiles.Card(["ad", "chi2red", "f1_amp", "iqr"]) with
    {
        Scaling = new FeatureScaling
        {
            Method = method,
            Stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal)
            {
                ["ad"] = new() { Min = 1, Max = 5, Median = 2, Std = 0.5 },
                ["chi2red"] = new() { Min = -2, Max = 2, Median = 0, Std = 4 },
                ["f1_amp"] = new() { Min = 3, Max = 3, Median = 3, Std = 0 }, // no spread: stays unscaled
                // iqr has no stats: stays unscaled
            },
        },
        Imputation = new Dictionary<string, FeatureImputation>(StringComparer.Ordinal)
        {
            ["ad"] = new() { Method = ImputationMethod.Median, Value = 3 },
            ["chi2red"] = new() { Method = ImputationMethod.Zero },
            ["f1_amp"] = new() { Method = ImputationMethod.Mean, Value = 7 },
            ["iqr"] = new() { Method = ImputationMethod.None },
        },
    };

    [Fact]
    public void MinMax_IsAppliedInCardOrder_WhateverTheRowOrder()
    {
        var preprocessor = new FeaturePreprocessor(Card(ScalingMethod.MinMax));
        var row = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["iqr"] = 0.25,
            ["unused"] = 99,
            ["f1_amp"] = 4.5,
            ["chi2red"] = 1,
            ["ad"] = 2,
        };
        var output = new float[4];

        preprocessor.Prepare(row, output);

        // ad (2−1)/4, chi2red (1+2)/4, f1_amp and iqr unscaled.
        Assert.Equal([0.25f, 0.75f, 4.5f, 0.25f], output);
    }

    [Fact]
    public void MedianStd_IsApplied()
    {
        var preprocessor = new FeaturePreprocessor(Card(ScalingMethod.MedianStd));
        var output = new float[4];

        preprocessor.Prepare([3.0, -2.0, 4.5, 0.25], output);

        Assert.Equal([2f, -0.5f, 4.5f, 0.25f], output);
    }

    [Fact]
    public void MissingValues_AreImputedBeforeScaling_AndNoneStaysNaN()
    {
        var preprocessor = new FeaturePreprocessor(Card(ScalingMethod.MinMax));
        var output = new float[4];

        preprocessor.Prepare([double.NaN, double.PositiveInfinity, double.NaN, double.NaN], output);

        // ad median 3 → (3−1)/4; chi2red zero → (0+2)/4; f1_amp mean 7 unscaled; iqr none → NaN.
        Assert.Equal(0.5f, output[0]);
        Assert.Equal(0.5f, output[1]);
        Assert.Equal(7f, output[2]);
        Assert.True(float.IsNaN(output[3]));
    }

    [Fact]
    public void RowMissingAFeatureColumn_IsAnErrorNamingTheFeature()
    {
        using var scratch = new ScratchFolder();
        var card = Card(ScalingMethod.MinMax);
        var model = new TreeEnsembleModel(4, [[new TreeNode(0, 0.5f, TreeSplitRule.LessThan, 1, 2, true, 0f), TreeNode.Leaf(-1f), TreeNode.Leaf(1f)]], 0f);
        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(model), scratch.File("model.onnx"));
        using var classifier = OnnxClassifier.Create(card, scratch.File("model.onnx"), "card.json");
        var complete = new Dictionary<string, double>(StringComparer.Ordinal) { ["ad"] = 1, ["chi2red"] = 0, ["f1_amp"] = 3, ["iqr"] = 1 };
        var incomplete = new Dictionary<string, double>(StringComparer.Ordinal) { ["ad"] = 1, ["chi2red"] = 0, ["iqr"] = 1 };

        var error = Assert.Throws<InvalidDataException>(() => classifier.Score([complete, incomplete]));

        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("'f1_amp'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifier_ScoresPreparedRows()
    {
        // ad scaled: raw 2 → 0.25 < 0.5 → left leaf −1; raw 4 → 0.75 → right leaf 1; NaN → median 3 → 0.5 → right.
        using var scratch = new ScratchFolder();
        var model = new TreeEnsembleModel(4, [[new TreeNode(0, 0.5f, TreeSplitRule.LessThan, 1, 2, true, 0f), TreeNode.Leaf(-1f), TreeNode.Leaf(1f)]], 0f);
        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(model), scratch.File("model.onnx"));
        using var classifier = OnnxClassifier.Create(Card(ScalingMethod.MinMax), scratch.File("model.onnx"), "card.json");
        IReadOnlyDictionary<string, double> Row(double ad) =>
            new Dictionary<string, double>(StringComparer.Ordinal) { ["ad"] = ad, ["chi2red"] = 0, ["f1_amp"] = 3, ["iqr"] = 1 };

        var scores = classifier.Score([Row(2), Row(4), Row(double.NaN)]);

        var low = (float)(1 / (1 + Math.Exp(1)));
        var high = (float)(1 / (1 + Math.Exp(-1)));
        Assert.Equal([low, high, high], scores, (a, b) => Math.Abs(a - b) <= 1e-6);
    }
}
