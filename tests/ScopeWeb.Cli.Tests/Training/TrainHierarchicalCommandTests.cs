using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Cli.Training;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Cli.Tests.Training;

/// <summary><c>scope train-hierarchical</c> on a class-labelled CSV: report, saved model, promotion, and taxonomy errors.</summary>
public sealed class TrainHierarchicalCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scope-train-hierarchical-cli-");

    [Fact]
    public async Task Trains_reports_the_test_split_and_promotes_one_registry_model()
    {
        var dataset = WriteDataset();
        var output = Path.Combine(_dir.FullName, "trained");
        var models = Path.Combine(_dir.FullName, "models");

        var (code, stdout, stderr) = await RunAsync(
            "--data-dir", _dir.FullName, "train-hierarchical", "--path_dataset", dataset,
            "--taxonomy", "Periodic:RRab,EW;Stochastic:AGN,YSO;Transient:SNIa", "--features", "period,amp",
            "--tag", "lc_test", "--random_state", "3", "--threads", "1", "--output-dir", output, "--promote", "--models", models);

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("[7/7] Stochastic YSO", stdout, StringComparison.Ordinal);
        Assert.Contains("left out (not classified): Constant 30", stdout, StringComparison.Ordinal);
        Assert.Contains("test confusion matrix", stdout, StringComparison.Ordinal);
        // Per class: support 3 of 30 rows (10 % of each class is held out), then precision, recall and F1.
        foreach (var name in new[] { "RRab", "EW", "AGN", "YSO", "SNIa" })
        {
            Assert.Matches($@"\n *\d+ {name} +3 +[01]\.\d{{4}} +[01]\.\d{{4}} +[01]\.\d{{4}}", stdout.ReplaceLineEndings("\n"));
        }

        Assert.Contains($"promoted: {Path.Combine(models, "lc_test_hierarchical.json")}", stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(output, "lc_test_hierarchical.*.json"));

        using var registry = new ModelRegistry(models, watch: false);
        Assert.Empty(registry.Errors);
        var model = Assert.Single(registry.Models);
        Assert.Equal("lc_test_hierarchical", model.ScoreColumn);
        Assert.Equal(["RRab", "EW", "AGN", "YSO", "SNIa"], model.Card.Classes);
        Assert.EndsWith("-s3", model.Card.Version, StringComparison.Ordinal);
        Assert.True(model.Card.Metrics["test_accuracy"] > 0.8, $"test accuracy {model.Card.Metrics["test_accuracy"]}");
        var probabilities = model.Classifier.ScoreClasses([new Dictionary<string, double> { ["period"] = 300, ["amp"] = double.NaN }]);
        Assert.Equal(1.0, probabilities.Sum(p => (double)p), 1e-5);

        // The run is in the history, with its options, data hash and seed, marked promoted.
        await using (var db = new ScopeWeb.Core.Catalog.CatalogDbFactory(ScopeWeb.Core.Catalog.DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_dir.FullName, "scopeweb.db")}").CreateDbContext())
        {
            var recorded = await db.TrainingRuns.SingleAsync();
            Assert.Equal((ScopeWeb.Core.Catalog.TrainingRunState.Succeeded, "lc_test", "hierarchical", 3), (recorded.State, recorded.Tag, recorded.Algorithm, recorded.Seed));
            Assert.Equal(model.Card.TrainingDataHash, recorded.DataHash);
            Assert.Contains("Periodic:RRab,EW", recorded.ParametersJson, StringComparison.Ordinal);
            Assert.NotNull(recorded.PromotedAtUtc);
        }

        // scope predict writes one column per leaf class, each row summing to one.
        var predictions = Path.Combine(_dir.FullName, "preds.csv");
        using var log = new StringWriter();
        Assert.Equal(0, await ScopeWeb.Cli.Classifiers.PredictCommand.RunAsync(new DirectoryInfo(models), new FileInfo(dataset), new FileInfo(predictions), log, CancellationToken.None));
        var lines = File.ReadAllLines(predictions);
        Assert.Equal("obj_id,period,lc_test_hierarchical_RRab,lc_test_hierarchical_EW,lc_test_hierarchical_AGN,lc_test_hierarchical_YSO,lc_test_hierarchical_SNIa", lines[0]);
        Assert.All(lines.Skip(1), line => Assert.Equal(1.0, line.Split(',').Skip(2).Sum(v => double.Parse(v, CultureInfo.InvariantCulture)), 1e-5));
    }

    [Fact]
    public async Task A_bad_taxonomy_or_a_class_the_data_lacks_is_named()
    {
        var dataset = WriteDataset();
        var output = Path.Combine(_dir.FullName, "trained");

        var (twice, _, twiceError) = await RunAsync(
            "--data-dir", _dir.FullName, "train-hierarchical", "--path_dataset", dataset, "--taxonomy", "Periodic:RRab,EW;Stochastic:AGN,EW",
            "--features", "period,amp", "--output-dir", output);
        Assert.Equal(2, twice);
        Assert.Contains("--taxonomy: class 'EW' is in two groups, 'Periodic' and 'Stochastic'", twiceError, StringComparison.Ordinal);

        var (unknown, _, unknownError) = await RunAsync(
            "--data-dir", _dir.FullName, "train-hierarchical", "--path_dataset", dataset, "--taxonomy", "Periodic:RRab,Nova;Stochastic:AGN",
            "--features", "period,amp", "--output-dir", output, "--threads", "1");
        Assert.Equal(1, unknown);
        Assert.Contains($"{dataset}: class 'Nova' (group 'Periodic') has no rows in column 'class_name'", unknownError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output).Any());
    }

    /// <summary>30 rows per class: clouds in (log period, amplitude), one missing amplitude in seven.</summary>
    private string WriteDataset()
    {
        var rng = new Random(4);
        (string Name, double LogPeriod, double Amp)[] classes =
            [("RRab", -0.2, 0.8), ("EW", -0.5, 0.4), ("AGN", 1.5, 0.3), ("YSO", 0.8, 1.2), ("SNIa", 1.2, 2.0), ("Constant", 0.0, 0.02)];
        var sb = new StringBuilder("obj_id,class_name,period,amp\n");
        var id = 0;
        for (var i = 0; i < 30; i++)
        {
            foreach (var (name, logPeriod, amp) in classes)
            {
                var period = Math.Pow(10, logPeriod + ((rng.NextDouble() - 0.5) * 0.3));
                var amplitude = amp * (1 + ((rng.NextDouble() - 0.5) * 0.3));
                var ampText = id % 7 == 0 ? "" : amplitude.ToString("R", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $"o{id++},{name},{period:R},{ampText}\n");
            }
        }

        var path = Path.Combine(_dir.FullName, "classes.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(TrainHierarchicalCommand.Create(), args);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
