using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Groups;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Training.Tests;

public class ModelTrainingTests
{
    private static TrainingParameters Xgb(string dataset = "train.csv") => new()
    {
        Tag = "vnv",
        Algorithm = "xgb",
        Dataset = dataset,
        Features = ["amp", "period", "noise"],
        MaxRounds = 60,
        Threads = 1,
    };

    [Fact]
    public void Trees_train_export_and_report_metrics_from_the_onnx_model()
    {
        using var folder = new ScratchFolder();
        var table = TrainingTestData.Table(800);

        var outcome = ModelTraining.Train(Xgb(), table, folder.Path);

        Assert.True(File.Exists(outcome.OnnxPath));
        Assert.True(outcome.OnnxMaxAbsDifference <= 1e-5);
        Assert.True(outcome.Metrics.Test.RocAuc > 0.95, $"test AUC {outcome.Metrics.Test.RocAuc}");
        var card = ModelCard.Load(outcome.CardPath);
        Assert.Equal(ModelAlgorithm.Xgb, card.Algorithm);
        Assert.Equal(["amp", "period", "noise"], card.FeatureNames);
        Assert.Equal("sha256:test", card.TrainingDataHash);
        Assert.Equal(ImputationMethod.None, card.Imputation["amp"].Method);
        Assert.Equal(outcome.Metrics.Test.RocAuc, card.Metrics["test_roc_auc"], 12);
        Assert.EndsWith("-s42", card.Version, StringComparison.Ordinal);

        // The registry loads what training wrote, and scores the test rows as the run's metrics say.
        using var registry = new ModelRegistry(folder.Path, watch: false);
        var model = Assert.Single(registry.Models);
        var scores = new float[outcome.Data.Test.Rows];
        model.Classifier.ScorePrepared(outcome.Data.Test.Features, scores);
        Assert.Equal(outcome.Metrics.Test.RocAuc, ScopeWeb.Training.Metrics.ClassificationMetrics.Compute(scores, outcome.Data.Test.Labels).RocAuc, 12);
    }

    [Fact]
    public void Same_parameters_data_and_seed_give_the_same_model()
    {
        using var a = new ScratchFolder();
        using var b = new ScratchFolder();
        var table = TrainingTestData.Table(600);

        var first = ModelTraining.Train(Xgb(), table, a.Path);
        var second = ModelTraining.Train(Xgb(), table, b.Path);

        Assert.Equal(File.ReadAllBytes(first.OnnxPath), File.ReadAllBytes(second.OnnxPath));
    }

    [Fact]
    public void The_network_trains_on_features_and_dmdt_and_exports_exactly()
    {
        using var folder = new ScratchFolder();
        var table = TrainingTestData.Table(400, dmdt: true);
        var parameters = Xgb() with { Algorithm = "dnn", Epochs = 8, Patience = 8, BatchSize = 32 };

        var outcome = ModelTraining.Train(parameters, table, folder.Path);

        var card = ModelCard.Load(outcome.CardPath);
        Assert.True(card.UsesDmdt);
        Assert.Equal(ImputationMethod.Median, card.Imputation["amp"].Method);
        Assert.True(outcome.OnnxMaxAbsDifference <= 1e-5);
        Assert.Equal(8, outcome.History.Count);
        Assert.True(outcome.Metrics.Validation.RocAuc > 0.8, $"validation AUC {outcome.Metrics.Validation.RocAuc}");
    }

    [Fact]
    public void A_feature_stats_table_replaces_the_pools_statistics_on_the_card()
    {
        using var folder = new ScratchFolder();
        var stats = Path.Combine(folder.Path, "feature_stats.json");
        File.WriteAllText(stats, """{"amp": {"min": 0, "max": 2, "median": 0.5, "mean": 0.6, "std": 0.3}, "period": {"min": 0.1, "max": 10, "median": 1, "mean": 2, "std": 1}}""");

        var outcome = ModelTraining.Train(Xgb() with { FeatureStatsPath = stats }, TrainingTestData.Table(300), folder.Path);

        var card = ModelCard.Load(outcome.CardPath);
        Assert.Equal((0.0, 2.0), (card.Scaling.Stats["amp"].Min, card.Scaling.Stats["amp"].Max));
        // A feature the table lacks stays unscaled, as with SCoPe's config table.
        Assert.False(card.Scaling.Stats.ContainsKey("noise"));

        File.WriteAllText(stats, """{"amp": {"min": "low"}}""");
        var error = Assert.Throws<InvalidDataException>(() => ModelTraining.Train(Xgb() with { FeatureStatsPath = stats }, TrainingTestData.Table(300), folder.Path));
        Assert.Contains("feature_stats.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("amp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refitting_the_trees_with_the_validation_rows_keeps_the_early_stopped_rounds()
    {
        using var a = new ScratchFolder();
        using var b = new ScratchFolder();
        var table = TrainingTestData.Table(600);

        var plain = ModelTraining.Train(Xgb(), table, a.Path);
        var refit = ModelTraining.Train(Xgb() with { RefitWithValidation = true }, table, b.Path);

        Assert.True(refit.OnnxMaxAbsDifference <= 1e-5);
        Assert.NotEqual(File.ReadAllBytes(plain.OnnxPath), File.ReadAllBytes(refit.OnnxPath));
        var plainTrees = File.ReadAllText(Path.ChangeExtension(plain.OnnxPath, ".lgbm.txt")).Split("Tree=").Length;
        var refitTrees = File.ReadAllText(Path.ChangeExtension(refit.OnnxPath, ".lgbm.txt")).Split("Tree=").Length;
        Assert.Equal(plainTrees, refitTrees);
        Assert.True(refit.Metrics.Test.RocAuc > 0.95);
    }

    [Fact]
    public void Conv_branch_without_dmdt_is_a_clear_error()
    {
        using var folder = new ScratchFolder();
        var error = Assert.Throws<InvalidDataException>(() =>
            ModelTraining.Train(Xgb() with { Algorithm = "dnn" }, TrainingTestData.Table(100), folder.Path));
        Assert.Contains("--conv_branch=false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Promotion_replaces_the_tags_model_in_the_registry()
    {
        using var trained = new ScratchFolder();
        using var registryFolder = new ScratchFolder();
        var table = TrainingTestData.Table(500);
        var first = ModelTraining.Train(Xgb(), table, trained.Path, time: new FixedTime(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
        var second = ModelTraining.Train(Xgb() with { Seed = 5 }, table, trained.Path);

        ModelPromotion.Promote(first.CardPath, registryFolder.Path);
        var promoted = ModelPromotion.Promote(second.CardPath, registryFolder.Path);

        Assert.Equal(Path.Combine(registryFolder.Path, "vnv_xgb.json"), promoted);
        Assert.Single(Directory.GetFiles(registryFolder.Path, "*.onnx"));
        using var registry = new ModelRegistry(registryFolder.Path, watch: false);
        Assert.Empty(registry.Errors);
        Assert.Equal(second.Card.Version, Assert.Single(registry.Models).Card.Version);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_queue_trains_on_the_catalog_and_promotion_records_the_training_set(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync(new LightCurveSimulator().Generate(120, 4), ExistingSourcePolicy.Reject, atomic: true);
        await new CatalogFeatureJob(c.Factory, new FeatureExtractor(), new FeatureJobStatus(), new CatalogSeeding(), new JobLeases(c.Factory, TimeProvider.System),
            Options.Create(new FeatureJobOptions()), TimeProvider.System, NullLogger<CatalogFeatureJob>.Instance).RunOnceAsync(CancellationToken.None);
        using var folder = new ScratchFolder();
        var (queue, store, promoter, seeding) = Queue(c, folder.Path);

        using var stop = new CancellationTokenSource();
        await queue.StartAsync(stop.Token);
        seeding.Finish();
        var run = await queue.EnqueueAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb", MaxRounds = 40, Threads = 1 }, "test");
        var done = await WaitAsync(store, run.Id);
        await queue.StopAsync(CancellationToken.None);

        Assert.True(done.State == TrainingRunState.Succeeded, done.Error);
        Assert.StartsWith("sha256:", done.DataHash, StringComparison.Ordinal);
        Assert.NotEmpty(TrainingRunStore.History(done));
        Assert.NotNull(SplitMetrics.FromJson(done.MetricsJson));

        await promoter.PromoteAsync(run.Id);
        Assert.True(File.Exists(Path.Combine(folder.Path, "registry", "vnv_xgb.json")));
        await using var db = c.Factory.CreateDbContext();
        var members = await db.GroupMembers.CountAsync(m => m.Group!.Name == SourceGroups.TrainingSetName);
        Assert.Equal(await db.Features.CountAsync(f => f.ValuesJson != "{}"), members);
        Assert.NotNull((await store.GetAsync(run.Id))!.PromotedAtUtc);
    }

    [Fact]
    public async Task A_run_left_running_by_a_stopped_server_is_marked_failed_and_queued_runs_resume()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var csv = Path.Combine(folder.Path, "train.csv");
        await File.WriteAllTextAsync(csv, TrainingTestData.Csv(300));
        var (queue, store, _, seeding) = Queue(c, folder.Path);
        var interrupted = await store.CreateAsync(Xgb(csv), "test");
        await store.MarkRunningAsync(interrupted.Id);
        var waiting = await store.CreateAsync(Xgb(csv), "test");

        seeding.Finish();
        await queue.StartAsync(CancellationToken.None);
        var resumed = await WaitAsync(store, waiting.Id);
        await queue.StopAsync(CancellationToken.None);

        var failed = await store.GetAsync(interrupted.Id);
        Assert.Equal(TrainingRunState.Failed, failed!.State);
        Assert.Contains("Interrupted", failed.Error, StringComparison.Ordinal);
        Assert.Equal(TrainingRunState.Succeeded, resumed.State);
    }

    [Fact]
    public async Task A_queued_run_can_be_cancelled_before_it_starts()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var (queue, store, _, _) = Queue(c, folder.Path);
        await queue.StartAsync(CancellationToken.None);

        // Seeding never completes here, so the worker holds every run in the queue.
        var run = await queue.EnqueueAsync(Xgb(Path.Combine(folder.Path, "none.csv")), "test");
        Assert.True(await queue.CancelAsync(run.Id));
        await queue.StopAsync(CancellationToken.None);

        Assert.Equal(TrainingRunState.Cancelled, (await store.GetAsync(run.Id))!.State);
    }

    private static (TrainingQueue Queue, TrainingRunStore Store, ModelPromoter Promoter, CatalogSeeding Seeding) Queue(TestCatalog c, string folder)
    {
        var store = new TrainingRunStore(c.Factory, TimeProvider.System);
        var groups = new SourceGroups(c.Factory, TimeProvider.System);
        var promoter = new ModelPromoter(store, groups, Options.Create(new ModelRegistryOptions { Directory = Path.Combine(folder, "registry") }));
        var seeding = new CatalogSeeding();
        var queue = new TrainingQueue(new TrainingRunLifecycle(store, promoter, c.Factory), new TrainingProgress(), seeding,
            Options.Create(new TrainingOptions { OutputDirectory = Path.Combine(folder, "trained"), Threads = 1 }), NullLogger<TrainingQueue>.Instance);
        return (queue, store, promoter, seeding);
    }

    private static async Task<TrainingRun> WaitAsync(TrainingRunStore store, long id)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = await store.GetAsync(id);
            if (run!.State is TrainingRunState.Succeeded or TrainingRunState.Failed or TrainingRunState.Cancelled)
            {
                return run;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"run {id} still {run.State}");
            await Task.Delay(100);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
