using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Telemetry;

namespace ScopeWeb.Training;

/// <summary>
/// Training runs in the catalog by state (<c>scopeweb.training.runs</c>), counted every
/// <see cref="TrainingOptions.HeartbeatInterval"/> so a collection never waits for the database. Every instance reports
/// the same catalog-wide counts: take one instance's value (max), do not add them up.
/// </summary>
public sealed partial class TrainingMetrics : BackgroundService
{
    private static readonly TrainingRunState[] States = Enum.GetValues<TrainingRunState>();

    private readonly TrainingRunStore _store;
    private readonly IOptions<TrainingOptions> _options;
    private readonly ILogger<TrainingMetrics> _logger;
    private volatile IReadOnlyDictionary<TrainingRunState, int>? _counts;

    public TrainingMetrics(IMeterFactory meters, TrainingRunStore store, IOptions<TrainingOptions> options, ILogger<TrainingMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _options = options;
        _logger = logger;
        meters.Create(ScopeWebInstruments.MeterName).CreateObservableGauge(
            "scopeweb.training.runs",
            Observe,
            "{run}",
            "Training runs in the catalog by state (queued, running, succeeded, failed, cancelled); the same on every instance.");
    }

    /// <summary>Counts the runs once now (the loop does it every heartbeat interval).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        _counts = await _store.CountByStateAsync(ct).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.HeartbeatInterval, _store.Time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The catalog's health check reports an unreachable database; here the last counts stay.
                LogRefreshFailed(_logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        if (_counts is not { } counts)
        {
            yield break;
        }

        foreach (var state in States)
        {
            yield return new Measurement<int>(
                counts.GetValueOrDefault(state),
                new KeyValuePair<string, object?>(ScopeWebInstruments.TrainingRunState, state.ToString().ToLowerInvariant()));
        }
    }

    [LoggerMessage(LogLevel.Debug, "Counting training runs for the metrics failed; the last counts stay")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex);
}
