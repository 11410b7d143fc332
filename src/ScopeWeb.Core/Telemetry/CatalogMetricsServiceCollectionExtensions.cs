using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ScopeWeb.Core.Telemetry;

public static class CatalogMetricsServiceCollectionExtensions
{
    /// <summary>
    /// The catalog's instruments (<see cref="CatalogMetrics"/>) on the host's <c>IMeterFactory</c>, created at start so a
    /// reader sees them from its first collection. Needs <c>AddCatalog</c>, <c>AddFeatureExtraction</c> and
    /// <c>AddClassifiers</c>; exporting them is the host's business (the web app's <c>AddTelemetry</c>).
    /// </summary>
    public static IHostApplicationBuilder AddCatalogMetrics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<CatalogMetrics>();
        builder.Services.AddInstrumentsAtStart<CatalogMetrics>();
        return builder;
    }

    /// <summary>
    /// Resolves <typeparamref name="TMetrics"/> when the host starts: observable instruments exist only once the object
    /// that creates them does, and nothing else may ask for it before the first collection.
    /// </summary>
    public static IServiceCollection AddInstrumentsAtStart<TMetrics>(this IServiceCollection services)
        where TMetrics : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InstrumentsAtStart<TMetrics>>());
        return services;
    }

    private sealed class InstrumentsAtStart<TMetrics>(TMetrics metrics) : IHostedService
        where TMetrics : class
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(metrics);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
