using System.Globalization;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Gbdt;

namespace ScopeWeb.Training.Tests.Gbdt;

/// <summary>The conversion rules on hand-written dumps: threshold rounding, NaN routing per missing type, refusals.</summary>
public sealed class LightGbmTreeConverterTests
{
    // 0.1 as a double lies between two floats; (float)0.1 = 0.100000001490116… rounds up.
    private const double UpThreshold = 0.1;

    [Fact]
    public void Threshold_IsTheLargestFloatNotAboveTheDouble()
    {
        var down = LightGbmTreeConverter.RoundThresholdDown(UpThreshold);

        Assert.True(down <= UpThreshold);
        Assert.True(MathF.BitIncrement(down) > UpThreshold);
        Assert.Equal(MathF.BitDecrement((float)UpThreshold), down);
        Assert.Equal(0.5f, LightGbmTreeConverter.RoundThresholdDown(0.5));
        Assert.Equal(float.MaxValue, LightGbmTreeConverter.RoundThresholdDown(1e300));
    }

    [Fact]
    public void Convert_RoutesLikeLightGbm_AtTheThresholdAndForNaN()
    {
        // Root: feature 0 <= 0.1 (NaN-type, default right); left child: feature 1 <= -0.5 (None-type: NaN reads as 0 → right).
        var model = LightGbmTreeConverter.Convert(Dump(Split(0, UpThreshold, "NaN", defaultLeft: false, Split(1, -0.5, "None", defaultLeft: true, Leaf(1), Leaf(2)), Leaf(3))), "test");

        Assert.Equal(2, model.FeatureCount);
        Assert.Equal(0f, model.BaseMargin);
        var tree = model.Trees[0];
        Assert.Equal(5, tree.Count);
        Assert.All(tree.Where(n => !n.IsLeaf), n => Assert.Equal(TreeSplitRule.LessOrEqual, n.Rule));

        // (float)0.1 > 0.1 as doubles, so LightGBM sends it right; the rounded-down threshold does the same.
        Assert.Equal(3, model.Margin([(float)UpThreshold, 0f]));
        Assert.Equal(2, model.Margin([MathF.BitDecrement((float)UpThreshold), 0f]));
        Assert.Equal(3, model.Margin([float.NaN, 0f]));                                   // NaN type: default_left false
        Assert.Equal(2, model.Margin([0f, float.NaN]));                                   // None type: NaN → 0 > −0.5 → right, despite default_left
        Assert.Equal(1, model.Margin([0f, -0.5f]));
    }

    [Fact]
    public void Threshold_InsideLightGbmsZeroBand_MovesToTheBandsEdge()
    {
        var zero = (float)LightGbmTreeConverter.ZeroThreshold;

        Assert.Equal(MathF.BitDecrement(-zero), LightGbmTreeConverter.FloatThreshold(-LightGbmTreeConverter.ZeroThreshold));
        Assert.Equal(MathF.BitDecrement(-zero), LightGbmTreeConverter.FloatThreshold(-1e-40));
        Assert.Equal(zero, LightGbmTreeConverter.FloatThreshold(0));
        Assert.Equal(zero, LightGbmTreeConverter.FloatThreshold(1e-40));
        Assert.Equal(zero, LightGbmTreeConverter.FloatThreshold(LightGbmTreeConverter.ZeroThreshold));
        Assert.Equal(LightGbmTreeConverter.RoundThresholdDown(UpThreshold), LightGbmTreeConverter.FloatThreshold(UpThreshold));
        Assert.Equal(LightGbmTreeConverter.RoundThresholdDown(-UpThreshold), LightGbmTreeConverter.FloatThreshold(-UpThreshold));
    }

    [Fact]
    public void Convert_NoneType_WithThresholdAboveZero_SendsNaNLeft()
    {
        var model = LightGbmTreeConverter.Convert(Dump(Split(0, 0.25, "None", defaultLeft: false, Leaf(-1), Leaf(1))), "test");

        Assert.True(model.Trees[0][0].MissingGoesLeft);
        Assert.Equal(-1, model.Margin([float.NaN]));
    }

    [Fact]
    public void Convert_KeepsLeafOnlyTrees_AndSumsTrees()
    {
        var json = "{\"num_class\":1,\"num_tree_per_iteration\":1,\"objective\":\"binary sigmoid:1\",\"max_feature_idx\":0,\"tree_info\":["
            + "{\"tree_index\":0,\"num_leaves\":1,\"num_cat\":0,\"tree_structure\":{\"leaf_value\":0.25,\"leaf_count\":10}},"
            + "{\"tree_index\":1,\"num_leaves\":2,\"num_cat\":0,\"tree_structure\":" + Split(0, 1, "None", false, Leaf(0.5), Leaf(-0.5)) + "}]}";

        var model = LightGbmTreeConverter.Convert(json, "test");

        Assert.Equal(2, model.Trees.Count);
        Assert.Equal(0.75, model.Margin([0f]), 6);
        Assert.Equal(-0.25, model.Margin([2f]), 6);
    }

    [Fact]
    public void Convert_RefusesZeroMissingType()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            LightGbmTreeConverter.Convert(Dump(Split(0, 0.5, "Zero", false, Leaf(0), Leaf(1))), "model.json"));

        Assert.Contains("model.json: field 'tree_info[0].tree_structure.missing_type'", error.Message, StringComparison.Ordinal);
        Assert.Contains("zero_as_missing=false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_RefusesCategoricalSplits()
    {
        var split = Split(0, 0.5, "None", false, Leaf(0), Leaf(1)).Replace("\"decision_type\":\"<=\"", "\"decision_type\":\"==\"", StringComparison.Ordinal)
            .Replace("\"threshold\":0.5", "\"threshold\":\"1||3\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => LightGbmTreeConverter.Convert(Dump(split), "model.json"));

        Assert.Contains("tree_info[0].tree_structure.decision_type", error.Message, StringComparison.Ordinal);
        Assert.Contains("categorical", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_RefusesMultiClassModels()
    {
        var json = Dump(Leaf(0)).Replace("\"num_class\":1", "\"num_class\":3", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => LightGbmTreeConverter.Convert(json, "model.json"));

        Assert.Contains("field 'num_class'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_NamesAMissingField()
    {
        var json = Dump(Split(0, 0.5, "NaN", true, Leaf(0), Leaf(1))).Replace("\"default_left\":true,", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => LightGbmTreeConverter.Convert(json, "model.json"));

        Assert.Contains("model.json: field 'tree_info[0].tree_structure.default_left': is missing", error.Message, StringComparison.Ordinal);
    }

    private static string Dump(string structure)
    {
        var maxFeature = structure.Contains("\"split_feature\":1", StringComparison.Ordinal) ? 1 : 0;
        return "{\"name\":\"tree\",\"version\":\"v4\",\"num_class\":1,\"num_tree_per_iteration\":1,\"label_index\":0,"
            + $"\"max_feature_idx\":{maxFeature},\"objective\":\"binary sigmoid:1\",\"average_output\":false,"
            + "\"tree_info\":[{\"tree_index\":0,\"num_leaves\":3,\"num_cat\":0,\"shrinkage\":1,\"tree_structure\":" + structure + "}]}";
    }

    private static string Split(int feature, double threshold, string missingType, bool defaultLeft, string left, string right) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{{\"split_index\":0,\"split_feature\":{feature},\"split_gain\":1,\"threshold\":{threshold:R},\"decision_type\":\"<=\",")
        + $"\"default_left\":{(defaultLeft ? "true" : "false")},\"missing_type\":\"{missingType}\",\"internal_value\":0,\"internal_weight\":1,\"internal_count\":10,"
        + $"\"left_child\":{left},\"right_child\":{right}}}";

    private static string Leaf(double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"leaf_index\":0,\"leaf_value\":{value:R},\"leaf_weight\":1,\"leaf_count\":5}}");
}
