using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ScopeWeb.Browser.Tests;

/// <summary>An astronomer's walk through the catalog in a real chromium: list, filter, open, re-fold.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SourcePagesTests(AppFixture app, ITestOutputHelper output)
{
    /// <summary>The input element of a MudBlazor field, whether the id landed on the input or on its wrapper.</summary>
    private static ILocator Input(IPage page, string id) => page.Locator($"#{id}").Locator("xpath=descendant-or-self::input").First;

    private static async Task WaitForCircuitAsync(IPage page)
    {
        // Blazor's prerendered HTML is inert until the circuit connects; the grid's rows arrive through it.
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelectorAll('.source-link').length > 0");
        await page.WaitForTimeoutAsync(300);
    }

    [SkippableFact]
    public async Task Filter_the_catalog_open_a_source_and_refold_it()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var page = await app.NewPageAsync(output.WriteLine);

        await page.GotoAsync(app.BaseUrl + "/sources");
        await WaitForCircuitAsync(page);
        var total = ParseCount(await page.Locator("#sources-total").InnerTextAsync());
        Assert.True(total >= 400, $"the simulated catalog is listed (total shown: {total})");

        await Input(page, "filter-min-period").FillAsync("0.4");
        await Input(page, "filter-max-period").FillAsync("0.9");
        await page.Locator("#filter-apply").ClickAsync();
        // Blazor navigates in-page; poll location rather than wait for a navigation event.
        await page.WaitForFunctionAsync("() => /minPeriod=0\\.4.*maxPeriod=0\\.9/.test(location.href)");
        await page.WaitForFunctionAsync($"() => {{ const t = document.querySelector('#sources-total'); return t && t.innerText.replace(/[^0-9]/g, '') !== '{total}'; }}");
        var filtered = ParseCount(await page.Locator("#sources-total").InnerTextAsync());
        Assert.InRange(filtered, 1, total - 1);

        // Reloading the URL keeps the filter: the state lives in the query string.
        await page.ReloadAsync();
        await WaitForCircuitAsync(page);
        Assert.Equal(filtered, ParseCount(await page.Locator("#sources-total").InnerTextAsync()));
        Assert.Equal("0.4", await Input(page, "filter-min-period").InputValueAsync());

        var link = page.Locator(".source-link").First;
        var objId = (await link.InnerTextAsync()).Trim();
        await link.ClickAsync();
        await page.WaitForURLAsync(new Regex("/sources/ZTFJ"));
        await page.Locator("#lc-plot .main-svg").First.WaitForAsync();
        await page.Locator("#fold-plot .main-svg").First.WaitForAsync();
        Assert.Contains(objId, await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);

        var period = double.Parse(await Input(page, "period-input").InputValueAsync(), CultureInfo.InvariantCulture);
        Assert.InRange(period, 0.4, 0.9);
        var before = await FoldedXAsync(page);

        await page.Locator("#period-double").ClickAsync();
        await page.WaitForFunctionAsync(
            "before => { const d = document.getElementById('fold-plot').data; return d && d.length > 0 && JSON.stringify(Array.from(d[0].x).slice(0, 20)) !== before; }",
            System.Text.Json.JsonSerializer.Serialize(before.Take(20)));
        var doubled = double.Parse(await Input(page, "period-input").InputValueAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(2 * period, doubled, 6);
        var after = await FoldedXAsync(page);
        Assert.Equal(before.Length, after.Length);
        Assert.All(after, x => Assert.InRange(x, 0, 2));

        // The periodogram: clicking a peak folds at that period (a plotly_click as plotly.js emits it).
        await page.Locator("#periodogram-plot .main-svg").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Contains("found P =", await page.Locator("#periodogram-summary").InnerTextAsync(), StringComparison.Ordinal);
        await page.EvaluateAsync("() => document.getElementById('periodogram-plot').emit('plotly_click', { points: [{ x: 0.61, y: 0.5, curveNumber: 0, pointNumber: 3, pointIndex: 3, fullData: { index: 0 } }] })");
        await page.WaitForFunctionAsync("() => document.querySelector('#fold-period').innerText.includes('P = 0.61 d')");
        Assert.Equal("0.61", await Input(page, "period-input").InputValueAsync());

        var shot = Path.Combine(AppFixture.ArtifactsDirectory, "source-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
    }

    [SkippableFact]
    public async Task A_5000_point_light_curve_is_drawn_with_webgl()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var page = await app.NewPageAsync(output.WriteLine);

        await page.GotoAsync(app.BaseUrl + "/sources/" + Uri.EscapeDataString(AppFixture.DenseSourceId));
        await page.Locator("#lc-plot .main-svg").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => { const d = document.getElementById('lc-plot').data; return d && d.length >= 2; }");

        var traces = await page.EvaluateAsync<TraceInfo[]>(
            "() => document.getElementById('lc-plot').data.map(t => ({ type: t.type, name: t.name || '', points: t.x ? t.x.length : 0 }))");
        Assert.Equal(5000, traces.Sum(t => t.Points));
        Assert.All(traces.Where(t => t.Points > 1000), t => Assert.Equal("scattergl", t.Type));
        // What the user sees: brighter (smaller) magnitudes at the top of the drawn axis.
        var range = await page.EvaluateAsync<double[]>("() => document.getElementById('lc-plot')._fullLayout.yaxis.range");
        Assert.True(range[0] > range[1], $"magnitude axis is inverted (range {range[0]} → {range[1]})");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppFixture.ArtifactsDirectory, "dense-light-curve.png") });
    }

    private static async Task<double[]> FoldedXAsync(IPage page) =>
        await page.EvaluateAsync<double[]>("() => Array.from(document.getElementById('fold-plot').data[0].x)");

    private static int ParseCount(string text) =>
        int.Parse(DigitsRegex().Match(text.Replace(",", "", StringComparison.Ordinal)).Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\d+")]
    private static partial Regex DigitsRegex();

    public sealed class TraceInfo
    {
        public string Type { get; set; } = "";
        public string Name { get; set; } = "";
        public int Points { get; set; }
    }
}
