using Google.Protobuf;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx.Proto;
using static ScopeWeb.Testing.ClassificationTestFiles;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>
/// OnnxClassifier on models made by torch.onnx.export (tools/models/make_torch_fixture.py, python3-torch 1.13): a
/// features-only MLP and a ScopeNet-like model with a dmdt input in three layouts must reproduce torch's own scores,
/// and models that do not fit their card must be refused with messages naming the file and the input.
/// </summary>
public sealed class OnnxClassifierTorchTests
{
    private const float Tolerance = 1e-5f;

    private static readonly TorchFixture Torch = TorchFixture.Load();

    [Fact]
    public void FeaturesOnlyMlp_ReproducesTorch()
    {
        using var classifier = OnnxClassifier.Create(Card(Torch.MlpFeatures, ModelAlgorithm.Dnn), Fixture("torch_mlp.onnx"), "card.json");

        var scores = classifier.Score(TorchFixture.AsMaps(Torch.MlpFeatures, Torch.MlpRows));

        Assert.False(classifier.UsesDmdt);
        AssertClose(Torch.MlpScores, scores);
    }

    [Fact]
    public void TwoClassSoftmaxOutput_ScoresWithColumnOne()
    {
        using var classifier = OnnxClassifier.Create(Card(Torch.MlpFeatures, ModelAlgorithm.Dnn), Fixture("torch_mlp_softmax.onnx"), "card.json");

        var scores = classifier.Score(TorchFixture.AsMaps(Torch.MlpFeatures, Torch.MlpRows));

        AssertClose(Torch.MlpSoftmaxScores, scores);
    }

    [Theory]
    [InlineData("torch_scopenet.onnx")] // input_features [N, 6], input_dmdt [N, 1, 26, 26]; output prob [N, 1]
    [InlineData("torch_scopenet_nhwc.onnx")] // dmdt [N, 26, 26, 1] listed first, features [N, 6]; output score [N, 1]
    [InlineData("torch_scopenet_hw.onnx")] // x0 [N, 6], x1 [N, 26, 26]: told apart by shape only; output y [N]
    public void DmdtModel_InEveryLayout_ReproducesTorch(string onnxFile)
    {
        using var classifier = OnnxClassifier.Create(DmdtCard(Torch.ScopeNetFeatures), Fixture(onnxFile), "card.json");

        var scores = classifier.Score(TorchFixture.AsMaps(Torch.ScopeNetFeatures, Torch.ScopeNetRows), Torch.ScopeNetDmdt);

        Assert.True(classifier.UsesDmdt);
        AssertClose(Torch.ScopeNetScores, scores);
    }

    [Fact]
    public void DmdtModel_UsesTheImage_AndANullImageIsTheEmptyHistogram()
    {
        using var classifier = OnnxClassifier.Create(DmdtCard(Torch.ScopeNetFeatures), Fixture("torch_scopenet.onnx"), "card.json");
        var rows = TorchFixture.AsMaps(Torch.ScopeNetFeatures, Torch.ScopeNetRows);

        var withNulls = classifier.Score(rows, new float[]?[rows.Length]);
        var withZeros = classifier.Score(rows, [.. rows.Select(_ => new float[OnnxClassifier.DmdtLength])]);

        Assert.Equal(withZeros, withNulls);
        // Row 0's image is empty in the fixture; rows 2.. have images that move torch's score by more than 1e-3
        // (row 1's ±1e4 features saturate the network).
        Assert.True(Math.Abs(withNulls[0] - Torch.ScopeNetScores[0]) <= Tolerance);
        Assert.All(Enumerable.Range(2, rows.Length - 2), r =>
            Assert.True(Math.Abs(withNulls[r] - Torch.ScopeNetScores[r]) > 1e-3, $"row {r}: the image did not change the score"));
    }

    [Fact]
    public void DmdtModel_ScorePrepared_BatchesBeyondMaxBatchRows()
    {
        using var classifier = OnnxClassifier.Create(DmdtCard(Torch.ScopeNetFeatures), Fixture("torch_scopenet_nhwc.onnx"), "card.json");
        var n = Torch.ScopeNetRows.Length;
        var rows = OnnxClassifier.MaxBatchRows + 37;
        var width = Torch.ScopeNetFeatures.Length;
        var features = new float[rows * width];
        var dmdt = new float[rows * OnnxClassifier.DmdtLength];
        for (var r = 0; r < rows; r++)
        {
            Torch.ScopeNetRows[r % n].CopyTo(features, r * width);
            Torch.ScopeNetDmdt[r % n].CopyTo(dmdt, r * OnnxClassifier.DmdtLength);
        }

        var scores = new float[rows];
        classifier.ScorePrepared(features, dmdt, scores);

        AssertClose([.. Enumerable.Range(0, rows).Select(r => Torch.ScopeNetScores[r % n])], scores);
    }

    [Fact]
    public void DmdtModel_RefusesTheFeaturesOnlyCalls()
    {
        using var classifier = OnnxClassifier.Create(DmdtCard(Torch.ScopeNetFeatures), Fixture("torch_scopenet.onnx"), "card.json");
        var rows = TorchFixture.AsMaps(Torch.ScopeNetFeatures, Torch.ScopeNetRows.Take(2));

        var prepared = Assert.Throws<InvalidOperationException>(() => classifier.ScorePrepared(new float[6], new float[1]));
        var score = Assert.Throws<InvalidOperationException>(() => classifier.Score(rows));
        var shortImage = Assert.Throws<ArgumentException>(() => classifier.Score(rows, [null, new float[675]]));

        Assert.Contains("'vnv' (uses_dmdt) needs a dmdt image per row", prepared.Message, StringComparison.Ordinal);
        Assert.Contains("needs a dmdt image per row", score.Message, StringComparison.Ordinal);
        Assert.Contains("row 1: a dmdt image has 676 values (26 × 26), not 675", shortImage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeaturesOnlyModel_RefusesImages_ButScoreIgnoresThem()
    {
        using var classifier = OnnxClassifier.Create(Card(Torch.MlpFeatures, ModelAlgorithm.Dnn), Fixture("torch_mlp.onnx"), "card.json");

        var error = Assert.Throws<ArgumentException>(() => classifier.ScorePrepared(new float[5], new float[OnnxClassifier.DmdtLength], new float[1]));
        var scores = classifier.Score(TorchFixture.AsMaps(Torch.MlpFeatures, Torch.MlpRows), new float[]?[1]);

        Assert.Contains("takes no dmdt image", error.Message, StringComparison.Ordinal);
        AssertClose(Torch.MlpScores, scores);
    }

    [Fact]
    public void WrongFeatureCount_NamesTheFileTheInputAndBothWidths()
    {
        var onnx = Fixture("torch_mlp.onnx");

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(Card(Torch.MlpFeatures[..4], ModelAlgorithm.Dnn), onnx, "card.json"));

        Assert.Contains(onnx, error.Message, StringComparison.Ordinal);
        Assert.Contains("input 'input_features' has shape [?, 5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("card.json (feature_names) lists 4 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected float32 [N, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DmdtCard_WithWrongFeatureCount_NamesTheFeaturesInput()
    {
        var onnx = Fixture("torch_scopenet_nhwc.onnx");

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(DmdtCard(Torch.ScopeNetFeatures[..5]), onnx, "card.json"));

        Assert.Contains("input 'features' has shape [?, 6]", error.Message, StringComparison.Ordinal);
        Assert.Contains("lists 5 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DmdtCard_OnAFeaturesOnlyModel_SaysTheDmdtInputIsMissing()
    {
        var onnx = Fixture("torch_mlp.onnx");

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(DmdtCard(Torch.MlpFeatures), onnx, "card.json"));

        Assert.Contains(onnx, error.Message, StringComparison.Ordinal);
        Assert.Contains("the model has no dmdt input", error.Message, StringComparison.Ordinal);
        Assert.Contains("[N, 1, 26, 26]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'input_features' float32 [?, 5]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeaturesOnlyCard_OnADmdtModel_PointsAtTheDmdtFlag()
    {
        var onnx = Fixture("torch_scopenet.onnx");

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(Card(Torch.ScopeNetFeatures, ModelAlgorithm.Dnn), onnx, "card.json"));

        Assert.Contains(onnx, error.Message, StringComparison.Ordinal);
        Assert.Contains("input 'input_dmdt' float32 [?, 1, 26, 26] looks like a dmdt image", error.Message, StringComparison.Ordinal);
        Assert.Contains("--dmdt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtraInput_IsRefusedByName()
    {
        using var scratch = new ScratchFolder();
        var model = LoadProto("torch_mlp.onnx");
        model.Graph.Input.Add(FloatInput("weights", -1, 3));
        var path = Save(model, scratch.File("extra.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(Card(Torch.MlpFeatures, ModelAlgorithm.Dnn), path, "card.json"));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected input 'weights' float32 [?, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("features: 'input_features'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFloatInput_IsRefusedNamingItsType()
    {
        using var scratch = new ScratchFolder();
        var model = LoadProto("torch_mlp.onnx");
        // int64 features cast to float inside the graph: a valid model, but not one ScopeWeb can feed.
        var input = model.Graph.Input[0];
        input.Type.TensorType.ElemType = 7; // INT64
        input.Name = "counts";
        model.Graph.Node.Insert(0, new NodeProto
        {
            OpType = "Cast",
            Name = "cast_counts",
            Input = { "counts" },
            Output = { "input_features" },
            Attribute = { new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = 1 } },
        });
        var path = Save(model, scratch.File("int64.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(Card(Torch.MlpFeatures, ModelAlgorithm.Dnn), path, "card.json"));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("input 'counts' is int64 [?, 5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("float32 tensors only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedBatchAxis_IsRefusedWithTheExportFix()
    {
        using var scratch = new ScratchFolder();
        var model = LoadProto("torch_mlp.onnx");
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 1 };
        model.Graph.Output[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 1 };
        var path = Save(model, scratch.File("batch1.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(Card(Torch.MlpFeatures, ModelAlgorithm.Dnn), path, "card.json"));

        Assert.Contains("input 'input_features' has a fixed batch size of 1 ([1, 5])", error.Message, StringComparison.Ordinal);
        Assert.Contains("dynamic_axes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoImageShapedInputs_TheOneNamedDmdtIsTheImage()
    {
        using var scratch = new ScratchFolder();
        var model = LoadProto("torch_scopenet.onnx");
        model.Graph.Input.Add(FloatInput("mask", -1, 26, 26));
        var path = Save(model, scratch.File("two_images.onnx"));

        // input_dmdt is chosen for the image by its name, so "mask" is the input left over.
        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Create(DmdtCard(Torch.ScopeNetFeatures), path, "card.json"));

        Assert.Contains("unexpected input 'mask' float32 [?, 26, 26]", error.Message, StringComparison.Ordinal);
        Assert.Contains("dmdt: 'input_dmdt'", error.Message, StringComparison.Ordinal);
    }

    private static ModelCard DmdtCard(IReadOnlyList<string> features) => Card(features, ModelAlgorithm.Dnn) with { UsesDmdt = true };

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.All(Enumerable.Range(0, expected.Count), r =>
            Assert.True(Math.Abs(expected[r] - actual[r]) <= Tolerance, $"row {r}: ONNX Runtime {actual[r]:R} vs torch {expected[r]:R}"));
    }

    private static ModelProto LoadProto(string fixture) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Fixture(fixture)));

    private static string Save(ModelProto model, string path)
    {
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>A float graph input; a negative dimension is a dynamic one ("N").</summary>
    private static ValueInfoProto FloatInput(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }
}
