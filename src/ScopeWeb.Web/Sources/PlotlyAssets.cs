namespace ScopeWeb.Web.Sources;

/// <summary>
/// The plotly.js ScopeWeb serves instead of Plotly.Blazor's: a partial bundle with only the trace types the charts use
/// (scatter, scattergl, bar; built by tools/plotly/build.sh), 1.5 MB instead of the full 4.8 MB.
/// </summary>
/// <remarks>
/// <c>PlotlyChart</c> imports Plotly.Blazor's interop module and calls its <c>importScript(id, url)</c> with the full
/// bundle's URL. That function keeps an existing element with the same id when the element's <c>data-original-src</c>
/// equals the URL asked for, and replaces it otherwise; it sets the module's ready flag (which holds back newPlot) only
/// when a script it added has loaded. So the head script below calls the same function (ES modules are singletons, the
/// flag is shared) with the partial bundle, then marks the element with the full bundle's URL: the chart's own call
/// then keeps it and draws once it has loaded. It must run before any chart's call: chart pages run it from their
/// head, every other page when idle, and <see cref="Components.Shared.PlotComponentBase"/> once more before its chart's
/// first render (for in-app navigation that beats the idle callback). After a Plotly.Blazor upgrade the URLs below no
/// longer match and charts fall back to the full bundle; the browser tests fail if it is ever requested.
/// </remarks>
public static class PlotlyAssets
{
    /// <summary>Plotly.Blazor's interop module, as PlotlyChart imports it.</summary>
    public const string InteropModule = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";

    /// <summary>The full plotly.js bundle PlotlyChart asks for (never fetched while the partial bundle is in place).</summary>
    public const string FullBundle = "./_content/Plotly.Blazor/plotly-3.7.0.min.js";

    /// <summary>The partial bundle under wwwroot/ (resolve it through the app's asset map for a fingerprinted URL).</summary>
    public const string PartialBundle = "lib/plotly/plotly-scopeweb-3.7.0.min.js";

    /// <summary>Element id PlotlyChart gives the plotly.js script.</summary>
    public const string ScriptElementId = "plotly-import";

    /// <summary>The global function that places the partial bundle (idempotent); JS interop calls it by this name.</summary>
    public const string LoadFunction = "scopeWebPlotly.load";

    /// <summary>For chart pages' head: start loading plotly.js now, while blazor.web.js starts the circuit.</summary>
    public const string LoadNowScript = "<script>" + LoadFunction + "();</script>";

    /// <summary>
    /// Classic inline script for the document head, ahead of the HeadOutlet: defines <see cref="LoadFunction"/> and
    /// calls it once the page is idle, so opening a source from the catalog finds plotly.js parsed already (idle time
    /// only: the list's own scripts and first rows come first). Errors are swallowed: the chart then loads plotly.js itself.
    /// </summary>
    /// <param name="partialBundleUrl">URL of <see cref="PartialBundle"/>.</param>
    public static string HeadScript(string partialBundleUrl) =>
        "<script>window.scopeWebPlotly = (() => { let started = false; return { load: () => {"
        + " if (started) { return; } started = true;"
        + " import(\"" + InteropModule + "\").then(m => {"
        + " if (document.getElementById(\"" + ScriptElementId + "\")) { return; }"
        + " const loaded = m.importScript(\"" + ScriptElementId + "\", \"" + partialBundleUrl + "\");"
        + " document.getElementById(\"" + ScriptElementId + "\").dataset.originalSrc = \"" + FullBundle + "\";"
        + " return loaded; }).catch(() => {}); } }; })();"
        + " if ('requestIdleCallback' in window) { requestIdleCallback(() => scopeWebPlotly.load(), { timeout: 4000 }); }"
        + " else { setTimeout(() => scopeWebPlotly.load(), 2000); }</script>";
}
