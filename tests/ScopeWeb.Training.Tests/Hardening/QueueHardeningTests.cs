using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Training.Tests.Hardening;

/// <summary>The training queue goes on when its own bookkeeping fails, and cancels runs of other processes through the catalog.</summary>
public class QueueHardeningTests
{
    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_queue_survives_a_failure_in_its_failure_handling_shows_it_degraded_and_recovers(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        var csv = Path.Combine(folder.Path, "train.csv");
        await File.WriteAllTextAsync(csv, TrainingTestData.Csv(300));
        var breaker = new BreakErrorWrites();
        var options = Hardening.Options(folder.Path);
        var lifecycle = Hardening.Lifecycle(new InterceptedFactory(c, breaker), folder.Path, options);
        var (queue, _, seeding) = Hardening.Queue(lifecycle, options);
        seeding.Finish();
        await queue.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(HealthStatus.Healthy, (await Hardening.HealthAsync(queue)).Status);

            // A run whose data set is missing fails, and recording that fails too: the database is gone for a moment.
            // While the database is broken the queue's periodic look for interrupted runs (every 200 ms) fails too and
            // replaces the error shown, so a poll of the health can miss the one to see, the failed record of the run's
            // end: every error the queue shows is collected as it is set.
            var shown = new System.Collections.Concurrent.ConcurrentQueue<string>();
            queue.Progress.Changed += () =>
            {
                if (queue.Progress.LastError is { } error)
                {
                    shown.Enqueue(error);
                }
            };
            breaker.Broken = true;
            var broken = await queue.EnqueueAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = Path.Combine(folder.Path, "gone.csv"), Features = ["amp", "period", "noise"], Threads = 1 }, "test");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!shown.Any(e => e.Contains("could not record", StringComparison.Ordinal)))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the queue never showed the failed record of the run's end: " + string.Join(" | ", shown.Distinct()));
                await Task.Delay(50);
            }

            await WaitForHealthAsync(queue, HealthStatus.Degraded);
            Assert.False(queue.ExecuteTask!.IsCompleted);
            Assert.Equal(TrainingRunState.Running, (await lifecycle.Store.GetAsync(broken.Id))!.State);

            // The database is back: the queue's next look fails the run it could not record, and it is healthy again.
            breaker.Broken = false;
            var failed = await Hardening.WaitForEndAsync(lifecycle.Store, broken.Id);
            Assert.Equal(TrainingRunState.Failed, failed.State);
            Assert.StartsWith($"Interrupted: its process ({TrainingRunOwner.Current}) stopped", failed.Error, StringComparison.Ordinal);
            await WaitForHealthAsync(queue, HealthStatus.Healthy);

            // And it goes on with the next run.
            var next = await queue.EnqueueAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = csv, MaxRounds = 20, Features = ["amp", "period", "noise"], Threads = 1 }, "test");
            var done = await Hardening.WaitForEndAsync(lifecycle.Store, next.Id);
            Assert.True(done.State == TrainingRunState.Succeeded, done.Error);
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
        }
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Cancelling_a_run_that_another_process_trains_goes_through_the_catalog(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        using var folder = new ScratchFolder();
        var csv = Path.Combine(folder.Path, "train.csv");
        await File.WriteAllTextAsync(csv, TrainingTestData.Csv(300));
        var options = Hardening.Options(folder.Path);
        var trainer = Hardening.Lifecycle(c.Factory, folder.Path, options);
        var (training, live, seeding) = Hardening.Queue(trainer, options);
        // The page of another web app: its queue is not running the run.
        var (page, _, _) = Hardening.Queue(Hardening.Lifecycle(c.Factory, folder.Path, options), options);
        var parameters = new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Dataset = csv, MaxRounds = 5000, EarlyStoppingRounds = 0, Features = ["amp", "period", "noise"], Threads = 1 };
        long? id = null;
        var asked = 0;
        // After the first round, ask through the other page and hold the training until the owner's heartbeat has seen it
        // (two beats after the request: the first one read it and cancelled the run).
        live.Changed += () =>
        {
            if (live.Steps.Count == 0 || id is not { } runId || Interlocked.Exchange(ref asked, 1) == 1)
            {
                return;
            }

            Assert.True(page.CancelAsync(runId).GetAwaiter().GetResult());
            var beat = trainer.Store.GetAsync(runId).GetAwaiter().GetResult()!.HeartbeatUtc;
            for (var seen = 0; seen < 2;)
            {
                Thread.Sleep(50);
                var now = trainer.Store.GetAsync(runId).GetAwaiter().GetResult()!.HeartbeatUtc;
                seen += now != beat ? 1 : 0;
                beat = now;
            }
        };

        seeding.Finish();
        await training.StartAsync(CancellationToken.None);
        try
        {
            var run = await training.EnqueueAsync(parameters, "test");
            id = run.Id;
            var cancelled = await Hardening.WaitForEndAsync(trainer.Store, run.Id);

            Assert.Equal((TrainingRunState.Cancelled, TrainingRunLifecycle.CancelRequestedReason), (cancelled.State, cancelled.Error));
            Assert.NotNull(cancelled.CancelRequestedAtUtc);
            Assert.False(await page.CancelAsync(run.Id));
            Assert.False(training.ExecuteTask!.IsCompleted);
            Assert.Equal(HealthStatus.Healthy, (await Hardening.HealthAsync(training)).Status);
            Assert.False(Directory.Exists(options.OutputDirectory) && Directory.EnumerateFiles(options.OutputDirectory).Any());
        }
        finally
        {
            await training.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<HealthReportEntry> WaitForHealthAsync(TrainingQueue queue, HealthStatus status, Func<HealthReportEntry, bool>? also = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entry = await Hardening.HealthAsync(queue);
            if (entry.Status == status && (also is null || also(entry)))
            {
                return entry;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"training-queue never {status}: {entry.Status} {entry.Description}");
            await Task.Delay(100);
        }
    }
}
