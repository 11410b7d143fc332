using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Setup;

namespace ScopeWeb.Browser.Tests;

/// <summary>
/// The real app on a real loopback port, on its embedded defaults (SQLite in a temp folder, simulated catalog),
/// plus Debian's chromium driven by Playwright. One per test run: chromium and Kestrel on 2 cores are costly.
/// </summary>
public sealed partial class AppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A source the tests add: 5,000 g/r points of a 0.5731 d RRab-like light curve.</summary>
    public const string DenseSourceId = "ZTFJ123456.78+123456.7";

    public const double DensePeriodDays = 0.5731;

    private DirectoryInfo? _dataDir;

    public WebApplication? App { get; private set; }
    public IPlaywright? Playwright { get; private set; }
    public IBrowser? Browser { get; private set; }
    public string BaseUrl { get; private set; } = "";

    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Path.Combine(RepositoryPaths.Root() ?? Directory.GetCurrentDirectory(), "TestResults", "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static bool HasChromium => File.Exists(ChromiumPath);

    public async Task InitializeAsync()
    {
        if (!HasChromium)
        {
            return;
        }

        _dataDir = Directory.CreateTempSubdirectory("scopeweb-browser-");
        var modelsDir = _dataDir.CreateSubdirectory("models").FullName;
        WriteOpposedModels(modelsDir);
        App = ScopeWebApp.Build([], b =>
        {
            b.Configuration["Models:Directory"] = modelsDir;
            b.Configuration["Training:OutputDirectory"] = Path.Combine(_dataDir.FullName, "trained");
            b.Configuration["Training:DatasetsDirectory"] = Path.Combine(_dataDir.FullName, "datasets");
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration["Database:DataDirectory"] = _dataDir.FullName;
            b.Configuration["Catalog:SimulatedSourcesOnFirstStart"] = "400";
        });
        await App.StartAsync();
        BaseUrl = App.Urls.First();
        await App.Services.GetRequiredService<CatalogSeeding>().Completion.WaitAsync(TimeSpan.FromMinutes(3));
        await App.Services.GetRequiredService<CatalogWriter>().WriteAsync([DenseSource()], ExistingSourcePolicy.Reject, atomic: true);

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // This machine has no network: chromium's background connections only fail and slow the start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>The tag whose two models the fixture installs.</summary>
    public const string DisagreeingTag = "vnv";

    /// <summary>
    /// Two real ONNX models for <see cref="DisagreeingTag"/> that the app's scoring job applies to the catalog: the DNN calls
    /// faint sources members, the XGB bright ones, so every source far from 17 mag is a disagreement.
    /// </summary>
    private static void WriteOpposedModels(string folder)
    {
        foreach (var (algorithm, sign) in new[] { (ModelAlgorithm.Dnn, 4f), (ModelAlgorithm.Xgb, -4f) })
        {
            var name = $"{DisagreeingTag}_{ModelRegistry.AlgorithmName(algorithm)}";
            var layer = new DenseLayer(1, 1, [sign], [-17f * sign], DenseActivation.Sigmoid);
            OnnxModelWriter.Write(OnnxModelWriter.BuildMlp([layer]), Path.Combine(folder, name + ".onnx"));
            new ModelCard
            {
                Tag = DisagreeingTag,
                Algorithm = algorithm,
                FeatureNames = ["median"],
                Scaling = new FeatureScaling { Method = ScalingMethod.None },
                Imputation = new Dictionary<string, FeatureImputation> { ["median"] = new() { Method = ImputationMethod.Zero } },
                UsesDmdt = false,
                Threshold = 0.7,
                Version = "browser-test-1",
                TrainingDataHash = "sha256:none",
                CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero),
                OnnxFile = name + ".onnx",
            }.Save(Path.Combine(folder, name + ".json"));
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dataDir?.Delete(recursive: true);
    }

    /// <summary>A fresh page whose console errors and failed requests go to <paramref name="log"/> (shown when a test fails).</summary>
    public async Task<IPage> NewPageAsync(Action<string>? log = null)
    {
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        if (log is not null)
        {
            var inner = log;
            log = line =>
            {
                try
                {
                    inner(line);
                }
                catch (InvalidOperationException)
                {
                    // The page outlived its test (xunit's output helper is closed); the line is not needed.
                }
            };

            page.Console += (_, m) => log($"console {m.Type}: {m.Text}");
            page.PageError += (_, e) => log($"page error: {e}");
            page.RequestFailed += (_, r) => log($"request failed: {r.Url} {r.Failure}");
            // Synchronous on purpose: an async handler still awaiting the browser when the page closes would throw on a
            // thread-pool thread and take the test host down.
            page.Response += (_, r) =>
            {
                if (r.Status >= 400)
                {
                    log($"HTTP {r.Status}: {r.Url}");
                }
            };
        }

        return page;
    }

    /// <summary>
    /// The page's plotly.js is the partial bundle and nothing fetched Plotly.Blazor's own bundles (the resource timing
    /// list keeps every fetch of the document, across in-app navigations); every drawn chart's traces kept their type
    /// (plotly.js turns a type it has no module for into scatter).
    /// </summary>
    public static async Task AssertPartialPlotlyAsync(IPage page)
    {
        var fetched = await page.EvaluateAsync<string[]>("() => performance.getEntriesByType('resource').map(e => e.name)");
        var blazorBundles = fetched.Where(url => PlotlyBlazorBundle().IsMatch(url)).ToList();
        Assert.True(blazorBundles.Count == 0, "fetched Plotly.Blazor's own plotly.js: " + string.Join(", ", blazorBundles));
        Assert.Contains(fetched, url => url.Contains("/lib/plotly/plotly-scopeweb-", StringComparison.Ordinal));
        Assert.Contains("/lib/plotly/plotly-scopeweb-", await page.EvaluateAsync<string>("() => document.getElementById('plotly-import').src"), StringComparison.Ordinal);
        var traceTypes = await page.EvaluateAsync<string[]>("() => Object.keys(Plotly.PlotSchema.get().traces).sort()");
        Assert.Equal(["bar", "scatter", "scattergl"], traceTypes);
        var drawn = await page.EvaluateAsync<string[][]>(
            "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => [gd.id, gd.data.map(t => t.type || 'scatter').join(','), gd._fullData.map(t => t.type).join(',')])");
        Assert.NotEmpty(drawn);
        Assert.All(drawn, chart => Assert.True(chart[1] == chart[2], $"#{chart[0]}: traces {chart[1]} drawn as {chart[2]}"));
    }

    [GeneratedRegex(@"/_content/Plotly\.Blazor/plotly-(?!interop)")]
    private static partial Regex PlotlyBlazorBundle();

    private static Source DenseSource()
    {
        var source = new Source
        {
            ObjId = DenseSourceId,
            RaDeg = 188.73658,
            DecDeg = 12.58242,
            Field = 523,
            Ccd = 7,
            Quad = 2,
            PeriodDays = DensePeriodDays,
            KnownClass = "RRab",
            Origin = "browser-test",
        };
        var rng = new Random(7);
        foreach (var (band, mean, amp) in new[] { ("g", 17.2, 0.9), ("r", 16.9, 0.6) })
        {
            var points = new List<PhotometryPoint>();
            for (var i = 0; i < 2500; i++)
            {
                var t = 58300 + (rng.NextDouble() * 1200);
                var phase = (t / DensePeriodDays) % 1.0;
                var mag = mean + (amp * (phase < 0.15 ? 0.5 - (phase / 0.15) : -0.5 + ((phase - 0.15) / 0.85)));
                points.Add(new PhotometryPoint(t, (float)(mag + (0.02 * (rng.NextDouble() - 0.5))), 0.02f));
            }

            source.LightCurves.Add(LightCurve.From(band, Photometry.FromPoints(points), DateTime.UtcNow));
        }

        return source;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "browser";
}
