using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Cli.Training;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Cli.Tests.Training;

/// <summary>The seed's "train all classifier families" loop body, run as written with <c>scope train</c>.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scope-train-cli-");

    [Fact]
    public async Task The_seeds_loop_options_train_and_save_an_ew_model()
    {
        var dataset = WriteDataset();
        var output = Path.Combine(_dir.FullName, "trained");

        var (code, stdout, stderr) = await RunAsync(
            "--data-dir", _dir.FullName, "train",
            "--tag=ew", $"--path_dataset={dataset}",
            "--scale_features=min_max", "--batch_size=64",
            "--epochs=3", "--patience=30", "--random_state=1",
            "--verbose=1", "--gpu=1", "--conv_branch=true", "--save",
            "--features=amp,period", "--output-dir", output, "--threads=1");

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("--gpu=1: unused", stdout, StringComparison.Ordinal);
        Assert.Contains("step 3/3", stdout, StringComparison.Ordinal);
        Assert.Contains("ONNX export equals the trainer", stdout, StringComparison.Ordinal);
        var card = ModelCard.Load(Assert.Single(Directory.GetFiles(output, "ew_dnn.*.json")));
        Assert.True(card.UsesDmdt);
        Assert.EndsWith("-s1", card.Version, StringComparison.Ordinal);

        // The run is in the history with its parameters and data hash, so it can be repeated.
        await using var db = new CatalogDbFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_dir.FullName, "scopeweb.db")}").CreateDbContext();
        var run = await db.TrainingRuns.SingleAsync();
        Assert.Equal((TrainingRunState.Succeeded, "ew", "dnn", 1), (run.State, run.Tag, run.Algorithm, run.Seed));
        Assert.Equal(card.TrainingDataHash, run.DataHash);
        Assert.Contains("\"batch_size\":64", run.ParametersJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_save_nothing_is_written_and_a_missing_label_is_named()
    {
        var dataset = WriteDataset();

        var (code, stdout, _) = await RunAsync("--data-dir", _dir.FullName, "train", "--tag", "ew", "--path-dataset", dataset,
            "--algorithm", "xgb", "--features", "amp,period", "--output-dir", Path.Combine(_dir.FullName, "trained"), "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("not saved", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "trained")));

        var (bad, _, error) = await RunAsync("--data-dir", _dir.FullName, "train", "--tag", "rrlyr", "--path_dataset", dataset, "--algorithm", "xgb");
        Assert.Equal(1, bad);
        Assert.Contains("'RR Lyrae'", error, StringComparison.Ordinal);
    }

    private string WriteDataset()
    {
        var rng = new Random(2);
        var sb = new StringBuilder("obj_id,amp,period,EW,dmdt\n");
        for (var i = 0; i < 300; i++)
        {
            var ew = i % 3 == 0;
            var cell = ew ? 30 : 300;
            var image = "[" + string.Join(',', Enumerable.Range(0, 26).Select(r => "[" + string.Join(',', Enumerable.Range(0, 26).Select(c => (r * 26) + c == cell ? "0.9" : "0.0")) + "]")) + "]";
            sb.Append(CultureInfo.InvariantCulture, $"o{i},{(ew ? 0.5 : 0.1) + (rng.NextDouble() * 0.2):R},{(ew ? 0.3 : 2.0) + rng.NextDouble():R},{(ew ? 1 : 0)},\"{image}\"\n");
        }

        var path = Path.Combine(_dir.FullName, "dataset.d15.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(TrainCommand.Create(), args);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
