using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using ScopeWeb.Core.Telemetry;
using ScopeWeb.Training;

namespace ScopeWeb.Web.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Blazor's own meters (navigation, event handling; circuits: active, connected, duration). The ASP.NET Core
    /// instrumentation already listens to them on .NET 10, with Hosting (HTTP server requests), Kestrel, routing,
    /// Diagnostics (exceptions) and the per-render Components.Lifecycle; named here so circuits stay measured if it stops.
    /// </summary>
    private static readonly string[] BlazorMeters = ["Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits"];

    /// <summary>
    /// Metrics for Prometheus (scraped at <see cref="MetricsEndpoint.Path"/>): ScopeWeb's instruments (catalog jobs,
    /// registry, scoring from Core; training runs from Training), ASP.NET Core's (HTTP, Kestrel, Blazor circuits) and
    /// the runtime's. Needs the catalog, feature, classifier and training registrations.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCatalogMetrics();
        builder.AddTrainingMetrics();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("scopeweb", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(BlazorMeters)
                .AddMeter(ScopeWebInstruments.MeterName)
                .AddPrometheusExporter());
        return builder;
    }
}
