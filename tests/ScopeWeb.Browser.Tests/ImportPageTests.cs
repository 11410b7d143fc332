using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ScopeWeb.Browser.Tests;

/// <summary>
/// Uploading light curves from the browser: a good file lands in the catalog; a bad row or a damaged gzip imports nothing
/// and the page says why; repeated rows are counted in the summary.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportPageTests(AppFixture app, ITestOutputHelper output)
{
    private static string WriteCsv(string name, string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("scopeweb-upload-").FullName, name);
        File.WriteAllText(path, content, Encoding.UTF8);
        return path;
    }

    private static string GoodCsv(string objId)
    {
        var sb = new StringBuilder("oid,hjd,fid,magpsf,sigmapsf,catflags\n");
        for (var i = 0; i < 60; i++)
        {
            var t = 59000.0 + (i * 1.37);
            sb.Append(CultureInfo.InvariantCulture, $"{objId},{t:F5},{1 + (i % 2)},{17.0 + (0.3 * Math.Sin(t / 0.61)):F4},0.03,0\n");
        }

        return sb.ToString();
    }

    private async Task<IPage> OpenImportPageAsync()
    {
        var page = await app.NewPageAsync(output.WriteLine);
        await page.GotoAsync(app.BaseUrl + "/import");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await page.Locator("#choose-lightcurves").WaitForAsync();
        return page;
    }

    /// <summary>
    /// Chooses a file and waits until the circuit has taken it (the import button enables). A choice made before the
    /// circuit is connected is lost with the prerendered input, so it is repeated until it takes.
    /// </summary>
    private static async Task ChooseAsync(IPage page, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            await page.Locator(".lightcurve-upload input[type=file]").SetInputFilesAsync(path);
            try
            {
                await page.Locator("#import-button:not([disabled])").WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }

    [SkippableFact]
    public async Task An_uploaded_csv_lands_in_the_catalog_and_links_to_its_source()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var page = await OpenImportPageAsync();

        await ChooseAsync(page, WriteCsv("alerts.csv", GoodCsv("ZTF21browser")));
        await page.Locator("#import-button").ClickAsync();

        await page.Locator("#import-summary").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var summary = await page.Locator("#import-summary").InnerTextAsync();
        Assert.Contains("Imported 60 points of 1 sources (1 created, 0 updated) from alerts.csv", summary, StringComparison.Ordinal);
        await page.Locator("#imported-sources a", new PageLocatorOptions { HasText = "ZTF21browser" }).ClickAsync();
        await page.Locator("#lc-plot .main-svg").First.WaitForAsync();
        var bands = await page.EvaluateAsync<string[]>("() => document.getElementById('lc-plot').data.map(t => t.name)");
        Assert.Contains(bands, b => b.StartsWith('g'));
        Assert.Contains(bands, b => b.StartsWith('r'));
    }

    [SkippableFact]
    public async Task A_bad_row_imports_nothing_and_names_file_row_and_column()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var page = await OpenImportPageAsync();
        var csv = GoodCsv("ZTF21badrow") + "ZTF21badrow,59100.5,1,not-a-mag,0.03,0\n";

        await ChooseAsync(page, WriteCsv("broken.csv", csv));
        await page.Locator("#import-button").ClickAsync();

        await page.Locator("#import-error").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var error = await page.Locator("#import-error").InnerTextAsync();
        Assert.Contains("broken.csv", error, StringComparison.Ordinal);
        Assert.Contains("row 61", error, StringComparison.Ordinal);
        Assert.Contains("magpsf", error, StringComparison.Ordinal);

        await page.GotoAsync(app.BaseUrl + "/sources/ZTF21badrow");
        await page.Locator("#source-not-found").WaitForAsync();
    }

    [SkippableFact]
    public async Task A_gzip_cut_short_imports_nothing_and_the_page_names_the_file()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var page = await OpenImportPageAsync();
        var text = GoodCsv("ZTF21cutshort");
        var path = Path.Combine(Directory.CreateTempSubdirectory("scopeweb-upload-").FullName, "cut.csv.gz");
        await File.WriteAllBytesAsync(path, HostileLightCurveFiles.GzipCutAfter(text[..^3], text[^3..]));

        await ChooseAsync(page, path);
        await page.Locator("#import-button").ClickAsync();

        await page.Locator("#import-error").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var error = await page.Locator("#import-error").InnerTextAsync();
        Assert.Contains("Nothing was imported. cut.csv.gz: the gzip data is truncated", error, StringComparison.Ordinal);
        await page.GotoAsync(app.BaseUrl + "/sources/ZTF21cutshort");
        await page.Locator("#source-not-found").WaitForAsync();
    }

    [SkippableFact]
    public async Task Repeated_rows_are_counted_per_file_in_the_summary()
    {
        Skip.IfNot(AppFixture.HasChromium, "Debian chromium is not installed (/usr/bin/chromium); scripts/test.sh installs it.");
        var page = await OpenImportPageAsync();
        var csv = GoodCsv("ZTF21repeats") + "ZTF21repeats,59000.00000,1,17.2500,0.03,0\n";

        await ChooseAsync(page, WriteCsv("repeats.csv", csv));
        await page.Locator("#import-button").ClickAsync();

        await page.Locator("#import-summary").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Contains(
            "Duplicates: 0 exact repeats collapsed; 1 conflicting rows (same object, band and time, different mag or error) kept.",
            await page.Locator("#import-summary").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("repeats.csv: 0 exact (collapsed), 1 conflicting (kept)", await page.Locator("#import-duplicates-by-file").InnerTextAsync(), StringComparison.Ordinal);
    }
}
