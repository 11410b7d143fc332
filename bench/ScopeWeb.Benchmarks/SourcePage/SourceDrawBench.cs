using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Setup;

namespace ScopeWeb.Benchmarks.SourcePage;

/// <summary>
/// <c>scope-bench source-draw [--repeat 15]</c>: light-curve draw time in Debian chromium, from navigation start to the
/// 5,000-point light curve on screen, for a first visit, a returning visit and a click from the catalog list. The app
/// runs in-process on a loopback port with a temporary catalog.
/// </summary>
public static class SourceDrawBench
{
    private const string ObjId = "ZTFJ123456.78+123456.7";

    /// <summary>Debian's chromium, which the browser tests use too (scripts/test.sh installs it).</summary>
    private const string Chromium = "/usr/bin/chromium";

    // Records, in page time (ms since navigation start), the first frame where the light curve's traces are drawn.
    private const string Probe = """
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

    public static Command Create()
    {
        var repeat = new Option<int>("--repeat") { Description = "Runs of each kind of navigation (a new browser context each).", DefaultValueFactory = _ => 15 };
        repeat.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--repeat must be positive.");
            }
        });
        var command = new Command("source-draw", "Source page: time to draw a 5,000-point light curve in Debian chromium (Playwright).") { repeat };
        command.SetAction(async (parse, ct) =>
        {
            if (!File.Exists(Chromium))
            {
                return BenchMachine.Missing(parse.InvocationConfiguration.Error, Chromium, "install Debian's chromium (apt-get install chromium).");
            }

            await RunAsync(parse.GetValue(repeat)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(int repeat)
    {
        var dataDir = Directory.CreateTempSubdirectory("scopeweb-bench-");
        var app = ScopeWebApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration["Database:DataDirectory"] = dataDir.FullName;
            b.Configuration["Catalog:SimulatedSourcesOnFirstStart"] = "200";
            b.Configuration["Features:Enabled"] = "false";
            b.Logging.ClearProviders();
        });
        await app.StartAsync().ConfigureAwait(false);
        await app.Services.GetRequiredService<CatalogSeeding>().Completion.ConfigureAwait(false);
        await app.Services.GetRequiredService<CatalogWriter>().WriteAsync([DenseSource(ObjId, 5000)], ExistingSourcePolicy.Reject, atomic: true).ConfigureAwait(false);
        var baseUrl = app.Urls.First();

        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        }).ConfigureAwait(false);
        await using (browser.ConfigureAwait(false))
        {
            var plotlyCold = new List<double>();
            var cold = new List<double>();
            var warm = new List<double>();
            var inApp = new List<double>();
            var sourceUrl = baseUrl + "/sources/" + Uri.EscapeDataString(ObjId);
            for (var i = 0; i < repeat; i++)
            {
                // Cold: a new browser context (empty cache), as a first visit.
                var context = await browser.NewContextAsync().ConfigureAwait(false);
                await using (context.ConfigureAwait(false))
                {
                    var (coldMs, coldPlotly) = await TimeNavigationAsync(await context.NewPageAsync().ConfigureAwait(false), sourceUrl).ConfigureAwait(false);
                    cold.Add(coldMs);
                    plotlyCold.Add(coldPlotly);

                    // Warm: the same context again (plotly.js and the app's scripts cached), as a returning visit.
                    warm.Add((await TimeNavigationAsync(await context.NewPageAsync().ConfigureAwait(false), sourceUrl).ConfigureAwait(false)).DrawnMs);

                    // In the app: from the catalog list, a click on the source (Blazor navigates in-page; plotly.js already parsed).
                    var page = await context.NewPageAsync().ConfigureAwait(false);
                    await page.GotoAsync(baseUrl + "/sources?id=" + Uri.EscapeDataString(ObjId)).ConfigureAwait(false);
                    await page.WaitForFunctionAsync("() => window.Blazor && document.querySelectorAll('.source-link').length > 0").ConfigureAwait(false);
                    // The list page loads plotly.js when idle; an astronomer reading the list gives it that time.
                    await page.WaitForFunctionAsync("() => window.Plotly !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 }).ConfigureAwait(false);
                    // window.Plotly appears when the bundle is parsed, while the browser may still be busy with it; a reader
                    // looks at the list for longer than this before clicking, so the click is timed on an idle page.
                    await page.WaitForTimeoutAsync(1500).ConfigureAwait(false);
                    await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "window.__lcDrawnAt = undefined;" }).ConfigureAwait(false);
                    var start = await page.EvaluateAsync<double>("() => performance.now()").ConfigureAwait(false);
                    await page.Locator(".source-link").First.ClickAsync().ConfigureAwait(false);
                    await page.EvaluateAsync(Probe).ConfigureAwait(false);
                    await page.WaitForFunctionAsync("() => window.__lcDrawnAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 }).ConfigureAwait(false);
                    inApp.Add(await page.EvaluateAsync<double>("() => window.__lcDrawnAt").ConfigureAwait(false) - start);
                }
            }

            Console.WriteLine($"5,000-point light curve (g + r, ScatterGl), chromium {browser.Version}, {repeat} runs each:");
            Console.WriteLine("| navigation | p50 ms | p95 ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("first visit (empty cache)", cold);
            Row("  of which: plotly.js fetched and parsed", plotlyCold);
            Row("returning visit (cached scripts)", warm);
            Row("click from /sources (in-app, list page idle)", inApp);
        }

        await app.StopAsync().ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dataDir.Delete(recursive: true);
    }

    private static async Task<(double DrawnMs, double PlotlyMs)> TimeNavigationAsync(IPage page, string url)
    {
        await page.AddInitScriptAsync(Probe).ConfigureAwait(false);
        await page.GotoAsync(url).ConfigureAwait(false);
        await page.WaitForFunctionAsync("() => window.__lcDrawnAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 }).ConfigureAwait(false);
        var ms = await page.EvaluateAsync<double>("() => window.__lcDrawnAt").ConfigureAwait(false);
        var plotly = await page.EvaluateAsync<double>("() => window.__plotlyAt ?? -1").ConfigureAwait(false);
        await page.CloseAsync().ConfigureAwait(false);
        return (ms, plotly);
    }

    private static void Row(string name, List<double> ms)
    {
        var s = ms.Order().ToArray();
        double P(double p) => s[(int)Math.Round(p / 100 * (s.Length - 1))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {P(50):F0} | {P(95):F0} | {s[^1]:F0} |"));
    }

    private static Source DenseSource(string objId, int points)
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
}
