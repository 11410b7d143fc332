namespace ScopeWeb.Web.Sources;

/// <summary>
/// The plotly.js files Plotly.Blazor 7.2 loads, and a head script that starts loading them before the circuit is up.
/// </summary>
/// <remarks>
/// <c>PlotlyChart</c> imports its interop module and only then adds plotly.js (4.8 MB) as a script, once the circuit
/// has connected and the chart has rendered. Calling the same module's <c>importScript</c> with the same id and URL
/// from the prerendered page lets the browser fetch and parse plotly.js while blazor.web.js starts the circuit; the
/// chart's own call then finds the script in place (ES modules are singletons, so its ready flag is shared).
/// The paths follow the Plotly.Blazor version; after an upgrade the early load only misses, it cannot break charts.
/// </remarks>
public static class PlotlyAssets
{
    /// <summary>Plotly.Blazor's interop module, as PlotlyChart imports it.</summary>
    public const string InteropModule = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";

    /// <summary>The full plotly.js bundle (ScatterGl needs it; the basic bundle has no WebGL traces).</summary>
    public const string FullBundle = "./_content/Plotly.Blazor/plotly-3.7.0.min.js";

    /// <summary>Element id PlotlyChart gives the plotly.js script.</summary>
    public const string ScriptElementId = "plotly-import";

    /// <summary>Inline module script for the page head; errors are swallowed because the chart loads plotly.js anyway.</summary>
    public const string EarlyLoadScript =
        "<script type=\"module\" async>import(\"" + InteropModule + "\").then(m => m.importScript(\"" + ScriptElementId + "\", \"" + FullBundle + "\")).catch(() => {});</script>";

    /// <summary>
    /// For every other page: load plotly.js once the page is idle, so opening a source from the catalog finds it
    /// parsed already. Idle time only: the list's own scripts and first rows come first.
    /// </summary>
    public const string IdleLoadScript =
        "<script type=\"module\">const go = () => import(\"" + InteropModule + "\").then(m => m.importScript(\"" + ScriptElementId + "\", \"" + FullBundle + "\")).catch(() => {});"
        + "if ('requestIdleCallback' in window) { requestIdleCallback(go, { timeout: 4000 }); } else { setTimeout(go, 2000); }</script>";
}
