using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Training.Tests.Hierarchical;

/// <summary><see cref="OnnxModelWriter.BuildHierarchical"/> computes the product rule on hand-made trees, missing values included.</summary>
public class HierarchicalGraphTests
{
    /// <summary>A one-split stump on <paramref name="feature"/>: left leaf <paramref name="left"/>, right <paramref name="right"/>.</summary>
    private static TreeEnsembleModel Stump(int feature, float threshold, float left, float right, bool missingLeft, float baseMargin) =>
        new(2, [[new TreeNode(feature, threshold, TreeSplitRule.LessOrEqual, 1, 2, missingLeft, 0f), TreeNode.Leaf(left), TreeNode.Leaf(right)]], baseMargin);

    [Fact]
    public void Leaves_are_normalised_top_times_normalised_child_in_group_order()
    {
        TreeEnsembleModel[] top = [Stump(0, 0.5f, 1.5f, -2f, true, 0.1f), Stump(1, 0f, -1f, 0.75f, false, -0.3f), Stump(0, 2f, -0.5f, 1f, false, 0f)];
        IReadOnlyList<TreeEnsembleModel>[] children =
        [
            [Stump(1, -1f, 2f, -1f, true, 0f), Stump(0, 1f, -0.5f, 0.5f, false, 0.2f), Stump(1, 1f, 0f, 1.25f, true, -0.1f)],
            [],
            [Stump(0, 0f, 0.3f, -0.3f, false, 0f), Stump(1, 0.5f, -0.8f, 0.9f, true, 0.05f)],
        ];
        using var folder = new ScratchFolder();
        OnnxModelWriter.Write(OnnxModelWriter.BuildHierarchical(top, children), folder.File("h.onnx"));
        float[] rows = [0.2f, -2f, 3f, 0.4f, float.NaN, 1.5f, 1.2f, float.NaN, -1f, 0f, 2.5f, 2.5f];
        var rowCount = rows.Length / 2;

        using var session = new InferenceSession(folder.File("h.onnx"));
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [rowCount, 2]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxModelWriter.InputName], [input], [OnnxModelWriter.ProbabilitiesOutputName, OnnxModelWriter.TopOutputName]);
        var probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var topOut = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal([rowCount, 6L], outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([rowCount, 3L], outputs[1].GetTensorTypeAndShape().Shape);

        static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        for (var r = 0; r < rowCount; r++)
        {
            var row = rows.AsSpan(r * 2, 2);
            var topBinary = new double[3];
            for (var g = 0; g < 3; g++)
            {
                topBinary[g] = Sigmoid(top[g].Margin(row));
            }

            var childBinary = new IReadOnlyList<double>[3];
            for (var g = 0; g < 3; g++)
            {
                var values = new double[children[g].Count];
                for (var k = 0; k < values.Length; k++)
                {
                    values[k] = Sigmoid(children[g][k].Margin(row));
                }

                childBinary[g] = values;
            }

            // By hand for the one-leaf group: its leaf is its normalised top probability.
            var topSum = topBinary.Sum();
            Assert.Equal(topBinary[1] / topSum, probabilities[(r * 6) + 3], 1e-6);
            var (leaves, expectedTop) = HierarchicalTraining.Combine(topBinary, childBinary);
            for (var k = 0; k < 6; k++)
            {
                Assert.Equal(leaves[k], probabilities[(r * 6) + k], 1e-6);
            }

            for (var g = 0; g < 3; g++)
            {
                Assert.Equal(topBinary[g] / topSum, topOut[(r * 3) + g], 1e-6);
                Assert.Equal(expectedTop[g], topOut[(r * 3) + g], 1e-6);
            }

            Assert.Equal(1.0, leaves.Sum(), 1e-12);
            Assert.Equal(topOut[r * 3] * (childBinary[0][1] / childBinary[0].Sum()), probabilities[(r * 6) + 1], 1e-6);
        }
    }

    [Fact]
    public void A_one_leaf_group_with_a_child_model_or_a_single_group_is_refused()
    {
        TreeEnsembleModel[] top = [Stump(0, 0.5f, 1f, -1f, true, 0f), Stump(1, 0.5f, 1f, -1f, true, 0f)];
        var single = Assert.Throws<ArgumentException>(() => OnnxModelWriter.BuildHierarchical(top, [[top[0]], []]));
        Assert.Contains("Group 0 has one child model", single.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OnnxModelWriter.BuildHierarchical([top[0]], [[]]));
        Assert.Throws<ArgumentException>(() => OnnxModelWriter.BuildHierarchical(top, [[]]));
    }
}
