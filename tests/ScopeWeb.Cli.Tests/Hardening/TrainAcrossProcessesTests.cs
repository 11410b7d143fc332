using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Cli.Training;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Groups;
using ScopeWeb.Training;

namespace ScopeWeb.Cli.Tests.Hardening;

/// <summary>
/// Case 7 of the hardening issue with real processes: <c>scope train</c> runs as a child process (the built CLI) while
/// this process plays the web app (its training queue and page). The child trains a DNN that would take many minutes,
/// so it is always mid-training when the test acts; its heartbeat is short (0.2 s).
/// </summary>
public sealed class TrainAcrossProcessesTests
{
    private static readonly TimeSpan ChildHeartbeat = TimeSpan.FromMilliseconds(200);

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_scope_train_killed_with_kill_9_stays_running_while_its_heartbeat_is_fresh_then_is_failed_once_stale_and_nothing_overwrites_it(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        using var child = StartTrain(c, folder);
        var web = new WebApp(c, folder.Path);
        var run = await WaitUntilTrainingAsync(web.Store, child);
        var owner = new TrainingRunOwner(Environment.MachineName, child.Id);

        // The web app starts (and keeps looking) while scope train trains: the run is not touched, its heartbeat goes on.
        var (queue, _, _) = web.Queue();
        await queue.StartAsync(CancellationToken.None);
        Assert.Empty(await queue.FailInterruptedAsync());
        var beating = await WaitForAsync(web.Store, run.Id, r => r.HeartbeatUtc > run.HeartbeatUtc, "beat again", child);
        await queue.StopAsync(CancellationToken.None);
        Assert.Equal((TrainingRunState.Running, null, owner.ToString()), (beating.State, beating.Error, $"{beating.OwnerHost}/{beating.OwnerProcessId}"));

        child.Kill();
        Assert.Equal(137, await child.WaitForExitAsync());
        var killed = (await web.Store.GetAsync(run.Id))!;
        Assert.Equal(TrainingRunState.Running, killed.State);

        // Another host sees only the heartbeat: fresh, the run is left running; stale, it is failed with the reason.
        var lastBeat = new DateTimeOffset(DateTime.SpecifyKind(killed.HeartbeatUtc!.Value, DateTimeKind.Utc));
        var elsewhere = new TrainingRunOwner("another-host", 1);
        var staleAfter = TimeSpan.FromSeconds(60);
        Assert.Empty(await new TrainingRunStore(c.Factory, new FixedClock(lastBeat.AddSeconds(5))).FailInterruptedAsync(elsewhere, staleAfter));
        Assert.Equal(TrainingRunState.Running, (await web.Store.GetAsync(run.Id))!.State);
        var interrupted = Assert.Single(await new TrainingRunStore(c.Factory, new FixedClock(lastBeat.AddSeconds(61))).FailInterruptedAsync(elsewhere, staleAfter));
        var failed = (await web.Store.GetAsync(run.Id))!;
        Assert.Equal((run.Id, TrainingRunState.Failed), (interrupted.Id, failed.State));
        Assert.StartsWith($"Interrupted: its process ({owner}) stopped sending heartbeats", failed.Error, StringComparison.Ordinal);

        // Nothing later overwrites it: the web app starting again, nor the dead owner's writes.
        var (again, _, _) = web.Queue();
        await again.StartAsync(CancellationToken.None);
        Assert.Empty(await again.FailInterruptedAsync());
        await again.StopAsync(CancellationToken.None);
        Assert.Equal(HeartbeatResult.Lost, await web.Store.BeatAsync(run.Id, owner));
        Assert.False(await web.Store.FailAsync(run.Id, owner, "Cancelled from the command line.", cancelled: true));
        Assert.False(await web.Store.CompleteAsync(run.Id, owner, "sha256:late", Path.Combine(folder.Path, "late.json")));
        var after = (await web.Store.GetAsync(run.Id))!;
        Assert.Equal((failed.State, failed.Error, failed.FinishedAtUtc, failed.CardPath), (after.State, after.Error, after.FinishedAtUtc, after.CardPath));
        Assert.Empty(TrainedFiles(folder));
    }

    [Fact]
    public async Task A_scope_train_killed_with_kill_9_is_failed_at_once_by_the_web_app_on_its_host()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        using var child = StartTrain(c, folder);
        var web = new WebApp(c, folder.Path);
        var run = await WaitUntilTrainingAsync(web.Store, child);
        var (queue, _, _) = web.Queue();
        await queue.StartAsync(CancellationToken.None);
        try
        {
            child.Kill();
            await child.WaitForExitAsync();

            // Its pid is gone from this host: no need to wait for the heartbeat to go stale.
            var failed = await WaitForAsync(web.Store, run.Id, r => r.State != TrainingRunState.Running, "ended", child);
            Assert.Equal(TrainingRunState.Failed, failed.State);
            Assert.StartsWith($"Interrupted: its process ({Environment.MachineName}/{child.Id}) stopped", failed.Error, StringComparison.Ordinal);
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
        }
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Cancel_on_the_training_page_stops_a_scope_train_of_another_process_which_ends_cancelled(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        using var child = StartTrain(c, folder);
        var web = new WebApp(c, folder.Path);
        var run = await WaitUntilTrainingAsync(web.Store, child);

        // The page's Cancel: the queue of this process is not running the run, so it asks its owner through the catalog.
        var (page, _, _) = web.Queue();
        Assert.True(await page.CancelAsync(run.Id));

        var code = await child.WaitForExitAsync();
        Assert.True(code == TrainCommand.CancelledExitCode, child.Describe());
        Assert.Contains($"cancelled: run {run.Id}: {TrainingRunLifecycle.CancelRequestedReason}", child.Error, StringComparison.Ordinal);
        var cancelled = (await web.Store.GetAsync(run.Id))!;
        Assert.Equal((TrainingRunState.Cancelled, TrainingRunLifecycle.CancelRequestedReason), (cancelled.State, cancelled.Error));
        Assert.NotNull(cancelled.CancelRequestedAtUtc);
        Assert.NotNull(cancelled.FinishedAtUtc);
        Assert.Empty(TrainedFiles(folder));
    }

    [Fact]
    public async Task A_stopped_scope_train_is_failed_once_stale_and_when_it_resumes_it_gives_the_run_up_without_writing_to_it()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        using var child = StartTrain(c, folder);
        var web = new WebApp(c, folder.Path, staleAfter: TimeSpan.FromSeconds(3));
        var run = await WaitUntilTrainingAsync(web.Store, child);

        child.Signal("STOP");
        var (queue, _, _) = web.Queue();
        await queue.StartAsync(CancellationToken.None);
        TrainingRun failed;
        try
        {
            // The stopped process is alive, so only its stale heartbeat fails the run.
            var stopped = Stopwatch.StartNew();
            while (true)
            {
                failed = (await web.Store.GetAsync(run.Id))!;
                if (failed.State != TrainingRunState.Running)
                {
                    break;
                }

                if (stopped.Elapsed > TimeSpan.FromSeconds(20))
                {
                    // Stopped in the middle of a heartbeat, it would hold the SQLite write lock: let it finish that beat.
                    child.Signal("CONT");
                    await Task.Delay(300);
                    child.Signal("STOP");
                    stopped.Restart();
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
        }

        Assert.Equal(TrainingRunState.Failed, failed.State);
        Assert.StartsWith($"Interrupted: its process ({Environment.MachineName}/{child.Id}) stopped sending heartbeats", failed.Error, StringComparison.Ordinal);

        child.Signal("CONT");
        var code = await child.WaitForExitAsync();
        Assert.True(code == 1, child.Describe());
        Assert.Contains($"error: Run {run.Id} is no longer this process's (it was marked failed by another process: {failed.Error})", child.Error, StringComparison.Ordinal);
        var after = (await web.Store.GetAsync(run.Id))!;
        Assert.Equal((failed.State, failed.Error, failed.FinishedAtUtc, failed.CardPath), (after.State, after.Error, after.FinishedAtUtc, after.CardPath));
        Assert.Empty(TrainedFiles(folder));
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Scope_train_without_save_records_an_unsaved_run_whose_promotion_is_refused(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        var dataset = WriteDataset(folder);

        var (code, stdout, stderr) = await CliRunner.RunAsync(TrainCommand.Create(),
            "--provider", provider.ToString(), "--connection", c.Factory.ConnectionString, "train", "--tag", "ew", "--path_dataset", dataset,
            "--algorithm", "xgb", "--features", "amp,period", "--output-dir", Path.Combine(folder.Path, "trained"), "--threads", "1");

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("not saved", stdout, StringComparison.Ordinal);
        var web = new WebApp(c, folder.Path);
        var run = Assert.Single(await web.Store.ListAsync());
        Assert.Equal((TrainingRunState.Succeeded, false, null), (run.State, run.Saved, run.CardPath));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => web.Lifecycle.PromoteAsync(run.Id));
        Assert.Equal(ModelPromoter.NotSavedMessage(run.Id), refused.Message);
        Assert.Contains("not saved", refused.Message, StringComparison.Ordinal);
        Assert.Null((await web.Store.GetAsync(run.Id))!.PromotedAtUtc);
    }

    /// <summary><c>scope train</c> of a DNN for up to 100,000 epochs (it never ends by itself within a test), saving into folder/trained.</summary>
    private static ScopeProcess StartTrain(TestCatalog c, ScratchFolder folder)
    {
        var dataset = WriteDataset(folder);
        return ScopeProcess.Start(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Training__HeartbeatInterval"] = ChildHeartbeat.ToString("c", CultureInfo.InvariantCulture),
            },
            "--provider", c.Factory.Provider.ToString(), "--connection", c.Factory.ConnectionString,
            "train", "--tag=ew", $"--path_dataset={dataset}", "--algorithm=dnn", "--features=amp,period", "--conv_branch=false",
            "--epochs=100000", "--patience=100000", "--batch_size=32", "--threads=1", "--save", "--output-dir", Path.Combine(folder.Path, "trained"));
    }

    /// <summary>The child's run once it trains and has beaten at least once.</summary>
    private static async Task<TrainingRun> WaitUntilTrainingAsync(TrainingRunStore store, ScopeProcess child)
    {
        var clock = Stopwatch.StartNew();
        DateTime? firstBeat = null;
        while (true)
        {
            var run = (await store.ListAsync()).SingleOrDefault();
            if (run is { State: TrainingRunState.Running, HeartbeatUtc: { } beat })
            {
                Assert.Equal((Environment.MachineName, child.Id), (run.OwnerHost, run.OwnerProcessId));
                firstBeat ??= beat;
                if (beat > firstBeat)
                {
                    return run;
                }
            }

            Assert.False(child.HasExited, child.Describe());
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "scope train never started training: " + child.Describe());
            await Task.Delay(100);
        }
    }

    private static async Task<TrainingRun> WaitForAsync(TrainingRunStore store, long id, Func<TrainingRun, bool> done, string what, ScopeProcess child)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = (await store.GetAsync(id))!;
            if (done(run))
            {
                return run;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"run {id} never {what} ({run.State} {run.Error}); " + child.Describe());
            await Task.Delay(100);
        }
    }

    private static string[] TrainedFiles(ScratchFolder folder)
    {
        var trained = Path.Combine(folder.Path, "trained");
        return Directory.Exists(trained) ? Directory.GetFiles(trained) : [];
    }

    private static string WriteDataset(ScratchFolder folder)
    {
        var path = Path.Combine(folder.Path, "dataset.csv");
        if (File.Exists(path))
        {
            return path;
        }

        var rng = new Random(2);
        var sb = new StringBuilder("obj_id,amp,period,EW\n");
        for (var i = 0; i < 300; i++)
        {
            var ew = i % 3 == 0;
            sb.Append(CultureInfo.InvariantCulture, $"o{i},{(ew ? 0.5 : 0.1) + (rng.NextDouble() * 0.4):R},{(ew ? 0.3 : 1.0) + (rng.NextDouble() * 2):R},{(ew ? 1 : 0)}\n");
        }

        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>This process as the web app: the run store, the lifecycle and the training queue over the same catalog.</summary>
    private sealed class WebApp
    {
        private readonly TrainingOptions _options;

        public WebApp(TestCatalog c, string folder, TimeSpan? staleAfter = null)
        {
            _options = new TrainingOptions
            {
                OutputDirectory = Path.Combine(folder, "web-trained"),
                Threads = 1,
                HeartbeatInterval = TimeSpan.FromMilliseconds(200),
                HeartbeatStaleAfter = staleAfter ?? TimeSpan.FromSeconds(60),
            };
            Store = new TrainingRunStore(c.Factory, TimeProvider.System);
            var promoter = new ModelPromoter(Store, new SourceGroups(c.Factory, TimeProvider.System),
                Options.Create(new ModelRegistryOptions { Directory = Path.Combine(folder, "registry") }));
            Lifecycle = new TrainingRunLifecycle(Store, promoter, c.Factory, Options.Create(_options), NullLogger<TrainingRunLifecycle>.Instance);
        }

        public TrainingRunStore Store { get; }

        public TrainingRunLifecycle Lifecycle { get; }

        /// <summary>A training queue of the web app (its seeding never finishes here, so it trains nothing itself).</summary>
        public (TrainingQueue Queue, TrainingProgress Progress, CatalogSeeding Seeding) Queue()
        {
            var progress = new TrainingProgress();
            var seeding = new CatalogSeeding();
            return (new TrainingQueue(Lifecycle, progress, seeding, Options.Create(_options), NullLogger<TrainingQueue>.Instance), progress, seeding);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
