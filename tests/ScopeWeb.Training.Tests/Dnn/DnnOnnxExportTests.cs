using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Dnn;
using TorchSharp;
using Xunit.Abstractions;

namespace ScopeWeb.Training.Tests.Dnn;

/// <summary>A trained ScopeNet written as ONNX scores like torch; the TorchSharp module is PyTorch's ScopeNet.</summary>
[Collection(TorchCollection.Name)]
public sealed class DnnOnnxExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("scopeweb-dnn-onnx-").FullName;

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ExportedModel_ScoresLikeTorch_Within1e5(bool denseBranch, bool convBranch)
    {
        // Settings under which even the conv branch alone leaves its initial plateau (see DnnTrainerTests), so every
        // exported layer holds trained weights.
        var train = DnnTestData.Make(320, seed: 21, dmdtNoise: 0.1);
        var check = DnnTestData.Make(200, seed: 22, dmdtNoise: 0.1);
        var options = new DnnTrainingOptions
        {
            Epochs = 2,
            BatchSize = 16,
            LearningRate = 1e-2,
            Threads = 1,
            DenseBranch = denseBranch,
            ConvBranch = convBranch,
        };
        using var result = DnnTrainer.Train(train, check, options);
        var path = Path.Combine(_folder, "scopenet.onnx");

        var maxDifference = DnnOnnxExport.Export(result, check, path);

        output.WriteLine($"dense {denseBranch}, conv {convBranch}: max |ONNX - torch| = {maxDifference:G3}");
        Assert.InRange(maxDifference, 0, DnnOnnxExport.Tolerance);
        using var session = new InferenceSession(path);
        Assert.Equal(
            (denseBranch ? [OnnxModelWriter.InputName] : Array.Empty<string>()).Concat(convBranch ? [OnnxModelWriter.DmdtInputName] : []),
            session.InputNames);

        // The comparison means something: the scores spread, so a wrong graph could not match them by accident.
        var torchScores = result.PredictWithTorch(check);
        var onnxScores = DnnOnnxExport.ScoreWithOnnxRuntime(path, result.Weights, check);
        Assert.True(torchScores.Max() - torchScores.Min() > 0.2, $"scores span only {torchScores.Min():F3}..{torchScores.Max():F3}");
        Assert.Equal(maxDifference, torchScores.Zip(onnxScores, (t, o) => Math.Abs((double)t - o)).Max());
    }

    [Theory]
    [InlineData("both", true, true)]
    [InlineData("dense_only", true, false)]
    [InlineData("conv_only", false, true)]
    public void TorchSharpModule_WithPyTorchWeights_ReproducesPyTorchScores(string variantName, bool denseBranch, bool convBranch)
    {
        // scopenet_torch.json (tools/models/make_scopenet_fixture.py): the same network trained in PyTorch 1.13, with its scores.
        using var document = JsonDocument.Parse(File.ReadAllBytes(ClassificationTestFiles.Fixture("scopenet_torch.json")));
        var root = document.RootElement;
        var featureCount = root.GetProperty("feature_count").GetInt32();
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        var variant = root.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("name").GetString() == variantName);
        var stateDict = variant.GetProperty("state_dict").EnumerateObject()
            .ToDictionary(t => t.Name, t => Floats(t.Value.GetProperty("values")), StringComparer.Ordinal);
        var expected = Floats(variant.GetProperty("scores"));
        var split = new TrainingSplit(
            featureCount,
            [.. rows.SelectMany(r => Floats(r.GetProperty("features")))],
            new float[rows.Count],
            [.. rows.SelectMany(r => Floats(r.GetProperty("dmdt")))]);

        using var module = new ScopeNetModule(featureCount, denseBranch, convBranch);
        module.LoadStateDictValues(stateDict);
        module.eval();
        float[] scores;
        using (torch.no_grad())
        {
            using var features = torch.tensor(split.Features, [rows.Count, featureCount]);
            using var dmdt = torch.tensor(split.Dmdt!, [rows.Count, 1, 26, 26]);
            using var logits = module.forward(features, dmdt);
            using var probabilities = logits.sigmoid();
            scores = probabilities.data<float>().ToArray();
        }

        for (var r = 0; r < expected.Length; r++)
        {
            Assert.True(Math.Abs(scores[r] - expected[r]) <= 1e-5, $"{variantName} row {r}: TorchSharp {scores[r]:R} vs PyTorch {expected[r]:R}");
        }

        // And the state_dict round-trips unchanged under the same names.
        var back = module.StateDictValues();
        Assert.Equal(stateDict.Keys.Order(StringComparer.Ordinal), back.Keys.Order(StringComparer.Ordinal));
        Assert.All(stateDict, pair => Assert.Equal(pair.Value, back[pair.Key]));
    }

    [Fact]
    public void LoadingAStateDictOfAnotherShape_IsRefused_NamingTheTensor()
    {
        using var module = new ScopeNetModule(6, denseBranch: true, convBranch: false);
        var values = module.StateDictValues();
        values["dense_fc_2.bias"] = new float[31];
        var error = Assert.Throws<ArgumentException>(() => module.LoadStateDictValues(values));
        Assert.StartsWith("ScopeNet tensor 'dense_fc_2.bias' has 31 values, expected [32] = 32.", error.Message, StringComparison.Ordinal);

        values = module.StateDictValues();
        values["conv_conv_1.depthwise.weight"] = new float[9];
        Assert.Contains("outside this network: conv_conv_1.depthwise.weight",
            Assert.Throws<ArgumentException>(() => module.LoadStateDictValues(values)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FreshModule_HasKerasInitialisation_AndTheParameterCountOfScopeNet()
    {
        // docs/science.md "ScopeNet": F = 40 (v1 phenomenological) → 22,266 parameters; biases start at zero, kernels glorot-uniform.
        using var module = new ScopeNetModule(40);
        var values = module.StateDictValues();

        Assert.Equal(22_266, values.Values.Sum(v => v.Length));
        Assert.All(values.Where(p => p.Key.EndsWith(".bias", StringComparison.Ordinal)), p => Assert.All(p.Value, b => Assert.Equal(0f, b)));
        var limit = Math.Sqrt(6.0 / (40 + 256));
        var denseFc1 = values["dense_fc_1.weight"];
        Assert.All(denseFc1, w => Assert.InRange(Math.Abs(w), 0, limit));
        Assert.True(denseFc1.Max(Math.Abs) > 0.9 * limit, "dense_fc_1 does not fill its glorot range");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(value => value.GetSingle())];
}
