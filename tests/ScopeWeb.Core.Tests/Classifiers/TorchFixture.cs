using System.Text.Json;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>
/// torch_test_rows.json (tools/models/make_torch_fixture.py): the test rows of the PyTorch fixtures and torch's own
/// outputs for them. dmdt images are stored as their non-zero cells [dm_bin, dt_bin, value] and expanded here to the
/// 676 row-major values (rows = dm bins).
/// </summary>
internal sealed class TorchFixture
{
    private TorchFixture(JsonElement root)
    {
        var mlp = root.GetProperty("mlp");
        MlpFeatures = Strings(mlp.GetProperty("features"));
        MlpRows = Rows(mlp.GetProperty("rows"));
        MlpScores = Floats(mlp.GetProperty("scores"));
        MlpSoftmaxScores = Floats(mlp.GetProperty("softmax_scores"));
        var net = root.GetProperty("scopenet");
        ScopeNetFeatures = Strings(net.GetProperty("features"));
        ScopeNetRows = Rows(net.GetProperty("rows"));
        ScopeNetScores = Floats(net.GetProperty("scores"));
        ScopeNetDmdt = [.. net.GetProperty("dmdt").EnumerateArray().Select(Image)];
    }

    public string[] MlpFeatures { get; }

    public float[][] MlpRows { get; }

    public float[] MlpScores { get; }

    public float[] MlpSoftmaxScores { get; }

    public string[] ScopeNetFeatures { get; }

    public float[][] ScopeNetRows { get; }

    /// <summary>One 676-value image per row.</summary>
    public float[][] ScopeNetDmdt { get; }

    public float[] ScopeNetScores { get; }

    public static TorchFixture Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ClassificationTestFiles.Fixture("torch_test_rows.json")));
        return new TorchFixture(document.RootElement);
    }

    /// <summary>Rows as the name → value maps that <see cref="OnnxClassifier.Score(IReadOnlyList{IReadOnlyDictionary{string, double}})"/> takes.</summary>
    public static IReadOnlyDictionary<string, double>[] AsMaps(IReadOnlyList<string> features, IEnumerable<float[]> rows) =>
        [.. rows.Select(row => (IReadOnlyDictionary<string, double>)features
            .Select((name, i) => (name, value: (double)row[i]))
            .ToDictionary(p => p.name, p => p.value, StringComparer.Ordinal))];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    private static float[][] Rows(JsonElement array) => [.. array.EnumerateArray().Select(Floats)];

    private static float[] Image(JsonElement cells)
    {
        var image = new float[OnnxClassifier.DmdtLength];
        foreach (var cell in cells.EnumerateArray())
        {
            var dm = cell[0].GetInt32();
            var dt = cell[1].GetInt32();
            image[(dm * 26) + dt] = cell[2].GetSingle();
        }

        return image;
    }
}
