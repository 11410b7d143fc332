using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ScopeWeb.Cli.Classifiers;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Cli.Tests.Hardening;

/// <summary>
/// Issue [6/12] from the command line. Case 6: <c>scope predict</c> with a card whose feature order is reversed, that
/// points at another tag's ONNX, or whose <c>onnx_file</c> is <c>../…</c>, refuses to score (exit 1, no predictions file)
/// with a message naming the card, the ONNX file and the difference; <c>scope models import --force</c> whose check
/// fails leaves the previous model in place and serving. Case 8b: predict says how many rows it imputed, per model.
/// </summary>
public sealed class ModelIntegrityCommandTests : IDisposable
{
    private static readonly string[] Features = ["ad", "chi2red", "f1_amp", "iqr", "median", "skew"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scopeweb-cli-integrity-");

    private string Models => Path.Combine(_dir.FullName, "models");

    private string Predictions => Path.Combine(_dir.FullName, "preds.csv");

    [Fact]
    public async Task Predict_with_a_card_whose_feature_order_is_reversed_refuses_to_score()
    {
        await ImportXgbAsync("vnv");
        var cardPath = Path.Combine(Models, "vnv.xgb.json");
        var card = JsonNode.Parse(File.ReadAllText(cardPath))!;
        card["feature_names"] = new JsonArray([.. Features.Reverse().Select(f => JsonValue.Create(f))]);
        File.WriteAllText(cardPath, card.ToJsonString());

        var predict = await RunAsync("predict", "--models", Models, "--input", WriteFeaturesCsv(), "--output", Predictions);

        Assert.Equal(1, predict.Exit);
        Assert.Contains(
            $"{cardPath}: the card does not match {Path.Combine(Models, "vnv.xgb.onnx")}: feature_names[0] is 'skew' in the card but 'ad' in the ONNX (scopeweb.features)",
            predict.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Predictions), "nothing is scored");
    }

    [Fact]
    public async Task Predict_with_a_card_pointing_at_another_tags_onnx_refuses_to_score()
    {
        await ImportXgbAsync("vnv");
        await ImportXgbAsync("pnp");
        var cardPath = Path.Combine(Models, "vnv.xgb.json");
        var card = JsonNode.Parse(File.ReadAllText(cardPath))!;
        card["onnx_file"] = "pnp.xgb.onnx";
        File.WriteAllText(cardPath, card.ToJsonString());

        var predict = await RunAsync("predict", "--models", Models, "--input", WriteFeaturesCsv(), "--output", Predictions);

        Assert.Equal(1, predict.Exit);
        Assert.Contains(
            $"{cardPath}: the card does not match {Path.Combine(Models, "pnp.xgb.onnx")}: tag is 'vnv' in the card but 'pnp' in the ONNX (scopeweb.tag)",
            predict.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Predictions), "nothing is scored");
    }

    [Fact]
    public async Task Predict_with_an_onnx_file_outside_the_model_folder_refuses_to_score()
    {
        await ImportXgbAsync("vnv");
        var cardPath = Path.Combine(Models, "vnv.xgb.json");
        File.Copy(Path.Combine(Models, "vnv.xgb.onnx"), Path.Combine(_dir.FullName, "x.onnx"));
        var card = JsonNode.Parse(File.ReadAllText(cardPath))!;
        card["onnx_file"] = "../x.onnx";
        File.WriteAllText(cardPath, card.ToJsonString());

        var predict = await RunAsync("predict", "--models", Models, "--input", WriteFeaturesCsv(), "--output", Predictions);

        Assert.Equal(1, predict.Exit);
        Assert.Contains(
            $"{cardPath}: field 'onnx_file': must be the name of a .onnx file in the card's folder (no directories, no '..', not absolute), not '../x.onnx'.",
            predict.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Predictions), "nothing is scored");
    }

    [Fact]
    public async Task Import_force_whose_check_fails_keeps_the_previous_model_serving_and_leaves_no_temporary_files()
    {
        await ImportXgbAsync("vnv");
        await PredictAsync();
        var scoresBefore = File.ReadAllText(Predictions);
        var before = RegistryTestModels.Snapshot(Models);
        // Another tag's model (it records pnp) imported over vnv: refused by the check, after --force was given.
        var other = Path.Combine(_dir.FullName, "other");
        Assert.Equal(0, (await RunAsync("models", "import", "--xgb", Fixture("xgb_binary.json"), "--tag", "pnp", "--features", string.Join(',', Features),
            "--output-dir", other)).Exit);
        var pnpOnnx = Path.Combine(other, "pnp.xgb.onnx");

        var import = await RunAsync("models", "import", "--force", "--onnx", pnpOnnx, "--algorithm", "Xgb", "--tag", "vnv",
            "--features", string.Join(',', Features), "--output-dir", Models);

        Assert.Equal(1, import.Exit);
        Assert.Equal(
            $"error: model card for --tag vnv: the card does not match {pnpOnnx}: tag is 'vnv' in the card but 'pnp' in the ONNX (scopeweb.tag): "
            + "the card names another classifier's model. The model is not loaded.\n",
            import.Error.ReplaceLineEndings("\n"));
        Assert.Equal(before, RegistryTestModels.Snapshot(Models));
        Assert.Empty(Directory.GetFiles(Models, "*" + ModelFolder.TemporarySuffix));
        File.Delete(Predictions);
        await PredictAsync();
        Assert.Equal(scoresBefore, File.ReadAllText(Predictions));
    }

    [Fact]
    public async Task Import_force_with_the_features_reordered_is_refused_for_a_model_that_records_its_order()
    {
        await ImportXgbAsync("vnv");
        var before = RegistryTestModels.Snapshot(Models);
        var ownOnnx = Path.Combine(Models, "vnv.xgb.onnx");

        var import = await RunAsync("models", "import", "--force", "--onnx", ownOnnx, "--algorithm", "Xgb", "--tag", "vnv",
            "--features", string.Join(',', Features.Reverse()), "--output-dir", Models);

        Assert.Equal(1, import.Exit);
        Assert.Contains($"the card does not match {ownOnnx}: feature_names[0] is 'skew' in the card but 'ad' in the ONNX (scopeweb.features)", import.Error, StringComparison.Ordinal);
        Assert.Equal(before, RegistryTestModels.Snapshot(Models));
    }

    [Fact]
    public async Task Import_force_that_passes_swaps_in_the_new_model_under_a_new_name_and_removes_the_old_one()
    {
        await ImportXgbAsync("vnv");

        var import = await RunAsync("models", "import", "--force", "--xgb", Fixture("xgb_binary.json"), "--tag", "vnv", "--features", string.Join(',', Features),
            "--output-dir", Models, "--version", "v2");

        Assert.True(import.Exit == 0, import.Error);
        Assert.Equal(["vnv.xgb.2.onnx", "vnv.xgb.json"], RegistryTestModels.Snapshot(Models).Keys);
        var card = ModelCard.Load(Path.Combine(Models, "vnv.xgb.json"));
        Assert.Equal(("v2", "vnv.xgb.2.onnx"), (card.Version, card.OnnxFile));
        await PredictAsync();
    }

    [Fact]
    public async Task Import_onnx_writes_a_stamped_copy_and_leaves_the_users_file_untouched()
    {
        var source = Path.Combine(_dir.FullName, "users.onnx");
        File.Copy(Fixture("torch_mlp.onnx"), source);
        var original = File.ReadAllBytes(source);

        var import = await RunAsync("models", "import", "--onnx", source, "--tag", "mlp", "--features", "ad,chi2red,f1_amp,iqr,skew", "--output-dir", Models);

        Assert.True(import.Exit == 0, import.Error);
        Assert.Equal(original, File.ReadAllBytes(source));
        Assert.Empty(OnnxMetadata.Read(source));
        var recorded = OnnxMetadata.Read(Path.Combine(Models, "mlp.dnn.onnx")).ToDictionary(StringComparer.Ordinal);
        Assert.Equal("mlp", recorded[ModelIdentity.TagKey]);
        Assert.Equal("dnn", recorded[ModelIdentity.AlgorithmKey]);
        Assert.Equal("[\"ad\",\"chi2red\",\"f1_amp\",\"iqr\",\"skew\"]", recorded[ModelIdentity.FeaturesKey]);
    }

    [Fact]
    public async Task Predict_warns_about_a_model_without_metadata_and_stamp_records_it_without_changing_a_score()
    {
        // A hand-made card next to a model exported by torch: scored, with a warning naming the files.
        Directory.CreateDirectory(Models);
        File.Copy(Fixture("torch_mlp.onnx"), Path.Combine(Models, "mlp.dnn.onnx"));
        var features = new[] { "ad", "chi2red", "f1_amp", "iqr", "skew" };
        ClassificationTestFiles.Card(features, ModelAlgorithm.Dnn, ImputationMethod.Zero, "mlp.dnn.onnx").Save(Path.Combine(Models, "mlp.dnn.json"));
        var input = WriteFeaturesCsv();

        var first = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);

        Assert.True(first.Exit == 0, first.Error);
        Assert.Contains(
            $"warning: {Path.Combine(Models, "mlp.dnn.json")}: {Path.Combine(Models, "mlp.dnn.onnx")} carries no ScopeWeb metadata (scopeweb.tag, scopeweb.features)",
            first.Output, StringComparison.Ordinal);
        var unstamped = File.ReadAllText(Predictions);

        var stamp = await RunAsync("models", "stamp", "--models", Models);

        Assert.True(stamp.Exit == 0, stamp.Error);
        Assert.Equal("mlp.dnn.json: stamped mlp.dnn.onnx (256 probe rows score bit-identically).\n", stamp.Output.ReplaceLineEndings("\n"));
        var again = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);
        Assert.True(again.Exit == 0, again.Error);
        Assert.DoesNotContain("warning:", again.Output, StringComparison.Ordinal);
        Assert.Equal(unstamped, File.ReadAllText(Predictions));
        Assert.Equal("mlp.dnn.json: mlp.dnn.onnx already records the card's metadata.\n",
            (await RunAsync("models", "stamp", "--models", Models)).Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Predict_reports_per_model_how_many_rows_had_missing_features_imputed_and_how()
    {
        await ImportXgbAsync("vnv");
        var median = RegistryTestModels.Card("vnv", ["ad", "skew"], ImputationMethod.Median);
        RegistryTestModels.Install(Models, median);
        // 1,000 rows: ad empty in 7 rows, skew NaN in 5 (2 rows both), iqr +inf in 1 (read by the xgb model only).
        var csv = new StringBuilder("obj_id," + string.Join(',', Features) + "\n");
        for (var r = 0; r < 1000; r++)
        {
            var ad = r % 150 == 1 ? "" : "1.5";
            var skew = r % 200 == 1 ? "nan" : "-0.25";
            var iqr = r == 999 ? "inf" : "0.3";
            csv.Append(CultureInfo.InvariantCulture, $"ZTF{r},{ad},2.0,0.4,{iqr},15.2,{skew}\n");
        }

        var input = Path.Combine(_dir.FullName, "gappy.csv");
        File.WriteAllText(input, csv.ToString());

        var predict = await RunAsync("predict", "--models", Models, "--input", input, "--output", Predictions);

        Assert.True(predict.Exit == 0, predict.Error);
        var lines = predict.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("vnv_dnn: 10 of 1,000 rows had missing features imputed (median); most often missing: ad (7 rows)", lines);
        Assert.Contains(
            "vnv_xgb: 11 of 1,000 rows had missing features left missing (none: the trees send them their learned default way); most often missing: ad (7 rows)",
            lines);
        // The imputed rows scored as the card's median (0.5) written in.
        var scored = File.ReadAllLines(Predictions);
        var column = Array.IndexOf(scored[0].Split(','), "vnv_dnn");
        using var registry = new ModelRegistry(Models, watch: false);
        var dnn = registry.Models.Single(m => m.ScoreColumn == "vnv_dnn").Classifier;
        Assert.Equal(dnn.Score([new Dictionary<string, double> { ["ad"] = 0.5, ["skew"] = 0.5 }])[0], float.Parse(scored[2].Split(',')[column], CultureInfo.InvariantCulture));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task ImportXgbAsync(string tag)
    {
        var import = await RunAsync("models", "import", "--xgb", Fixture("xgb_binary.json"), "--tag", tag, "--features", string.Join(',', Features),
            "--output-dir", Models);
        Assert.True(import.Exit == 0, import.Error);
    }

    private async Task PredictAsync()
    {
        var predict = await RunAsync("predict", "--models", Models, "--input", WriteFeaturesCsv(), "--output", Predictions);
        Assert.True(predict.Exit == 0, predict.Error);
    }

    /// <summary>Three complete rows of every feature the tests' models read.</summary>
    private string WriteFeaturesCsv()
    {
        var path = Path.Combine(_dir.FullName, "features.csv");
        File.WriteAllText(path, "obj_id," + string.Join(',', Features) + "\nZTF1,1.5,2.0,0.4,0.3,15.2,-0.25\nZTF2,0.2,9.0,0.1,0.05,17.9,1.5\nZTF3,3,1,1,1,12,0\n");
        return path;
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
}
