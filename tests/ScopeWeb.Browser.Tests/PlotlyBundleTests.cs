using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ScopeWeb.Browser.Tests;

/// <summary>
/// The charts run on the partial plotly.js bundle (wwwroot/lib/plotly, built by tools/plotly/build.sh): Plotly.Blazor's
/// full 4.8 MB bundle is never fetched, whether a chart page is opened cold or reached in the app.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PlotlyBundleTests(AppFixture app, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_source_url_opened_in_a_fresh_tab_draws_its_plots_with_the_partial_bundle()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var errors = new List<string>();
        var page = await app.NewPageAsync(Log(errors));

        await page.GotoAsync(app.BaseUrl + "/sources/" + Uri.EscapeDataString(AppFixture.DenseSourceId));
        foreach (var plot in new[] { "lc-plot", "fold-plot", "periodogram-plot" })
        {
            await page.Locator($"#{plot} .main-svg").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        }

        await page.WaitForFunctionAsync("() => { const d = document.getElementById('lc-plot').data; return d && d.length >= 2; }");
        await AppFixture.AssertPartialPlotlyAsync(page);
        var lcTypes = await page.EvaluateAsync<string[]>("() => document.getElementById('lc-plot')._fullData.map(t => t.type)");
        Assert.Contains("scattergl", lcTypes);
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task A_source_opened_from_the_list_before_the_idle_load_still_gets_the_partial_bundle()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var errors = new List<string>();
        var page = await app.NewPageAsync(Log(errors));
        // The list page loads plotly.js when idle; without idle time only the charts' own call can place the partial bundle.
        await page.AddInitScriptAsync("window.requestIdleCallback = () => 0;");

        await page.GotoAsync(app.BaseUrl + "/sources");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelectorAll('.source-link').length > 0");
        await page.WaitForTimeoutAsync(300);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('#plotly-import').length"));

        await page.Locator(".source-link").First.ClickAsync();
        await page.WaitForURLAsync(new Regex("/sources/ZTFJ"));
        await page.Locator("#lc-plot .main-svg").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await page.Locator("#fold-plot .main-svg").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await AppFixture.AssertPartialPlotlyAsync(page);
        Assert.Empty(errors);
    }

    /// <summary>Every line goes to the test output; console errors, page errors and failed requests also to <paramref name="errors"/>.</summary>
    private Action<string> Log(List<string> errors) => line =>
    {
        output.WriteLine(line);
        if (line.StartsWith("console error", StringComparison.Ordinal) || line.StartsWith("page error", StringComparison.Ordinal)
            || line.StartsWith("request failed", StringComparison.Ordinal) || line.StartsWith("HTTP ", StringComparison.Ordinal))
        {
            lock (errors)
            {
                errors.Add(line);
            }
        }
    };
}
