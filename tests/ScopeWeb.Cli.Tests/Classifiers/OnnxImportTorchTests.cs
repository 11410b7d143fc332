using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using ScopeWeb.Cli.Classifiers;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.FeatureExtraction.Dmdt;

namespace ScopeWeb.Cli.Tests.Classifiers;

/// <summary>
/// <c>scope models import --onnx [--dmdt]</c> with models exported by torch.onnx.export (the Core test fixtures of
/// tools/models/make_torch_fixture.py), then <c>scope predict</c> on a features CSV with a dmdt column as
/// <c>scope features --dmdt</c> writes it: the scores must be torch's own.
/// </summary>
public sealed class OnnxImportTorchTests : IDisposable
{
    private const double Tolerance = 1e-5;

    private static readonly Lazy<TorchRows> Torch = new(TorchRows.Load);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scopeweb-cli-torch-");

    private string Models => Path.Combine(_dir.FullName, "models");

    private string Predictions => Path.Combine(_dir.FullName, "preds.csv");

    [Fact]
    public async Task ImportTorchMlp_ThenPredict_ReproducesTorch()
    {
        var source = Fixture("torch_mlp.onnx");
        var import = await RunAsync("models", "import", "--onnx", source, "--tag", "mlp", "--features", string.Join(',', Torch.Value.MlpFeatures),
            "--output-dir", Models);
        Assert.True(import.Exit == 0, import.Error);

        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(Models, "mlp.dnn.json")))!;
        Assert.False((bool)card["uses_dmdt"]!);
        Assert.Equal("mlp.dnn.onnx", (string?)card["onnx_file"]);
        // The copy is the user's model byte for byte with the card's identity appended to its metadata (the user's file is untouched).
        var copy = File.ReadAllBytes(Path.Combine(Models, "mlp.dnn.onnx"));
        var identity = OnnxMetadata.EncodeEntries(ModelIdentity.Of(ModelCard.Load(Path.Combine(Models, "mlp.dnn.json"))).ToMetadata());
        Assert.Equal([.. File.ReadAllBytes(source), .. identity], copy);

        var input = await WriteFeaturesCsvAsync(dmdt: false);
        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);

        Assert.True(predict.Exit == 0, predict.Error);
        AssertScores(File.ReadAllLines(Predictions), "mlp_dnn", Torch.Value.MlpScores);
    }

    [Theory]
    [InlineData("torch_scopenet.onnx")]
    [InlineData("torch_scopenet_nhwc.onnx")]
    [InlineData("torch_scopenet_hw.onnx")]
    public async Task ImportTorchScopeNet_WithDmdt_ThenPredict_ReadsTheDmdtColumn(string fixture)
    {
        var import = await RunAsync("models", "import", "--onnx", Fixture(fixture), "--dmdt", "--tag", "net", "--features",
            string.Join(',', Torch.Value.NetFeatures), "--output-dir", Models);
        Assert.True(import.Exit == 0, import.Error);
        Assert.True((bool)JsonNode.Parse(File.ReadAllText(Path.Combine(Models, "net.dnn.json")))!["uses_dmdt"]!);
        // A features-only model beside it: one predict call scores both kinds.
        Assert.Equal(0, (await RunAsync("models", "import", "--onnx", Fixture("torch_mlp.onnx"), "--tag", "mlp", "--features",
            string.Join(',', Torch.Value.MlpFeatures), "--output-dir", Models)).Exit);

        var input = await WriteFeaturesCsvAsync(dmdt: true);
        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);

        Assert.True(predict.Exit == 0, predict.Error);
        var lines = File.ReadAllLines(Predictions);
        Assert.Equal("object_id,ra,dec,mlp_dnn,net_dnn", lines[0]);
        AssertScores(lines, "net_dnn", Torch.Value.NetScores);
        AssertScores(lines, "mlp_dnn", Torch.Value.MlpScores);
    }

    [Fact]
    public async Task Predict_DmdtModelWithoutDmdtColumn_FailsNamingModelAndColumn()
    {
        Assert.Equal(0, (await RunAsync("models", "import", "--onnx", Fixture("torch_scopenet.onnx"), "--dmdt", "--tag", "net", "--features",
            string.Join(',', Torch.Value.NetFeatures), "--output-dir", Models)).Exit);
        var input = await WriteFeaturesCsvAsync(dmdt: false);

        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);

        Assert.Equal(1, predict.Exit);
        Assert.Contains("model net_dnn", predict.Error, StringComparison.Ordinal);
        Assert.Contains("column 'dmdt'", predict.Error, StringComparison.Ordinal);
        Assert.Contains(input, predict.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Predictions));
    }

    [Theory]
    [InlineData("[[1,2],[3]]", "image row 0 has 2 values")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"dmdt\": []}", "'{\"dmdt\": []}' is not a JSON list")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\"x\"]]", "image row 0, value 25: 'x' is not a float32 number")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]", "the image has 1 rows")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1e60]]", "image row 0, value 25: '1e60' is not a float32 number")]
    public async Task Predict_MalformedDmdtCell_NamesFileRowAndColumn(string cell, string problem)
    {
        Assert.Equal(0, (await RunAsync("models", "import", "--onnx", Fixture("torch_scopenet.onnx"), "--dmdt", "--tag", "net", "--features",
            string.Join(',', Torch.Value.NetFeatures), "--output-dir", Models)).Exit);
        // Row 7 of the file is broken; the rows before it are fine.
        var input = await WriteFeaturesCsvAsync(dmdt: true, replaceDmdt: (6, cell));

        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);

        Assert.Equal(1, predict.Exit);
        Assert.True(predict.Error.Contains($"{input}: row 7, column 'dmdt': {problem}", StringComparison.Ordinal), predict.Error);
        Assert.False(File.Exists(Predictions), "no partial predictions file is left behind");
    }

    [Fact]
    public async Task ImportWithDmdt_OfAFeaturesOnlyModel_FailsAndWritesNothing()
    {
        var source = Fixture("torch_mlp.onnx");

        var import = await RunAsync("models", "import", "--onnx", source, "--dmdt", "--tag", "mlp", "--features",
            string.Join(',', Torch.Value.MlpFeatures), "--output-dir", Models);

        Assert.Equal(1, import.Exit);
        Assert.Contains(source, import.Error, StringComparison.Ordinal);
        Assert.Contains("the model has no dmdt input", import.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Models) && Directory.EnumerateFileSystemEntries(Models).Any(), "nothing is written");
    }

    [Fact]
    public async Task ImportWithoutDmdt_OfADmdtModel_PointsAtTheFlagAndWritesNothing()
    {
        var import = await RunAsync("models", "import", "--onnx", Fixture("torch_scopenet.onnx"), "--tag", "net", "--features",
            string.Join(',', Torch.Value.NetFeatures), "--output-dir", Models);

        Assert.Equal(1, import.Exit);
        Assert.Contains("input 'input_dmdt' float32 [?, 1, 26, 26] looks like a dmdt image", import.Error, StringComparison.Ordinal);
        Assert.Contains("--dmdt", import.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Models) && Directory.EnumerateFileSystemEntries(Models).Any(), "nothing is written");
    }

    [Fact]
    public async Task ImportWithDmdt_WrongFeatureCount_NamesTheInputAndTheFeaturesOption()
    {
        var import = await RunAsync("models", "import", "--onnx", Fixture("torch_scopenet_nhwc.onnx"), "--dmdt", "--tag", "net", "--features",
            string.Join(',', Torch.Value.NetFeatures.Take(4)), "--output-dir", Models);

        Assert.Equal(1, import.Exit);
        Assert.Contains("input 'features' has shape [?, 6], but --features lists 4 features", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DmdtWithXgb_IsAUsageError()
    {
        var import = await RunAsync("models", "import", "--xgb", Fixture("xgb_binary.json"), "--dmdt", "--tag", "vnv", "--features", "a,b",
            "--output-dir", Models);

        Assert.NotEqual(0, import.Exit);
        Assert.Contains("--dmdt applies to --onnx only", import.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// A features CSV as <c>scope features --dmdt</c> writes it (CsvWriter, images through DmdtHistogram.ToJson):
    /// object_id, ra, dec, band, every feature of both torch models (in another order than either model's), and
    /// optionally dmdt. The mlp and scopenet fixture rows are paired by index; row 0's image, the empty histogram,
    /// is left as an empty cell.
    /// </summary>
    private async Task<string> WriteFeaturesCsvAsync(bool dmdt, (int Row, string Cell)? replaceDmdt = null)
    {
        var torch = Torch.Value;
        // The two models' feature names are disjoint, so each fixture row keeps its own values.
        var columns = torch.MlpFeatures.Select((f, i) => (Name: f, Model: 0, Index: i))
            .Concat(torch.NetFeatures.Select((f, i) => (Name: f, Model: 1, Index: i)))
            .ToList();
        var path = Path.Combine(_dir.FullName, "features.csv");
        await using (var writer = new StreamWriter(path))
        await using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, leaveOpen: false))
        {
            string[] head = ["object_id", "ra", "dec", "band", .. columns.Select(c => c.Name).Reverse()];
            foreach (var h in dmdt ? [.. head, "dmdt"] : head)
            {
                csv.WriteField(h);
            }

            await csv.EndRecordAsync(CancellationToken.None);
            for (var r = 0; r < torch.NetScores.Length; r++)
            {
                csv.WriteField(string.Create(CultureInfo.InvariantCulture, $"ZTF{r:D4}"));
                csv.WriteField((10.0 + r).ToString("R", CultureInfo.InvariantCulture));
                csv.WriteField("-5.5");
                csv.WriteField("r");
                foreach (var (_, model, index) in Enumerable.Reverse(columns))
                {
                    var value = model == 0 ? torch.MlpRows[r][index] : torch.NetRows[r][index];
                    csv.WriteField(((double)value).ToString("R", CultureInfo.InvariantCulture));
                }

                if (dmdt)
                {
                    csv.WriteField(replaceDmdt is { } bad && bad.Row == r ? bad.Cell
                        : torch.NetDmdt[r].All(v => v == 0) ? string.Empty
                        : DmdtHistogram.ToJson(torch.NetDmdt[r]));
                }

                await csv.EndRecordAsync(CancellationToken.None);
            }
        }

        return path;
    }

    private static void AssertScores(string[] lines, string column, float[] expected)
    {
        var index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"no column {column} in {lines[0]}");
        Assert.Equal(expected.Length + 1, lines.Length);
        for (var r = 0; r < expected.Length; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"ZTF{r:D4}"), cells[0]);
            var score = double.Parse(cells[index], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(score - expected[r]) <= Tolerance, $"{column} row {r}: scope predict {score:R} vs torch {expected[r]:R}");
        }
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

    private static string Fixture(string name) => RepositoryPaths.CoreFixture("Classifiers", name);

    /// <summary>torch_test_rows.json: the fixture rows and torch's scores; images expanded from their non-zero cells.</summary>
    private sealed record TorchRows(
        string[] MlpFeatures, float[][] MlpRows, float[] MlpScores, string[] NetFeatures, float[][] NetRows, float[][] NetDmdt, float[] NetScores)
    {
        public static TorchRows Load()
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Fixture("torch_test_rows.json")));
            var mlp = document.RootElement.GetProperty("mlp");
            var net = document.RootElement.GetProperty("scopenet");
            return new TorchRows(
                Strings(mlp.GetProperty("features")),
                Rows(mlp.GetProperty("rows")),
                Floats(mlp.GetProperty("scores")),
                Strings(net.GetProperty("features")),
                Rows(net.GetProperty("rows")),
                [.. net.GetProperty("dmdt").EnumerateArray().Select(Image)],
                Floats(net.GetProperty("scores")));
        }

        private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

        private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

        private static float[][] Rows(JsonElement array) => [.. array.EnumerateArray().Select(Floats)];

        private static float[] Image(JsonElement cells)
        {
            var image = new float[DmdtHistogram.Length];
            foreach (var cell in cells.EnumerateArray())
            {
                image[(cell[0].GetInt32() * DmdtHistogram.DtBinCount) + cell[1].GetInt32()] = cell[2].GetSingle();
            }

            return image;
        }
    }
}
