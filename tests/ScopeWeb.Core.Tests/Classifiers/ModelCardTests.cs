using System.Text.Json.Nodes;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>Model cards round-trip through JSON and bad cards are refused with the file and field named.</summary>
public sealed class ModelCardTests
{
    private static ModelCard FullCard() => new()
    {
        Tag = "rrlyr",
        Algorithm = ModelAlgorithm.Dnn,
        FeatureNames = ["ad", "chi2red", "f1_amp"],
        Scaling = new FeatureScaling
        {
            Method = ScalingMethod.MinMax,
            Stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal)
            {
                ["ad"] = new() { Min = 0.1, Max = 3.5, Median = 0.7, Mean = 0.9, Std = 0.4 },
                ["f1_amp"] = new() { Min = 0.0, Max = 2.0, Median = 0.3, Mean = 0.35, Std = 0.2 },
            },
        },
        Imputation = new Dictionary<string, FeatureImputation>(StringComparer.Ordinal)
        {
            ["ad"] = new() { Method = ImputationMethod.Median, Value = 0.7 },
            ["chi2red"] = new() { Method = ImputationMethod.Zero },
            ["f1_amp"] = new() { Method = ImputationMethod.None },
        },
        UsesDmdt = true,
        Threshold = 0.7,
        Version = "2026-11-23.1",
        TrainingDataHash = "sha256:9f2c",
        Metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["auc"] = 0.953, ["recall"] = 0.88 },
        CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 21, 15, 30, TimeSpan.Zero),
        OnnxFile = "rrlyr.dnn.onnx",
    };

    [Fact]
    public void Card_RoundTripsThroughAFile_WithSnakeCaseNames()
    {
        using var scratch = new ScratchFolder();
        var card = FullCard();
        card.Save(scratch.File("rrlyr.card.json"));

        var text = File.ReadAllText(scratch.File("rrlyr.card.json"));
        var loaded = ModelCard.Load(scratch.File("rrlyr.card.json"));

        foreach (var name in new[] { "\"feature_names\"", "\"uses_dmdt\"", "\"training_data_hash\"", "\"created_at_utc\"", "\"onnx_file\"", "\"min_max\"", "\"median\"", "\"dnn\"" })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        Assert.Equal(card.Tag, loaded.Tag);
        Assert.Equal(card.Algorithm, loaded.Algorithm);
        Assert.Equal(card.FeatureNames, loaded.FeatureNames);
        Assert.Equal(card.Scaling.Method, loaded.Scaling.Method);
        Assert.Equal(card.Scaling.Stats["ad"], loaded.Scaling.Stats["ad"]);
        Assert.Equal(card.Scaling.Stats["f1_amp"], loaded.Scaling.Stats["f1_amp"]);
        Assert.Equal(card.Imputation.OrderBy(p => p.Key, StringComparer.Ordinal), loaded.Imputation.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(card.UsesDmdt, loaded.UsesDmdt);
        Assert.Equal(card.Threshold, loaded.Threshold);
        Assert.Equal(card.Version, loaded.Version);
        Assert.Equal(card.TrainingDataHash, loaded.TrainingDataHash);
        Assert.Equal(card.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal), loaded.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(card.CreatedAtUtc, loaded.CreatedAtUtc);
        Assert.Equal(card.OnnxFile, loaded.OnnxFile);
    }

    [Theory]
    [InlineData("remove:tag", "tag")]
    [InlineData("algorithm=svm", "algorithm")]
    [InlineData("threshold=1.5", "threshold")]
    [InlineData("imputation.ad.value=remove", "imputation.ad.value")]
    [InlineData("imputation.chi2red=remove", "imputation.chi2red")]
    [InlineData("imputation.f1_amp.value=0.5", "imputation.f1_amp.value")]
    [InlineData("scaling.stats.bogus", "scaling.stats.bogus")]
    [InlineData("scaling.stats.ad.max=remove", "scaling.stats.ad")]
    [InlineData("created_at_utc=2026-11-23T21:15:30+02:00", "created_at_utc")]
    [InlineData("onnx_file=/abs/model.onnx", "onnx_file")]
    [InlineData("feature_names.duplicate", "feature_names[1]")]
    [InlineData("colour=red", "colour")]
    public void InvalidCard_IsRefusedNamingFileAndField(string edit, string field)
    {
        var json = JsonNode.Parse(FullCard().ToJson())!.AsObject();
        switch (edit)
        {
            case "remove:tag":
                json.Remove("tag");
                break;
            case "algorithm=svm":
                json["algorithm"] = "svm";
                break;
            case "threshold=1.5":
                json["threshold"] = 1.5;
                break;
            case "imputation.ad.value=remove":
                json["imputation"]!["ad"]!.AsObject().Remove("value");
                break;
            case "imputation.chi2red=remove":
                json["imputation"]!.AsObject().Remove("chi2red");
                break;
            case "imputation.f1_amp.value=0.5":
                json["imputation"]!["f1_amp"]!["value"] = 0.5;
                break;
            case "scaling.stats.bogus":
                json["scaling"]!["stats"]!["bogus"] = new JsonObject { ["min"] = 0, ["max"] = 1 };
                break;
            case "scaling.stats.ad.max=remove":
                json["scaling"]!["stats"]!["ad"]!.AsObject().Remove("max");
                break;
            case "created_at_utc=2026-11-23T21:15:30+02:00":
                json["created_at_utc"] = "2026-11-23T21:15:30+02:00";
                break;
            case "onnx_file=/abs/model.onnx":
                json["onnx_file"] = "/abs/model.onnx";
                break;
            case "feature_names.duplicate":
                json["feature_names"]![1] = "ad";
                json["imputation"]!.AsObject().Remove("chi2red");
                break;
            case "colour=red":
                json["colour"] = "red";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit, "unknown edit");
        }

        using var scratch = new ScratchFolder();
        var path = scratch.File("bad.card.json");
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<InvalidDataException>(() => ModelCard.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ResolvesTheOnnxFileNextToTheCard_AndReportsItMissing()
    {
        using var scratch = new ScratchFolder();
        var card = FullCard() with { UsesDmdt = false };
        card.Save(scratch.File("rrlyr.card.json"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxClassifier.Load(scratch.File("rrlyr.card.json")));

        Assert.Contains("onnx_file", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(scratch.Path, "rrlyr.dnn.onnx"), error.Message, StringComparison.Ordinal);
    }
}
