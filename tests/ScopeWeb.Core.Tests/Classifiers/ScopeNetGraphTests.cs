using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScopeWeb.Core.Classifiers.Onnx;
using Xunit.Abstractions;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>
/// ScopeNet graphs written by <see cref="OnnxModelWriter.BuildScopeNet"/> from torch weights reproduce torch's own outputs.
/// Fixture: tools/models/make_scopenet_fixture.py (torch 1.13): SCoPe's Keras network rebuilt in torch, F = 6, three
/// briefly trained variants (both branches, dense only, conv only) and 10 rows of standardised features with
/// L2-normalised dmdt histograms.
/// </summary>
public sealed class ScopeNetGraphTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;
    private const int DmdtLength = ScopeNetWeights.DmdtSize * ScopeNetWeights.DmdtSize;

    private static readonly Lazy<TorchFixture> Fixture = new(TorchFixture.Load);

    [Theory]
    [InlineData("both")]
    [InlineData("dense_only")]
    [InlineData("conv_only")]
    public void OnnxGraph_ReproducesTorchScores_OnEveryRow(string variantName)
    {
        var fixture = Fixture.Value;
        var variant = fixture.Variant(variantName);
        var weights = ScopeNetWeights.FromStateDict(variant.StateDict);
        using var session = new InferenceSession(OnnxModelWriter.BuildScopeNet(weights).ToByteArray());

        var scores = Run(session, fixture.Features, fixture.Dmdt, fixture.RowCount, fixture.FeatureCount);

        Assert.Equal(variant.Scores.Length, scores.Length);
        output.WriteLine($"{variantName}: max |ONNX − torch| over {scores.Length} rows: "
            + $"{Enumerable.Range(0, scores.Length).Max(r => Math.Abs(scores[r] - variant.Scores[r])):G3}");
        for (var r = 0; r < scores.Length; r++)
        {
            Assert.True(
                Math.Abs(scores[r] - variant.Scores[r]) <= Tolerance,
                $"{variantName} row {r}: ONNX {scores[r]:R} vs torch {variant.Scores[r]:R}");
        }

        // One row alone gives what it gave inside the batch.
        var single = Run(
            session, fixture.Features.AsSpan(3 * fixture.FeatureCount, fixture.FeatureCount), fixture.Dmdt.AsSpan(3 * DmdtLength, DmdtLength),
            1, fixture.FeatureCount);
        Assert.Equal(scores[3], single[0], 1e-7f);
    }

    [Fact]
    public void Fixture_ExercisesBothBranchesOfTheFullNetwork()
    {
        // Guards the main test's meaning: a graph that dropped or garbled one branch must change the scores measurably.
        var fixture = Fixture.Value;
        var weights = ScopeNetWeights.FromStateDict(fixture.Variant("both").StateDict);
        using var session = new InferenceSession(OnnxModelWriter.BuildScopeNet(weights).ToByteArray());
        var scores = Run(session, fixture.Features, fixture.Dmdt, fixture.RowCount, fixture.FeatureCount);

        var withoutDmdt = Run(session, fixture.Features, new float[fixture.Dmdt.Length], fixture.RowCount, fixture.FeatureCount);
        var withoutFeatures = Run(session, new float[fixture.Features.Length], fixture.Dmdt, fixture.RowCount, fixture.FeatureCount);

        Assert.True(scores.Max() - scores.Min() > 0.3, $"scores span only {scores.Min():F3}..{scores.Max():F3}");
        Assert.True(MaxDifference(scores, withoutDmdt) > 0.05, "the conv branch barely moves the score");
        Assert.True(MaxDifference(scores, withoutFeatures) > 0.05, "the dense branch barely moves the score");
        Assert.All(fixture.Dmdt.Chunk(DmdtLength), dmdt =>
        {
            Assert.All(dmdt, value => Assert.True(value >= 0f));
            Assert.Equal(1.0, Math.Sqrt(dmdt.Sum(value => (double)value * value)), 1e-4);
        });
    }

    [Fact]
    public void WrittenModel_HasTheScopeNetInputs_AndIsStampedForOnnxRuntime()
    {
        var fixture = Fixture.Value;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [OnnxModelWriter.ModelCardMetadataKey] = "{\"tag\":\"vnv\"}" };
        var model = OnnxModelWriter.BuildScopeNet(ScopeNetWeights.FromStateDict(fixture.Variant("both").StateDict), metadata);

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal((string.Empty, 17L), (opset.Domain, opset.Version));
        using var session = new InferenceSession(model.ToByteArray());
        Assert.Equal([OnnxModelWriter.InputName, OnnxModelWriter.DmdtInputName], session.InputNames);
        Assert.Equal([-1, 6], session.InputMetadata[OnnxModelWriter.InputName].Dimensions);
        Assert.Equal([-1, 1, 26, 26], session.InputMetadata[OnnxModelWriter.DmdtInputName].Dimensions);
        Assert.Equal([-1, 1], session.OutputMetadata[OnnxModelWriter.OutputName].Dimensions);
        Assert.Equal("{\"tag\":\"vnv\"}", session.ModelMetadata.CustomMetadataMap[OnnxModelWriter.ModelCardMetadataKey]);
        // Initializers keep torch's state_dict names, so a graph can be traced back to the checkpoint.
        Assert.Contains(model.Graph.Initializer, tensor => tensor.Name == "conv_conv_3.pointwise.weight");

        using var denseOnly = new InferenceSession(
            OnnxModelWriter.BuildScopeNet(ScopeNetWeights.FromStateDict(fixture.Variant("dense_only").StateDict)).ToByteArray());
        using var convOnly = new InferenceSession(
            OnnxModelWriter.BuildScopeNet(ScopeNetWeights.FromStateDict(fixture.Variant("conv_only").StateDict)).ToByteArray());
        Assert.Equal([OnnxModelWriter.InputName], denseOnly.InputNames);
        Assert.Equal([OnnxModelWriter.DmdtInputName], convOnly.InputNames);
    }

    [Theory]
    [InlineData("dense_fc_1.weight", "ScopeNet layer dense_fc_1: 1535 weights is not 256 × F for a positive feature count F.")]
    [InlineData("dense_fc_1.bias", "ScopeNet layer dense_fc_1: bias has 255 values, expected [256] = 256.")]
    [InlineData("dense_fc_2.weight", "ScopeNet layer dense_fc_2: weight has 8191 values, expected [32, 256] = 8192.")]
    [InlineData("conv_conv_1.depthwise.weight", "ScopeNet layer conv_conv_1.depthwise: weight has 8 values, expected [1, 1, 3, 3] = 9.")]
    [InlineData("conv_conv_2.depthwise.weight", "ScopeNet layer conv_conv_2.depthwise: weight has 143 values, expected [16, 1, 3, 3] = 144.")]
    [InlineData("conv_conv_3.pointwise.weight", "ScopeNet layer conv_conv_3.pointwise: weight has 511 values, expected [32, 16, 1, 1] = 512.")]
    [InlineData("conv_conv_4.pointwise.bias", "ScopeNet layer conv_conv_4.pointwise: bias has 31 values, expected [32] = 32.")]
    [InlineData("fc_1.weight", "ScopeNet layer fc_1: weight has 1023 values, expected [16, 64] = 1024.")]
    [InlineData("score.weight", "ScopeNet layer score: weight has 15 values, expected [1, 16] = 16.")]
    public void WrongWeightSize_IsRefused_NamingTheLayer(string tensor, string message)
    {
        var stateDict = new Dictionary<string, float[]>(Fixture.Value.Variant("both").StateDict, StringComparer.Ordinal);
        stateDict[tensor] = stateDict[tensor][..^1];

        var error = Assert.Throws<ArgumentException>(() => OnnxModelWriter.BuildScopeNet(ScopeNetWeights.FromStateDict(stateDict)));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureCountDisagreeingWithTheFirstLayer_IsRefused()
    {
        var weights = ScopeNetWeights.FromStateDict(Fixture.Value.Variant("both").StateDict);

        AssertRefused(
            weights with { Dense = weights.Dense! with { FeatureCount = 7 } },
            "ScopeNet layer dense_fc_1: weight has 1536 values, expected [256, 7] = 1792.");
    }

    [Fact]
    public void MergeLayerSizedForTheOtherBranchCount_IsRefused()
    {
        // fc_1 of the two-branch net (16 × 64) on a dense-only net, which merges 32 values.
        var fixture = Fixture.Value;
        var both = ScopeNetWeights.FromStateDict(fixture.Variant("both").StateDict);
        var denseOnly = ScopeNetWeights.FromStateDict(fixture.Variant("dense_only").StateDict) with { Fc1 = both.Fc1 };

        AssertRefused(denseOnly, "ScopeNet layer fc_1: weight has 1024 values, expected [16, 32] = 512.");
    }

    [Fact]
    public void BothBranchesAbsent_IsRefused()
    {
        var weights = ScopeNetWeights.FromStateDict(Fixture.Value.Variant("dense_only").StateDict) with { Dense = null };

        AssertRefused(weights, "ScopeNet needs the dense branch, the conv branch or both; both are absent.");
        var headOnly = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["fc_1.weight"] = new float[512],
            ["fc_1.bias"] = new float[16],
            ["score.weight"] = new float[16],
            ["score.bias"] = new float[1],
        };
        AssertRefused(ScopeNetWeights.FromStateDict(headOnly), "ScopeNet needs the dense branch, the conv branch or both; both are absent.");
    }

    [Fact]
    public void StateDict_WithMissingOrExtraTensors_IsRefused_NamingThem()
    {
        var stateDict = new Dictionary<string, float[]>(Fixture.Value.Variant("both").StateDict, StringComparer.Ordinal);
        stateDict.Remove("conv_conv_2.pointwise.bias");
        var missing = Assert.Throws<ArgumentException>(() => ScopeNetWeights.FromStateDict(stateDict));
        Assert.StartsWith("ScopeNet state_dict has no tensor 'conv_conv_2.pointwise.bias'.", missing.Message, StringComparison.Ordinal);

        var extra = new Dictionary<string, float[]>(Fixture.Value.Variant("both").StateDict, StringComparer.Ordinal)
        {
            ["conv_norm.running_mean"] = new float[16],
        };
        var unexpected = Assert.Throws<ArgumentException>(() => ScopeNetWeights.FromStateDict(extra));
        Assert.Contains("outside the architecture: conv_norm.running_mean", unexpected.Message, StringComparison.Ordinal);
    }

    private static void AssertRefused(ScopeNetWeights weights, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxModelWriter.BuildScopeNet(weights));
        Assert.Equal(message, error.Message);
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    /// <summary>Scores rows through the session, feeding whichever of features and dmdt the graph takes.</summary>
    private static float[] Run(InferenceSession session, ReadOnlySpan<float> features, ReadOnlySpan<float> dmdt, int rows, int featureCount)
    {
        var names = session.InputNames.ToArray();
        var inputs = new OrtValue[names.Length];
        try
        {
            for (var i = 0; i < names.Length; i++)
            {
                var isDmdt = names[i] == OnnxModelWriter.DmdtInputName;
                long[] shape = isDmdt ? [rows, 1, ScopeNetWeights.DmdtSize, ScopeNetWeights.DmdtSize] : [rows, featureCount];
                inputs[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);
                (isDmdt ? dmdt : features).CopyTo(inputs[i].GetTensorMutableDataAsSpan<float>());
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, inputs, [OnnxModelWriter.OutputName]);
            Assert.Equal([rows, 1L], outputs[0].GetTensorTypeAndShape().Shape);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }
        }
    }

    private sealed record TorchVariant(string Name, IReadOnlyDictionary<string, float[]> StateDict, float[] Scores);

    private sealed record TorchFixture(int FeatureCount, int RowCount, float[] Features, float[] Dmdt, IReadOnlyList<TorchVariant> Variants)
    {
        public TorchVariant Variant(string name) => Variants.Single(variant => variant.Name == name);

        public static TorchFixture Load()
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(ClassificationTestFiles.Fixture("scopenet_torch.json")));
            var root = document.RootElement;
            var featureCount = root.GetProperty("feature_count").GetInt32();
            var rows = root.GetProperty("rows").EnumerateArray().ToList();
            var features = rows.SelectMany(row => Floats(row.GetProperty("features"))).ToArray();
            var dmdt = rows.SelectMany(row => Floats(row.GetProperty("dmdt"))).ToArray();
            Assert.Equal(rows.Count * featureCount, features.Length);
            Assert.Equal(rows.Count * DmdtLength, dmdt.Length);

            var variants = root.GetProperty("variants").EnumerateArray().Select(variant =>
            {
                var stateDict = new Dictionary<string, float[]>(StringComparer.Ordinal);
                foreach (var tensor in variant.GetProperty("state_dict").EnumerateObject())
                {
                    var values = Floats(tensor.Value.GetProperty("values"));
                    var size = tensor.Value.GetProperty("shape").EnumerateArray().Aggregate(1, (product, dim) => product * dim.GetInt32());
                    Assert.Equal(size, values.Length);
                    stateDict[tensor.Name] = values;
                }

                return new TorchVariant(variant.GetProperty("name").GetString()!, stateDict, Floats(variant.GetProperty("scores")));
            }).ToList();
            return new TorchFixture(featureCount, rows.Count, features, dmdt, variants);
        }

        private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(value => value.GetSingle()).ToArray();
    }
}
