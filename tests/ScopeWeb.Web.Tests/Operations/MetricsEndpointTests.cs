using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Web.Setup;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Operations;

/// <summary>
/// Issue [7/12]: <c>GET /metrics</c> from the whole app (ScopeWebApp.Build, as AppStartupTests starts it) on Kestrel at a
/// loopback port, read over HTTP after a catalog pass: the catalog jobs', scoring's, the registry's, training's and
/// ASP.NET Core's instruments in Prometheus's text format, with values that fit what the app did.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const int Sources = 12;

    private DirectoryInfo _dataDir = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("scopeweb-metrics-");
        _app = ScopeWebApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration["Database:DataDirectory"] = _dataDir.FullName;
            b.Configuration["Catalog:SimulatedSourcesOnFirstStart"] = Sources.ToString(System.Globalization.CultureInfo.InvariantCulture);
            b.Configuration["Features:PollIntervalSeconds"] = "1";
            b.Configuration["Scoring:PollIntervalSeconds"] = "1";
            b.Configuration["Models:Directory"] = Path.Combine(RepositoryPaths.Root()!, "models");
            b.Configuration["Models:Watch"] = "false";
            b.Configuration["Training:OutputDirectory"] = Path.Combine(_dataDir.FullName, "trained");
            b.Configuration["Training:DatasetsDirectory"] = Path.Combine(_dataDir.FullName, "datasets");
            b.Configuration["Training:HeartbeatInterval"] = "00:00:00.5";
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<CatalogSeeding>().Completion.WaitAsync(TimeSpan.FromMinutes(2));
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dataDir.Delete(recursive: true);
    }

    [Fact]
    public async Task Metrics_show_the_catalog_jobs_scoring_registry_training_and_http_requests_after_a_catalog_pass()
    {
        using (var page = await _http.GetAsync("/sources"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var health = await _http.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // The jobs poll every second: wait (generously, the machine is shared) until both have finished a pass over everything.
        var metrics = await WaitForAsync(m =>
            Finished(m, "features") == Sources
            && m.ValueOr(0, "scopeweb_job_sources_total", ("scopeweb_job_name", "scores"), ("scopeweb_job_outcome", "computed")) > 0
            && m.ValueOr(1, "scopeweb_job_pending", ("scopeweb_job_name", "scores")) == 0
            && m.Find("scopeweb_training_runs").Count > 0);

        // Catalog jobs: every simulated source's features computed (or quarantined) once, passes counted, nothing left.
        Assert.Equal(0, metrics.Value("scopeweb_job_sources_total", ("scopeweb_job_name", "features"), ("scopeweb_job_outcome", "claimed_elsewhere")));
        Assert.Equal(0, metrics.Value("scopeweb_job_sources_total", ("scopeweb_job_name", "features"), ("scopeweb_job_outcome", "quarantined")));
        Assert.InRange(metrics.Value("scopeweb_job_passes_total", ("scopeweb_job_name", "features"), ("scopeweb_job_outcome", "success")), 1, 10_000);
        Assert.Equal(0, metrics.Value("scopeweb_job_passes_total", ("scopeweb_job_name", "features"), ("scopeweb_job_outcome", "failure")));
        Assert.Equal(0, metrics.Value("scopeweb_job_passes_total", ("scopeweb_job_name", "scores"), ("scopeweb_job_outcome", "failure")));
        Assert.Equal(0, metrics.Value("scopeweb_job_pending", ("scopeweb_job_name", "features")));
        var scored = metrics.Value("scopeweb_job_sources_total", ("scopeweb_job_name", "scores"), ("scopeweb_job_outcome", "computed"));
        Assert.InRange(scored, 1, Sources);

        // Scoring: one duration per model and batch, in seconds; every source scored counted per model.
        Assert.Equal(16, metrics.Find("scopeweb_scoring_duration_seconds_count").Count);
        foreach (var model in new[] { "vnv_dnn", "vnv_xgb", "yso_dnn" })
        {
            var batches = metrics.Value("scopeweb_scoring_duration_seconds_count", ("scopeweb_model_name", model));
            Assert.InRange(batches, 1, 10_000);
            Assert.InRange(metrics.Value("scopeweb_scoring_duration_seconds_sum", ("scopeweb_model_name", model)), 1e-7, 120);
            Assert.Equal(batches, metrics.Value("scopeweb_scoring_duration_seconds_bucket", ("scopeweb_model_name", model), ("le", "+Inf")));
            Assert.Equal(scored, metrics.Value("scopeweb_scoring_rows_total", ("scopeweb_model_name", model)));
        }

        // Registry: the 16 shipped models, each with its version.
        Assert.Equal(16, metrics.Value("scopeweb_registry_models", ("scopeweb_model_state", "loaded")));
        Assert.Equal(0, metrics.Value("scopeweb_registry_models", ("scopeweb_model_state", "failed")));
        Assert.Equal(16, metrics.Find("scopeweb_registry_model_loaded").Count);
        Assert.Equal("20261123_231822-s42", Assert.Single(metrics.Find("scopeweb_registry_model_loaded", ("scopeweb_model_name", "vnv_dnn"))).Label("scopeweb_model_version"));
        Assert.Equal(1, metrics.Value("scopeweb_registry_reloads_total"));

        // Training runs by state (none yet).
        Assert.Equal(
            ["cancelled", "failed", "queued", "running", "succeeded"],
            metrics.Find("scopeweb_training_runs").Select(s => s.Label("scopeweb_training_run_state")).Order(StringComparer.Ordinal));
        Assert.All(metrics.Find("scopeweb_training_runs"), s => Assert.Equal(0, s.Value));

        // HTTP (ASP.NET Core's own instruments): the page request by route; /healthz and /metrics themselves are not measured.
        var pageRequests = metrics.Value("http_server_request_duration_seconds_count",
            ("http_route", "/sources"), ("http_request_method", "GET"), ("http_response_status_code", "200"));
        Assert.InRange(pageRequests, 1, 10);
        Assert.InRange(metrics.Value("http_server_request_duration_seconds_sum",
            ("http_route", "/sources"), ("http_request_method", "GET"), ("http_response_status_code", "200")), 1e-6, 120);
        Assert.DoesNotContain(metrics.All, s => s.Name.StartsWith("http_server_request_duration", StringComparison.Ordinal) && s.Label("http_route") is "/healthz" or "/metrics");
        Assert.NotEmpty(metrics.Find("kestrel_active_connections"));
        Assert.NotEmpty(metrics.Find("dotnet_gc_collections_total"));
    }

    private static double Finished(PrometheusSamples m, string job) =>
        m.ValueOr(0, "scopeweb_job_sources_total", ("scopeweb_job_name", job), ("scopeweb_job_outcome", "computed"))
        + m.ValueOr(0, "scopeweb_job_sources_total", ("scopeweb_job_name", job), ("scopeweb_job_outcome", "quarantined"));

    private async Task<PrometheusSamples> WaitForAsync(Func<PrometheusSamples, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            using var response = await _http.GetAsync("/metrics");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            var metrics = new PrometheusSamples(text);
            if (done(metrics))
            {
                return metrics;
            }

            Assert.True(DateTime.UtcNow < deadline, "the catalog pass did not show in /metrics within 3 minutes:\n" + text);
            await Task.Delay(500);
        }
    }
}
