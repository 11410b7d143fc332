using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Core.Health;

/// <summary>
/// A background job's health, read from its own task (<see cref="BackgroundService.ExecuteTask"/>): a job that crashed or
/// stopped while the host runs is unhealthy; one whose last pass failed (it retries at the next poll) is degraded.
/// </summary>
/// <param name="job">The hosted job (registered as a singleton and forwarded as the hosted service, so this is the running one).</param>
/// <param name="progress">Its progress, when it reports some (counts and the last error go into the report).</param>
/// <param name="runsUntilShutdown">False for a job that finishes once its work is done (e.g. the catalog's first-start seeding).</param>
public sealed class BackgroundJobHealthCheck(BackgroundService job, JobProgress? progress, bool runsUntilShutdown) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["job"] = job.GetType().Name };
        if (progress is not null)
        {
            data["running"] = progress.IsRunning;
            data["pending"] = progress.Pending;
            data["done"] = progress.Done;
            if (progress.LastCompletedUtc is { } completed)
            {
                data["lastCompletedUtc"] = completed;
            }
        }

        var task = job.ExecuteTask;
        var result = task switch
        {
            null => HealthCheckResult.Degraded("not started", data: data),
            { IsFaulted: true } => HealthCheckResult.Unhealthy("stopped with an error: " + task.Exception!.GetBaseException().Message, task.Exception, data),
            { IsCanceled: true } => HealthCheckResult.Unhealthy("cancelled", data: data),
            { IsCompleted: true } when runsUntilShutdown => HealthCheckResult.Unhealthy("stopped", data: data),
            { IsCompleted: true } => HealthCheckResult.Healthy("done", data),
            _ when progress?.LastError is { } error => HealthCheckResult.Degraded("running; the last pass failed and is retried: " + error, data: data),
            _ => HealthCheckResult.Healthy("running", data),
        };
        return Task.FromResult(result);
    }
}
