using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Catalog;

/// <summary>Progress of the first-start simulation, read by the pages.</summary>
public sealed class CatalogSeeding
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _written;

    public int Total { get; private set; }
    public int Written => Volatile.Read(ref _written);
    public bool IsRunning { get; private set; }
    public string? Error { get; private set; }

    /// <summary>Completes when the catalog is ready (seeded, or nothing to seed).</summary>
    public Task Completion => _done.Task;

    public event Action? Changed;

    internal void Start(int total)
    {
        Total = total;
        IsRunning = true;
        Changed?.Invoke();
    }

    internal void Report(int written)
    {
        Volatile.Write(ref _written, written);
        Changed?.Invoke();
    }

    internal void Finish(string? error = null)
    {
        IsRunning = false;
        Error = error;
        _done.TrySetResult();
        Changed?.Invoke();
    }
}

/// <summary>
/// Migrates the catalog before the app serves requests, then (in the background, so pages are up at once)
/// fills an empty catalog with the simulator's light curves.
/// </summary>
public sealed partial class CatalogInitializer(
    IDbContextFactory<CatalogDb> dbFactory,
    CatalogWriter writer,
    CatalogSeeding seeding,
    IOptions<CatalogOptions> options,
    ILogger<CatalogInitializer> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await CatalogMigrator.MigrateAsync(dbFactory, logger, cancellationToken).ConfigureAwait(false);

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var count = options.Value.SimulatedSourcesOnFirstStart;
            if (count == 0)
            {
                seeding.Finish();
                return;
            }

            // Instances starting together on an empty catalog: one seeds, the others wait for it here and then find it full.
            await using var seedLock = await CatalogLock.AcquireAsync(dbFactory, "seeding", CatalogLock.SeedingKey, stoppingToken).ConfigureAwait(false);
            await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken).ConfigureAwait(false))
            {
                if (await db.Sources.AnyAsync(stoppingToken).ConfigureAwait(false))
                {
                    seeding.Finish();
                    return;
                }
            }

            LogSeeding(logger, count);
            seeding.Start(count);
            var simulator = new LightCurveSimulator();
            var sources = simulator.Generate(count, options.Value.SimulationSeed);
            await writer.WriteAsync(sources, ExistingSourcePolicy.Reject, atomic: false, new Progress<int>(seeding.Report), stoppingToken).ConfigureAwait(false);
            seeding.Finish();
            LogSeeded(logger, count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            seeding.Finish("Stopped before the simulated catalog was complete.");
        }
        catch (Exception ex)
        {
            LogSeedFailed(logger, ex);
            seeding.Finish(ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Information, "Empty catalog: simulating {Count} sources")]
    private static partial void LogSeeding(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Simulated catalog of {Count} sources is ready")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Filling the catalog with simulated sources failed")]
    private static partial void LogSeedFailed(ILogger logger, Exception ex);
}
