using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Web.Setup;
using RouteAttribute = Microsoft.AspNetCore.Components.RouteAttribute;

namespace ScopeWeb.Web.Tests.Startup;

/// <summary>
/// The whole app as `dotnet run` starts it (ScopeWebApp.Build: every Add…() call, options validation, hosted jobs, the
/// shipped models), on Kestrel at a loopback port with a temporary SQLite catalog of a few simulated sources; every page
/// route is fetched over HTTP. No browser: this catches DI, routing, migration and prerendering errors on any machine.
/// </summary>
public sealed class AppStartupTests : IAsyncLifetime
{
    private DirectoryInfo _dataDir = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("scopeweb-startup-");
        _app = ScopeWebApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration["Database:DataDirectory"] = _dataDir.FullName;
            b.Configuration["Catalog:SimulatedSourcesOnFirstStart"] = "12";
            b.Configuration["Models:Directory"] = Path.Combine(RepositoryPaths.Root()!, "models");
            b.Configuration["Models:Watch"] = "false";
            b.Configuration["Training:OutputDirectory"] = Path.Combine(_dataDir.FullName, "trained");
            b.Configuration["Training:DatasetsDirectory"] = Path.Combine(_dataDir.FullName, "datasets");
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
    public async Task Every_page_route_answers_200_with_its_page()
    {
        string objId;
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<CatalogDb>>().CreateDbContextAsync())
        {
            objId = await db.Sources.OrderBy(s => s.Id).Select(s => s.ObjId).FirstAsync();
        }

        var templates = typeof(ScopeWebApp).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("/sources/{ObjId}", templates);
        Assert.True(templates.Count >= 7, "routes found: " + string.Join(", ", templates));

        foreach (var template in templates)
        {
            var url = template.Replace("{ObjId}", Uri.EscapeDataString(objId), StringComparison.Ordinal);
            Assert.DoesNotContain('{', url);
            using var response = await _http.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode}\n{html[..Math.Min(html.Length, 2000)]}");
            Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("_framework/blazor.web.js", html, StringComparison.Ordinal);
        }

        using var source = await _http.GetAsync("/sources/" + Uri.EscapeDataString(objId));
        Assert.Contains(objId, await source.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_path_is_404_with_the_not_found_page()
    {
        using var response = await _http.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Healthz_reports_the_catalog_the_models_and_every_background_job()
    {
        using var response = await _http.GetAsync("/healthz");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks");
        foreach (var name in new[] { "catalog", "models", "catalog-initializer", "feature-job", "scoring-job", "training-queue" })
        {
            Assert.True(checks.TryGetProperty(name, out var check), $"no '{name}' check in {body}");
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
        }

        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("reachable and migrated", checks.GetProperty("catalog").GetProperty("description").GetString());
        // The shipped registry: 8 tags × (DNN + XGB).
        Assert.Equal(16, checks.GetProperty("models").GetProperty("data").GetProperty("models").GetArrayLength());
        Assert.Equal("done", checks.GetProperty("catalog-initializer").GetProperty("description").GetString());
    }
}
