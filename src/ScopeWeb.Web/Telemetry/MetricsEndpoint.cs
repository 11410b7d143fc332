namespace ScopeWeb.Web.Telemetry;

/// <summary>
/// <c>GET /metrics</c>: every instrument in Prometheus's text format. Reachable without signing in, as <c>/healthz</c>:
/// Prometheus scrapes it from inside the deployment's network (README, "Metrics").
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IEndpointConventionBuilder MapScopeMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(Path).DisableHttpMetrics().AllowAnonymous();
}
