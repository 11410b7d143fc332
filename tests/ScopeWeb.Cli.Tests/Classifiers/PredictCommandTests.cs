using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ScopeWeb.Cli.Classifiers;
using ScopeWeb.Core.Classifiers.Xgboost;

namespace ScopeWeb.Cli.Tests.Classifiers;

/// <summary>
/// <c>scope models import</c> then <c>scope predict</c> on the XGBoost fixture of the Core tests (xgboost 1.7.4, 100 rows
/// with NaNs and values on split thresholds) must reproduce xgboost's own predictions.
/// </summary>
public sealed class PredictCommandTests : IDisposable
{
    private const double Tolerance = 1e-6;
    private static readonly string[] Features = ["ad", "chi2red", "f1_amp", "iqr", "median", "skew"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scopeweb-cli-predict-");

    private string Models => Path.Combine(_dir.FullName, "models");

    [Fact]
    public async Task ImportXgb_ThenPredict_ReproducesXgboostPredictions()
    {
        var model = Fixture("xgb_binary.json");
        var import = await RunAsync("models", "import", "--xgb", model, "--tag", "vnv", "--features", string.Join(',', Features),
            "--output-dir", Models, "--threshold", "0.8", "--version", "v7");
        Assert.True(import.Exit == 0, import.Error);

        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(Models, "vnv.xgb.json")))!;
        Assert.Equal("xgb", (string?)card["algorithm"]);
        Assert.Equal(Features, card["feature_names"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("vnv.xgb.onnx", (string?)card["onnx_file"]);
        Assert.Equal(0.8, (double?)card["threshold"]);
        Assert.Equal("v7", (string?)card["version"]);
        Assert.Equal("none", (string?)card["scaling"]!["method"]);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model))), (string?)card["training_data_hash"]);
        Assert.True(File.Exists(Path.Combine(Models, "vnv.xgb.onnx")));

        var (input, expected) = WriteFeaturesCsv("object_id");
        var output = Path.Combine(_dir.FullName, "preds.csv");
        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", output);

        Assert.True(predict.Exit == 0, predict.Error);
        var lines = File.ReadAllLines(output);
        Assert.Equal("object_id,ra,dec,period,vnv_xgb", lines[0]);
        Assert.Equal(expected.Count + 1, lines.Length);
        for (var r = 0; r < expected.Count; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal($"ZTF{r:D4}", cells[0]);
            Assert.Equal(Ra(r), cells[1]);
            var score = double.Parse(cells[4], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(score - expected[r]) <= Tolerance, $"row {r}: scope predict {score:R} vs xgboost {expected[r]:R}");
        }
    }

    [Fact]
    public async Task Predict_InputWithoutAModelFeature_FailsNamingModelAndFeature()
    {
        Assert.Equal(0, (await RunAsync("models", "import", "--xgb", Fixture("xgb_binary.json"), "--tag", "vnv",
            "--features", string.Join(',', Features), "--output-dir", Models)).Exit);
        var (input, _) = WriteFeaturesCsv("obj_id", drop: "iqr");
        var output = Path.Combine(_dir.FullName, "preds.csv");

        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", output);

        Assert.Equal(1, predict.Exit);
        Assert.Contains("vnv_xgb", predict.Error, StringComparison.Ordinal);
        Assert.Contains("'iqr'", predict.Error, StringComparison.Ordinal);
        Assert.Contains("features.csv", predict.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task ImportOnnx_WithWrongFeatureCount_FailsNamingTheFileAndTheWidths()
    {
        var onnx = WriteFixtureOnnx();

        var import = await RunAsync("models", "import", "--onnx", onnx, "--tag", "vnv", "--features", "ad,chi2red,f1_amp", "--output-dir", Models);

        Assert.Equal(1, import.Exit);
        Assert.Contains(onnx, import.Error, StringComparison.Ordinal);
        Assert.Contains("input 'features' has shape [?, 6]", import.Error, StringComparison.Ordinal);
        Assert.Contains("--features lists 3", import.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Models, "vnv.dnn.json")));
    }

    [Fact]
    public async Task ImportOnnx_ThenPredict_ScoresUnderTheDnnColumn()
    {
        var import = await RunAsync("models", "import", "--onnx", WriteFixtureOnnx(), "--tag", "vnv", "--features", string.Join(',', Features), "--output-dir", Models);
        Assert.True(import.Exit == 0, import.Error);
        var (input, expected) = WriteFeaturesCsv("_id");
        var output = Path.Combine(_dir.FullName, "preds.csv");

        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", output);

        Assert.True(predict.Exit == 0, predict.Error);
        var lines = File.ReadAllLines(output);
        Assert.Equal("_id,ra,dec,period,vnv_dnn", lines[0]);
        Assert.All(Enumerable.Range(0, expected.Count), r =>
            Assert.True(Math.Abs(double.Parse(lines[r + 1].Split(',')[4], CultureInfo.InvariantCulture) - expected[r]) <= Tolerance, $"row {r}"));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Ra(int row) => (10.0 + row * 0.25).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The fixture converted to ONNX outside the CLI, standing in for an externally trained model.</summary>
    private string WriteFixtureOnnx()
    {
        var path = Path.Combine(_dir.FullName, "external.onnx");
        XgboostJsonImporter.ConvertToOnnx(Fixture("xgb_binary.json"), path);
        return path;
    }

    /// <summary>
    /// A features CSV as <c>scope features</c> writes it (id, ra, dec, period, feature columns in another order than the
    /// model's, an unused column), from xgb_test_rows.csv; returns its path and xgboost's score per row.
    /// </summary>
    private (string Path, List<double> Expected) WriteFeaturesCsv(string idColumn, string? drop = null)
    {
        var rows = File.ReadAllLines(Fixture("xgb_test_rows.csv"));
        var header = rows[0].Split(',');
        var scoreIndex = Array.IndexOf(header, "xgb_score");
        var featureOrder = Features.Reverse().Where(f => f != drop).ToArray();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{idColumn},ra,dec,band,{string.Join(',', featureOrder)},period\n");
        var expected = new List<double>();
        for (var r = 1; r < rows.Length; r++)
        {
            var cells = rows[r].Split(',');
            var row = r - 1;
            text.Append(CultureInfo.InvariantCulture, $"ZTF{row:D4},{Ra(row)},-5.5,r,");
            text.Append(string.Join(',', featureOrder.Select(f => cells[Array.IndexOf(header, f)])));
            text.Append(CultureInfo.InvariantCulture, $",{0.5 + row:R}\n");
            expected.Add(double.Parse(cells[scoreIndex], CultureInfo.InvariantCulture));
        }

        var path = Path.Combine(_dir.FullName, "features.csv");
        File.WriteAllText(path, text.ToString());
        return (path, expected);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("scope (test)");
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The classifier fixtures live in the Core test project: tests/ScopeWeb.Core.Tests/Fixtures/Classifiers.</summary>
    private static string Fixture(string name) => RepositoryPaths.CoreFixture("Classifiers", name);

}
