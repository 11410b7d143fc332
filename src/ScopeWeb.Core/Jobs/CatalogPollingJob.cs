using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Jobs;

/// <summary>
/// A background job that brings the catalog up to date, then polls: it starts once the first-start seeding is done,
/// and a failed run is logged and shown on the job's progress, then retried at the next poll.
/// </summary>
public abstract partial class CatalogPollingJob(CatalogSeeding seeding, JobProgress status, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The clock the job stamps its rows and progress with.</summary>
    protected TimeProvider Time => time;

    /// <summary>Counts, rate and the last error, as the pages and the health report show them.</summary>
    public JobProgress Progress => status;

    /// <summary>Does one pass over what is stale; returns how many items it processed.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    /// <summary>Wait between passes once everything is current.</summary>
    protected abstract TimeSpan PollInterval { get; }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await seeding.Completion.WaitAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                status.CountPass(failed: false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, GetType().Name, ex);
                status.CountPass(failed: true);
                status.Finish(time.GetUtcNow().UtcDateTime, ex.Message);
            }

            await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(LogLevel.Error, "{Job} failed; it retries at the next poll")]
    private static partial void LogFailed(ILogger logger, string job, Exception ex);
}
