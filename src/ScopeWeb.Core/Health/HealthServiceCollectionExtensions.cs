using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Core.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Reports a background job's state from its task under <paramref name="name"/> (the job must be registered as a
    /// singleton and forwarded as the hosted service, so the check sees the instance the host runs).
    /// </summary>
    public static IHostApplicationBuilder AddJobHealthCheck<TJob>(this IHostApplicationBuilder builder, string name, bool runsUntilShutdown = true)
        where TJob : BackgroundService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            sp => new BackgroundJobHealthCheck(sp.GetRequiredService<TJob>(), ProgressOf(sp.GetRequiredService<TJob>()), runsUntilShutdown),
            failureStatus: null,
            tags: ["job"]));
        return builder;
    }

    private static JobProgress? ProgressOf(BackgroundService job) => job switch
    {
        CatalogPollingJob polling => polling.Progress,
        IJobWithProgress reporting => reporting.Progress,
        _ => null,
    };
}
