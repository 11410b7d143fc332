using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Groups;
using ScopeWeb.Training.Tests.Hierarchical;

namespace ScopeWeb.Training.Tests;

/// <summary>The one run lifecycle the queue and both CLI verbs share: every end of a run is in the history.</summary>
public class TrainingRunLifecycleTests
{
    [Fact]
    public async Task A_data_set_that_cannot_be_read_fails_the_run_with_the_file_in_the_reason()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var lifecycle = Lifecycle(c, folder);
        var missing = Path.Combine(folder.Path, "gone.csv");
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = missing, Threads = 1 };
        var run = await lifecycle.CreateAsync(parameters, "test");

        await Assert.ThrowsAsync<InvalidDataException>(() =>
            lifecycle.TrainAsync(run.Id, parameters, table: null, folder.Path, null, "cancelled", CancellationToken.None));

        var failed = await lifecycle.Store.GetAsync(run.Id);
        Assert.Equal(TrainingRunState.Failed, failed!.State);
        Assert.Contains("gone.csv: file not found", failed.Error, StringComparison.Ordinal);
        Assert.NotNull(failed.StartedAtUtc);
        Assert.NotNull(failed.FinishedAtUtc);
    }

    [Fact]
    public async Task A_cancelled_run_is_recorded_as_cancelled_with_the_callers_reason()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var lifecycle = Lifecycle(c, folder);
        var csv = Path.Combine(folder.Path, "train.csv");
        await File.WriteAllTextAsync(csv, TrainingTestData.Csv(300));
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = csv, Threads = 1 };
        var run = await lifecycle.CreateAsync(parameters, "cli");
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            lifecycle.TrainAsync(run.Id, parameters, table: null, folder.Path, null, "Cancelled from the command line.", cancel.Token));

        var cancelled = await lifecycle.Store.GetAsync(run.Id);
        Assert.Equal(TrainingRunState.Cancelled, cancelled!.State);
        Assert.Equal("Cancelled from the command line.", cancelled.Error);
    }

    [Fact]
    public async Task A_hierarchical_run_records_its_options_and_its_data_hash()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var lifecycle = Lifecycle(c, folder);
        var table = HierarchicalTestData.Table(40, seed: 3);
        var options = HierarchicalTestData.Options() with { Seed = 9 };
        var run = await lifecycle.CreateAsync(options, "simulated.csv", "cli");

        var outcome = await lifecycle.TrainHierarchicalAsync(run.Id, options, table, folder.Path, null, "cancelled", CancellationToken.None);

        var done = await lifecycle.Store.GetAsync(run.Id);
        Assert.Equal(TrainingRunState.Succeeded, done!.State);
        Assert.Equal("hierarchical", done.Algorithm);
        Assert.Equal(9, done.Seed);
        Assert.Equal(table.DataHash, done.DataHash);
        Assert.Equal(outcome.CardPath, done.CardPath);
        Assert.Contains("\"random_state\":9", done.ParametersJson, StringComparison.Ordinal);
    }

    private static TrainingRunLifecycle Lifecycle(TestCatalog c, ScratchFolder folder)
    {
        var store = new TrainingRunStore(c.Factory, TimeProvider.System);
        var promoter = new ModelPromoter(store, new SourceGroups(c.Factory, TimeProvider.System),
            Options.Create(new ModelRegistryOptions { Directory = Path.Combine(folder.Path, "registry") }));
        return new TrainingRunLifecycle(store, promoter, c.Factory);
    }
}
