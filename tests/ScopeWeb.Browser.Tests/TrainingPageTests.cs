using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ScopeWeb.Core.Classifiers;
using Xunit.Abstractions;

namespace ScopeWeb.Browser.Tests;

/// <summary>An admin trains a classifier from the browser, watches it, reads its metrics and promotes it.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class TrainingPageTests(AppFixture app, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Train_on_the_catalog_watch_the_run_and_promote_the_model()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        // Training reads the catalog's features; on a fresh app the feature job may still be computing them.
        var features = app.App!.Services.GetRequiredService<ScopeWeb.Core.FeatureExtraction.FeatureJobStatus>();
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (features.LastCompletedUtc is null || features.IsRunning)
        {
            Assert.True(wait.Elapsed < TimeSpan.FromMinutes(3), "the feature job finished");
            await Task.Delay(200);
        }

        var page = await app.NewPageAsync(output.WriteLine);
        await page.GotoAsync(app.BaseUrl + "/training");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('#start-training')");
        await page.WaitForTimeoutAsync(500);

        // Tag: periodic instead of the default variable; algorithm: the trees (seconds, not minutes).
        await page.Locator("#tags").ClickAsync();
        await page.GetByText("pnp — periodic").ClickAsync();
        await page.GetByText("vnv — variable").ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Locator(".mud-select:has(#algorithm)").First.ClickAsync();
        await page.GetByText("XGB (gradient-boosted trees)").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#start-training').textContent.includes('Start 1 run')");
        await page.Locator("#start-training").ClickAsync();

        await page.Locator("#start-message").WaitForAsync();
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.run-row')].some(r => r.textContent.includes('pnp') && /succeeded|failed|cancelled/.test(r.textContent))",
            null, new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 500 });
        var state = await page.Locator(".run-row").First.TextContentAsync() ?? "";
        var error = await page.Locator("#run-error").CountAsync() > 0 ? await page.Locator("#run-error").TextContentAsync() : "";
        Assert.True(state.Contains("succeeded", StringComparison.Ordinal), state + " " + error);

        // The run's curves, metrics and confusion matrix.
        await page.Locator("#training-curves .main-svg").First.WaitForAsync();
        await page.Locator("#roc-plot .main-svg").First.WaitForAsync();
        await AppFixture.AssertPartialPlotlyAsync(page);
        var auc = double.Parse((await page.Locator("#metrics-test td").Nth(6).InnerTextAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(auc, 0.8, 1.0);
        Assert.Matches(new Regex(@"^\d+$"), (await page.Locator("#cm-tp").InnerTextAsync()).Trim());
        Assert.Contains("\"tag\":\"pnp\"", await page.Locator("#run-parameters").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppFixture.ArtifactsDirectory, "training-page.png"), FullPage = true });

        // Promote: the registry serves it without a restart.
        await page.Locator(".promote-run").First.ClickAsync();
        await page.Locator("#promote-message").WaitForAsync();
        Assert.Contains("promoted", await page.Locator("#promote-message").InnerTextAsync(), StringComparison.Ordinal);
        var registry = app.App!.Services.GetRequiredService<ModelRegistry>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!registry.Models.Any(m => m.ScoreColumn == "pnp_xgb"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the registry picked up the promoted model");
            await Task.Delay(100);
        }

        Assert.True(File.Exists(Path.Combine(app.App.Services.GetRequiredService<IOptions<ModelRegistryOptions>>().Value.Directory, "pnp_xgb.json")));
    }
}
