using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Setup;

// Light-curve draw time in Debian chromium: from navigation start to the 5,000-point light curve on screen.
// Usage: dotnet run -c Release --project bench/ScopeWeb.Benchmarks [-- --repeat 15]
var repeat = args.Length >= 2 && args[0] == "--repeat" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
const string objId = "ZTFJ123456.78+123456.7";
var dataDir = Directory.CreateTempSubdirectory("scopeweb-bench-");
var app = ScopeWebApp.Build([], b =>
{
    b.WebHost.UseUrls("http://127.0.0.1:0");
    b.Configuration["Database:DataDirectory"] = dataDir.FullName;
    b.Configuration["Catalog:SimulatedSourcesOnFirstStart"] = "200";
    b.Configuration["Features:Enabled"] = "false";
    b.Logging.ClearProviders();
});
await app.StartAsync();
await app.Services.GetRequiredService<CatalogSeeding>().Completion;
await app.Services.GetRequiredService<CatalogWriter>().WriteAsync([DenseSource(objId, 5000)], ExistingSourcePolicy.Reject, atomic: true);
var baseUrl = app.Urls.First();

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

// Records, in page time (ms since navigation start), the first frame where the light curve's traces are drawn.
const string probe = """
    (() => {
      const plotlyReady = () => { if (window.Plotly) { window.__plotlyAt = performance.now(); } else { requestAnimationFrame(plotlyReady); } };
      requestAnimationFrame(plotlyReady);
      const check = () => {
        const gd = document.getElementById('lc-plot');
        if (gd && gd._fullData && gd._fullData.length > 0 && gd.querySelector('.main-svg')) {
          const n = gd.data.reduce((s, t) => s + (t.x ? t.x.length : 0), 0);
          if (n >= 5000) { window.__lcDrawnAt = performance.now(); return; }
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    })();
    """;

var plotlyCold = new List<double>();
var cold = new List<double>();
var warm = new List<double>();
var inApp = new List<double>();
var sourceUrl = baseUrl + "/sources/" + Uri.EscapeDataString(objId);
for (var i = 0; i < repeat; i++)
{
    // Cold: a new browser context (empty cache), as a first visit.
    await using (var context = await browser.NewContextAsync())
    {
        var (coldMs, coldPlotly) = await TimeNavigationAsync(await context.NewPageAsync(), sourceUrl);
        cold.Add(coldMs);
        plotlyCold.Add(coldPlotly);

        // Warm: the same context again (plotly.js and the app's scripts cached), as a returning visit.
        warm.Add((await TimeNavigationAsync(await context.NewPageAsync(), sourceUrl)).DrawnMs);

        // In the app: from the catalog list, a click on the source (Blazor navigates in-page; plotly.js already parsed).
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/sources?id=" + Uri.EscapeDataString(objId));
        await page.WaitForFunctionAsync("() => window.Blazor && document.querySelectorAll('.source-link').length > 0");
        // The list page loads plotly.js when idle; an astronomer reading the list gives it that time.
        await page.WaitForFunctionAsync("() => window.Plotly !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "window.__lcDrawnAt = undefined;" });
        var start = await page.EvaluateAsync<double>("() => performance.now()");
        await page.Locator(".source-link").First.ClickAsync();
        await page.EvaluateAsync(probe);
        await page.WaitForFunctionAsync("() => window.__lcDrawnAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        inApp.Add(await page.EvaluateAsync<double>("() => window.__lcDrawnAt") - start);
    }
}

Console.WriteLine($"5,000-point light curve (g + r, ScatterGl), chromium {browser.Version}, {repeat} runs each:");
Console.WriteLine("| navigation | p50 ms | p95 ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|");
Row("first visit (empty cache)", cold);
Row("  of which: plotly.js fetched and parsed", plotlyCold);
Row("returning visit (cached scripts)", warm);
Row("click from /sources (in-app, list page idle)", inApp);

await app.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
dataDir.Delete(recursive: true);
return 0;

async Task<(double DrawnMs, double PlotlyMs)> TimeNavigationAsync(IPage page, string url)
{
    await page.AddInitScriptAsync(probe);
    await page.GotoAsync(url);
    await page.WaitForFunctionAsync("() => window.__lcDrawnAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
    var ms = await page.EvaluateAsync<double>("() => window.__lcDrawnAt");
    var plotly = await page.EvaluateAsync<double>("() => window.__plotlyAt ?? -1");
    await page.CloseAsync();
    return (ms, plotly);
}

static void Row(string name, List<double> ms)
{
    var s = ms.Order().ToArray();
    double P(double p) => s[(int)Math.Round(p / 100 * (s.Length - 1))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {P(50):F0} | {P(95):F0} | {s[^1]:F0} |"));
}

static Source DenseSource(string objId, int points)
{
    const double periodDays = 0.5731;
    var source = new Source { ObjId = objId, RaDeg = 188.73658, DecDeg = 12.58242, PeriodDays = periodDays, KnownClass = "RRab", Origin = "bench" };
    var rng = new Random(7);
    foreach (var (band, mean, amp) in new[] { ("g", 17.2, 0.9), ("r", 16.9, 0.6) })
    {
        var list = new List<PhotometryPoint>();
        for (var i = 0; i < points / 2; i++)
        {
            var t = 58300 + (rng.NextDouble() * 1200);
            var phase = t / periodDays % 1.0;
            var mag = mean + (amp * (phase < 0.15 ? 0.5 - (phase / 0.15) : -0.5 + ((phase - 0.15) / 0.85)));
            list.Add(new PhotometryPoint(t, (float)(mag + (0.02 * (rng.NextDouble() - 0.5))), 0.02f));
        }

        source.LightCurves.Add(LightCurve.From(band, Photometry.FromPoints(list), DateTime.UtcNow));
    }

    return source;
}
