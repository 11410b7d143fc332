using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Training.Tests.Hardening;

/// <summary>
/// Case 7 of the hardening issue, in one process: a run is failed as interrupted only when its owner stopped (its pid
/// gone from this host, or no heartbeat for the staleness limit), never while its owner beats, and a late owner writes
/// nothing over that.
/// </summary>
public class InterruptedRunTests
{
    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_run_whose_process_is_gone_from_this_host_is_failed_at_start_and_runs_of_live_owners_are_left_alone(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        var options = Hardening.Options(folder.Path);
        var lifecycle = Hardening.Lifecycle(c.Factory, folder.Path, options);
        var store = lifecycle.Store;
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = "train.csv" };
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        try
        {
            var host = Environment.MachineName;
            var deadPid = Hardening.DeadProcessId();
            var gone = await store.CreateAsync(parameters, "cli");
            await Hardening.OwnAsync(c.Factory, gone.Id, new TrainingRunOwner(host, deadPid), DateTime.UtcNow);
            var alive = await store.CreateAsync(parameters, "cli");
            await Hardening.OwnAsync(c.Factory, alive.Id, new TrainingRunOwner(host, sleeper.Id), DateTime.UtcNow);
            var remote = await store.CreateAsync(parameters, "cli");
            await Hardening.OwnAsync(c.Factory, remote.Id, new TrainingRunOwner("another-host", 4242), DateTime.UtcNow);

            // The web app's start-up (its seeding never finishes here, so nothing is trained).
            var (queue, _, _) = Hardening.Queue(lifecycle, options);
            await queue.StartAsync(CancellationToken.None);
            var failed = await Hardening.WaitForAsync(store, gone.Id, r => r.State == TrainingRunState.Failed, "failed");
            await queue.StopAsync(CancellationToken.None);

            Assert.StartsWith($"Interrupted: its process ({host}/{deadPid}) stopped", failed.Error, StringComparison.Ordinal);
            Assert.NotNull(failed.FinishedAtUtc);
            Assert.Equal(TrainingRunState.Running, (await store.GetAsync(alive.Id))!.State);
            Assert.Equal(TrainingRunState.Running, (await store.GetAsync(remote.Id))!.State);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_remote_owner_is_failed_only_once_its_heartbeat_is_stale_and_its_late_writes_change_nothing(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        var t0 = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var clock = new ManualClock(t0);
        var store = new TrainingRunStore(c.Factory, clock);
        var owner = new TrainingRunOwner("another-host", 4242);
        var staleAfter = TimeSpan.FromSeconds(60);
        var run = await store.CreateAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = "train.csv" }, "cli");
        Assert.True(await store.ClaimAsync(run.Id, owner));

        clock.Now = t0.AddSeconds(40);
        Assert.Empty(await store.FailInterruptedAsync(TrainingRunOwner.Current, staleAfter));
        clock.Now = t0.AddSeconds(50);
        Assert.Equal(HeartbeatResult.Beating, await store.BeatAsync(run.Id, owner));
        clock.Now = t0.AddSeconds(100);
        Assert.Empty(await store.FailInterruptedAsync(TrainingRunOwner.Current, staleAfter));
        Assert.Equal(TrainingRunState.Running, (await store.GetAsync(run.Id))!.State);

        clock.Now = t0.AddSeconds(111);
        var interrupted = Assert.Single(await store.FailInterruptedAsync(TrainingRunOwner.Current, staleAfter));
        var failed = (await store.GetAsync(run.Id))!;
        Assert.Equal((run.Id, TrainingRunState.Failed), (interrupted.Id, failed.State));
        Assert.StartsWith("Interrupted: its process (another-host/4242) stopped sending heartbeats (the last: 2026-12-07 12:00:50 UTC", failed.Error, StringComparison.Ordinal);

        // The owner comes back late: every write it tries is refused, and the run says what it said.
        clock.Now = t0.AddSeconds(200);
        Assert.Equal(HeartbeatResult.Lost, await store.BeatAsync(run.Id, owner));
        Assert.False(await store.CompleteAsync(run.Id, owner, "sha256:late", "late.json"));
        Assert.False(await store.FailAsync(run.Id, owner, "late", cancelled: true));
        Assert.Empty(await store.FailInterruptedAsync(TrainingRunOwner.Current, staleAfter));
        var after = (await store.GetAsync(run.Id))!;
        Assert.Equal((failed.State, failed.Error, failed.FinishedAtUtc, failed.HeartbeatUtc), (after.State, after.Error, after.FinishedAtUtc, after.HeartbeatUtc));
        Assert.Null(after.CardPath);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_owner_that_finishes_after_its_run_was_failed_as_interrupted_records_nothing_and_removes_its_files(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        // No heartbeat during the run: the owner only learns at the end, after it wrote its model.
        var options = Hardening.Options(folder.Path, heartbeat: TimeSpan.FromHours(1), staleAfter: TimeSpan.FromHours(2));
        var lifecycle = Hardening.Lifecycle(c.Factory, folder.Path, options);
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = "train.csv", MaxRounds = 20, Features = ["amp", "period", "noise"], Threads = 1 };
        var run = await lifecycle.CreateAsync(parameters, "test");
        // Another host looks an hour later and finds the run stale.
        var later = new TrainingRunStore(c.Factory, new ManualClock(DateTimeOffset.UtcNow.AddHours(1)));
        var takenOver = 0;
        var progress = new Core.Jobs.SynchronousProgress<TrainingStep>(_ =>
        {
            if (Interlocked.Exchange(ref takenOver, 1) == 0)
            {
                Assert.Single(later.FailInterruptedAsync(new TrainingRunOwner("another-host", 1), TimeSpan.FromMinutes(1)).GetAwaiter().GetResult());
            }
        });

        var error = await Assert.ThrowsAsync<TrainingRunLostException>(() =>
            lifecycle.TrainAsync(run.Id, parameters, TrainingTestData.Table(300), options.OutputDirectory, progress, "cancelled", CancellationToken.None));

        var failed = (await lifecycle.Store.GetAsync(run.Id))!;
        Assert.Equal(TrainingRunState.Failed, failed.State);
        Assert.Contains("stopped sending heartbeats", failed.Error, StringComparison.Ordinal);
        Assert.Contains(failed.Error!, error.Message, StringComparison.Ordinal);
        Assert.Null(failed.CardPath);
        Assert.Empty(Directory.GetFiles(options.OutputDirectory));
    }

    [Fact]
    public async Task A_failed_run_removes_its_own_files_and_leaves_other_runs_files()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var options = Hardening.Options(folder.Path);
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var lifecycle = Hardening.Lifecycle(c.Factory, folder.Path, options, new ManualClock(now));
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = "train.csv", MaxRounds = 10, Features = ["amp", "period", "noise"], Threads = 1 };
        var run = await lifecycle.CreateAsync(parameters, "test");
        Directory.CreateDirectory(options.OutputDirectory);
        var others = new[] { "vnv_xgb.20261201_000000-s7.onnx", "vnv_xgb.20261201_000000-s7.json", "vnv_xgb.20261201_000000-s7.lgbm.txt" }
            .Select(name => Path.Combine(options.OutputDirectory, name)).ToList();
        others.ForEach(path => File.WriteAllText(path, "another run's"));
        // The card cannot be written (a folder has its name): the run fails after its ONNX and LightGBM model are on disk.
        var stem = Path.Combine(options.OutputDirectory, $"vnv_xgb.{TrainingParameters.TimeTag(now)}-s42");
        Directory.CreateDirectory(stem + ".json");

        await Assert.ThrowsAnyAsync<Exception>(() =>
            lifecycle.TrainAsync(run.Id, parameters, TrainingTestData.Table(300), options.OutputDirectory, null, "cancelled", CancellationToken.None));

        Assert.Equal(TrainingRunState.Failed, (await lifecycle.Store.GetAsync(run.Id))!.State);
        Assert.False(File.Exists(stem + ".onnx"));
        Assert.False(File.Exists(stem + ".lgbm.txt"));
        Assert.All(others, path => Assert.True(File.Exists(path), path));
    }

    [Fact]
    public async Task A_run_cancelled_after_its_model_was_written_removes_its_files()
    {
        await using var c = await TestCatalog.CreateAsync(DatabaseProvider.Sqlite);
        using var folder = new ScratchFolder();
        var options = Hardening.Options(folder.Path);
        var lifecycle = Hardening.Lifecycle(c.Factory, folder.Path, options);
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = "train.csv", MaxRounds = 8, EarlyStoppingRounds = 0, Features = ["amp", "period", "noise"], Threads = 1 };
        var run = await lifecycle.CreateAsync(parameters, "test");
        using var cancel = new CancellationTokenSource();
        // Cancelled after the last round: the trees are exported (ONNX, LightGBM text) before the next check.
        var progress = new Core.Jobs.SynchronousProgress<TrainingStep>(s =>
        {
            if (s.Step == s.MaxSteps)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            lifecycle.TrainAsync(run.Id, parameters, TrainingTestData.Table(300), options.OutputDirectory, progress, "Cancelled by the test.", cancel.Token));

        var cancelled = (await lifecycle.Store.GetAsync(run.Id))!;
        Assert.Equal((TrainingRunState.Cancelled, "Cancelled by the test."), (cancelled.State, cancelled.Error));
        Assert.Empty(Directory.GetFiles(options.OutputDirectory));
    }

    [Fact]
    public void Heartbeat_settings_are_checked_at_start()
    {
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new TrainingOptions { HeartbeatInterval = TimeSpan.FromSeconds(10), HeartbeatStaleAfter = TimeSpan.FromSeconds(15) };

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), problems, validateAllProperties: true));
        Assert.Contains(problems, p => p.ErrorMessage!.Contains("HeartbeatStaleAfter", StringComparison.Ordinal));

        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration["Training:HeartbeatInterval"] = "00:00:00.001";
        builder.AddTraining(backgroundWorker: false);
        using var host = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => { _ = host.Services.GetRequiredService<IOptions<TrainingOptions>>().Value; });
        Assert.Contains("HeartbeatInterval", error.Message, StringComparison.Ordinal);
    }
}
