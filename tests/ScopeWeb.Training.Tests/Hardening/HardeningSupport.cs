using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Groups;
using ScopeWeb.Core.Health;

namespace ScopeWeb.Training.Tests.Hardening;

/// <summary>A clock the test moves by hand (timers stay real).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Makes the catalog fail every update that writes a run's error (recording a failure or a cancel), as a database gone for a moment would.</summary>
internal sealed class BreakErrorWrites : DbCommandInterceptor
{
    public volatile bool Broken;

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    private void Check(DbCommand command)
    {
        if (Broken && command.CommandText.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            && command.CommandText.Contains("\"Error\"", StringComparison.Ordinal))
        {
            throw new TimeoutException("The catalog database did not answer (test).");
        }
    }
}

/// <summary>The test catalog's database through contexts that carry one more interceptor.</summary>
internal sealed class InterceptedFactory(TestCatalog catalog, IInterceptor interceptor) : IDbContextFactory<CatalogDb>
{
    public CatalogDb CreateDbContext() => catalog.Factory.Provider == DatabaseProvider.Sqlite
        ? new SqliteCatalogDb(new DbContextOptionsBuilder<SqliteCatalogDb>().UseSqlite(catalog.Factory.ConnectionString).AddInterceptors(interceptor).Options)
        : new PostgresCatalogDb(new DbContextOptionsBuilder<PostgresCatalogDb>().UseNpgsql(catalog.Factory.ConnectionString).AddInterceptors(interceptor).Options);
}

internal static class Hardening
{
    public static TrainingOptions Options(string folder, TimeSpan? heartbeat = null, TimeSpan? staleAfter = null) => new()
    {
        OutputDirectory = Path.Combine(folder, "trained"),
        Threads = 1,
        HeartbeatInterval = heartbeat ?? TimeSpan.FromMilliseconds(200),
        HeartbeatStaleAfter = staleAfter ?? TimeSpan.FromMinutes(1),
    };

    public static TrainingRunLifecycle Lifecycle(IDbContextFactory<CatalogDb> factory, string folder, TrainingOptions options, TimeProvider? time = null)
    {
        var store = new TrainingRunStore(factory, time ?? TimeProvider.System);
        var promoter = new ModelPromoter(store, new SourceGroups(factory, TimeProvider.System),
            Microsoft.Extensions.Options.Options.Create(new ModelRegistryOptions { Directory = Path.Combine(folder, "registry") }));
        return new TrainingRunLifecycle(store, promoter, factory, Microsoft.Extensions.Options.Options.Create(options), NullLogger<TrainingRunLifecycle>.Instance);
    }

    public static (TrainingQueue Queue, TrainingProgress Progress, CatalogSeeding Seeding) Queue(TrainingRunLifecycle lifecycle, TrainingOptions options)
    {
        var progress = new TrainingProgress();
        var seeding = new CatalogSeeding();
        var queue = new TrainingQueue(lifecycle, progress, seeding, Microsoft.Extensions.Options.Options.Create(options), NullLogger<TrainingQueue>.Instance);
        return (queue, progress, seeding);
    }

    /// <summary>The queue's check as /healthz reports it (registered as the web app registers it).</summary>
    public static async Task<HealthReportEntry> HealthAsync(TrainingQueue queue)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(queue);
        builder.AddJobHealthCheck<TrainingQueue>("training-queue");
        using var host = builder.Build();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["training-queue"];
    }

    public static async Task<TrainingRun> WaitForAsync(TrainingRunStore store, long id, Func<TrainingRun, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await store.GetAsync(id);
            if (run is not null && done(run))
            {
                return run;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"run {id} never {what}: {run?.State} {run?.Error}");
            await Task.Delay(100);
        }
    }

    public static Task<TrainingRun> WaitForEndAsync(TrainingRunStore store, long id) =>
        WaitForAsync(store, id, r => r.State is TrainingRunState.Succeeded or TrainingRunState.Failed or TrainingRunState.Cancelled, "ended");

    /// <summary>A process id that was alive a moment ago and is not any more.</summary>
    public static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    /// <summary>Writes the row as another process training it would have (owner, heartbeat, running).</summary>
    public static async Task OwnAsync(IDbContextFactory<CatalogDb> factory, long id, TrainingRunOwner owner, DateTime heartbeatUtc)
    {
        await using var db = await factory.CreateDbContextAsync();
        var run = await db.TrainingRuns.SingleAsync(r => r.Id == id);
        run.State = TrainingRunState.Running;
        run.StartedAtUtc = heartbeatUtc;
        run.OwnerHost = owner.Host;
        run.OwnerProcessId = owner.ProcessId;
        run.HeartbeatUtc = heartbeatUtc;
        await db.SaveChangesAsync();
    }
}
