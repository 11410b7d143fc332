using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Classifiers.Onnx.Proto;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>Models written by <see cref="OnnxModelWriter"/> load in ONNX Runtime and compute what a plain C# pass computes.</summary>
public sealed class OnnxModelWriterTests
{
    private static readonly string[] Features = ["ad", "chi2red", "f1_amp", "iqr", "median", "skew"];

    [Fact]
    public void Mlp_MatchesPlainForwardPass()
    {
        var random = new Random(11);
        DenseLayer[] layers =
        [
            RandomLayer(random, 6, 16, DenseActivation.Relu),
            RandomLayer(random, 16, 8, DenseActivation.Relu),
            RandomLayer(random, 8, 1, DenseActivation.Sigmoid),
        ];
        // More rows than one ONNX Runtime call takes, so the batching is checked too.
        const int rows = OnnxClassifier.MaxBatchRows + 300;
        var input = Enumerable.Range(0, rows * 6).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        using var scratch = new ScratchFolder();
        OnnxModelWriter.Write(OnnxModelWriter.BuildMlp(layers), scratch.File("mlp.onnx"));
        using var classifier = OnnxClassifier.Create(
            ClassificationTestFiles.Card(Features, ModelAlgorithm.Dnn, ImputationMethod.Zero), scratch.File("mlp.onnx"), "test card");

        var scores = new float[rows];
        classifier.ScorePrepared(input, scores);

        var spread = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var expected = Forward(layers, input.AsSpan(r * 6, 6));
            Assert.True(Math.Abs(scores[r] - expected) <= 1e-6, $"row {r}: ONNX {scores[r]:R} vs C# {expected:R}");
            spread = Math.Max(spread, Math.Abs(expected - 0.5));
        }

        Assert.True(spread > 0.05, "the random network gives nearly constant scores; the comparison would be weak");
        var single = new float[1];
        classifier.ScorePrepared(input.AsSpan(6 * 4100, 6), single);
        Assert.Equal(scores[4100], single[0]);
    }

    [Fact]
    public void TreeEnsemble_WithLessOrEqualAndMissingValues_MatchesPlainEvaluation()
    {
        // Tree 0 splits on feature 1 at 0.5 (NaN → right), tree 1 on feature 0 at −1 (NaN → left).
        IReadOnlyList<TreeNode> tree0 =
        [
            new(1, 0.5f, TreeSplitRule.LessOrEqual, 1, 2, false, 0f),
            TreeNode.Leaf(-0.75f),
            TreeNode.Leaf(1.25f),
        ];
        IReadOnlyList<TreeNode> tree1 =
        [
            new(0, -1f, TreeSplitRule.LessOrEqual, 1, 2, true, 0f),
            TreeNode.Leaf(0.5f),
            new(1, 2f, TreeSplitRule.LessThan, 3, 4, true, 0f),
            TreeNode.Leaf(-0.25f),
            TreeNode.Leaf(0.125f),
        ];
        var model = new TreeEnsembleModel(2, [tree0, tree1], 0.1f);
        float[] input = [0f, 0.5f, -1f, 0.6f, float.NaN, float.NaN, 3f, 2f, 3f, float.NaN, -2f, 1.9999999f];
        using var scratch = new ScratchFolder();
        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(model), scratch.File("trees.onnx"));
        using var classifier = OnnxClassifier.Create(ClassificationTestFiles.Card(["a", "b"]), scratch.File("trees.onnx"), "test card");

        var scores = new float[input.Length / 2];
        classifier.ScorePrepared(input, scores);

        // Hand-computed margins: row 0 (0, .5) → −.75 + (.5 ≤ 2 → −.25) + .1 = −.9; row 2 (NaN, NaN) → 1.25 + .5 + .1.
        AssertClose(Sigmoid(-0.9), scores[0], "row 0");
        AssertClose(Sigmoid(1.85), scores[2], "row 2");
        for (var r = 0; r < scores.Length; r++)
        {
            AssertClose(Sigmoid(model.Margin(input.AsSpan(r * 2, 2))), scores[r], $"row {r}");
        }
    }

    [Fact]
    public void WrittenModel_IsStampedForOnnxRuntime_AndCarriesTheCard()
    {
        var card = ClassificationTestFiles.Card(Features, ModelAlgorithm.Dnn, ImputationMethod.Zero, "mlp.onnx");
        var layers = new[] { RandomLayer(new Random(3), 6, 1, DenseActivation.Sigmoid) };
        using var scratch = new ScratchFolder();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [OnnxModelWriter.ModelCardMetadataKey] = card.ToJson() };
        OnnxModelWriter.Write(OnnxModelWriter.BuildMlp(layers, metadata), scratch.File("mlp.onnx"));

        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(scratch.File("mlp.onnx")));
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        using var session = new InferenceSession(scratch.File("mlp.onnx"));
        var cardJson = session.ModelMetadata.CustomMetadataMap[OnnxModelWriter.ModelCardMetadataKey];
        Assert.Equal(card.FeatureNames, ModelCard.Parse(cardJson, "metadata").FeatureNames);
        Assert.Equal([-1, 6], session.InputMetadata[OnnxModelWriter.InputName].Dimensions);
        Assert.Equal([-1, 1], session.OutputMetadata[OnnxModelWriter.OutputName].Dimensions);
    }

    [Fact]
    public void TreeModel_ImportsTheMlDomainAtVersion3()
    {
        var model = new TreeEnsembleModel(1, [[TreeNode.Leaf(0.5f)]], 0f);
        var proto = OnnxModelWriter.BuildTreeEnsemble(model);

        Assert.Contains(proto.OpsetImport, opset => opset.Domain == "ai.onnx.ml" && opset.Version == 3);
        Assert.Contains(proto.OpsetImport, opset => opset.Domain.Length == 0 && opset.Version == 17);
    }

    [Fact]
    public void MismatchedLayers_AreRefused()
    {
        var random = new Random(5);
        var error = Assert.Throws<ArgumentException>(() => OnnxModelWriter.BuildMlp(
            [RandomLayer(random, 6, 8, DenseActivation.Relu), RandomLayer(random, 7, 1, DenseActivation.Sigmoid)]));
        Assert.Contains("layer 1 takes 7 inputs but layer 0 gives 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelWithOtherFeatureCount_IsRefusedByTheClassifier()
    {
        var layers = new[] { RandomLayer(new Random(3), 5, 1, DenseActivation.Sigmoid) };
        using var scratch = new ScratchFolder();
        OnnxModelWriter.Write(OnnxModelWriter.BuildMlp(layers), scratch.File("mlp.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(
            ClassificationTestFiles.Card(Features, ModelAlgorithm.Dnn, ImputationMethod.Zero), scratch.File("mlp.onnx"), "card.json"));
        Assert.Contains("[N, 6]", error.Message, StringComparison.Ordinal);
    }

    private static DenseLayer RandomLayer(Random random, int inputs, int outputs, DenseActivation activation)
    {
        var scale = 1.5 / Math.Sqrt(inputs);
        var weights = Enumerable.Range(0, inputs * outputs).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        var bias = Enumerable.Range(0, outputs).Select(_ => (float)((random.NextDouble() * 2 - 1) * 0.2)).ToArray();
        return new DenseLayer(inputs, outputs, weights, bias, activation);
    }

    /// <summary>y = act(x·Wᵀ + b) layer by layer, in double.</summary>
    private static double Forward(IReadOnlyList<DenseLayer> layers, ReadOnlySpan<float> row)
    {
        var current = row.ToArray().Select(value => (double)value).ToArray();
        foreach (var layer in layers)
        {
            var next = new double[layer.OutputCount];
            for (var o = 0; o < layer.OutputCount; o++)
            {
                var sum = (double)layer.Bias[o];
                for (var i = 0; i < layer.InputCount; i++)
                {
                    sum += layer.Weights[(o * layer.InputCount) + i] * current[i];
                }

                next[o] = layer.Activation switch
                {
                    DenseActivation.Relu => Math.Max(0, sum),
                    DenseActivation.Sigmoid => Sigmoid(sum),
                    _ => sum,
                };
            }

            current = next;
        }

        return current[0];
    }

    private static void AssertClose(double expected, float actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6, $"{what}: ONNX {actual:R} vs expected {expected:R}");

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
