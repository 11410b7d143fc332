using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Plotly.Blazor;

namespace ScopeWeb.Web.Components.Shared;

/// <summary>
/// A component that owns one <see cref="PlotlyChart"/>. <see cref="PlotlyChart"/> draws once, on its first render,
/// and never re-renders; this base sends the traces again (Plotly.react) only after <see cref="Replace"/>
/// gave it new ones, so ordinary re-renders of the page cost nothing on the wire.
/// </summary>
public abstract class PlotComponentBase : ComponentBase
{
    private bool _rendered;
    private bool _stale;
    private bool _loaderCalled;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>The chart, set by <c>@ref</c>.</summary>
    protected PlotlyChart? Chart { get; set; }

    /// <summary>Traces handed to the chart.</summary>
    protected IList<ITrace> Traces { get; private set; } = [];

    /// <summary>Layout handed to the chart.</summary>
    protected Plotly.Blazor.Layout PlotLayout { get; private set; } = new();

    /// <summary>Config handed to the chart.</summary>
    protected Config PlotConfig { get; } = Sources.LightCurveTraces.PlotConfig();

    public override Task SetParametersAsync(ParameterView parameters)
    {
        if (!_loaderCalled && RendererInfo.IsInteractive)
        {
            // Before the first render creates the PlotlyChart: its constructor-time import of Plotly.Blazor's interop
            // module, and the request for the full bundle that follows, must reach the browser after this call.
            _loaderCalled = true;
            _ = LoadPartialPlotlyAsync();
        }

        return base.SetParametersAsync(parameters);
    }

    /// <summary>New traces and layout; drawn by the chart's first render, or by Plotly.react after it.</summary>
    protected void Replace(IList<ITrace> traces, Plotly.Blazor.Layout layout)
    {
        Traces = traces;
        PlotLayout = layout;
        _stale = _rendered;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // The chart's own first render calls newPlot with the current traces.
            _rendered = true;
            _stale = false;
            return;
        }

        if (_stale && Chart is not null)
        {
            _stale = false;
            try
            {
                await Chart.React();
            }
            catch (JSDisconnectedException)
            {
                // The browser left; nothing to draw on.
            }
        }
    }

    /// <summary>
    /// Puts the partial plotly.js bundle in place before the chart asks for the full one (see PlotlyAssets). Chart pages
    /// do so from their head already; this covers a chart on any other page reached in the app before the idle load.
    /// A no-op in the browser once plotly.js is placed.
    /// </summary>
    private async Task LoadPartialPlotlyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync(Sources.PlotlyAssets.LoadFunction);
        }
        catch (JSDisconnectedException)
        {
            // The browser left; nothing to draw on.
        }
        catch (JSException)
        {
            // No loader on the page: the chart loads Plotly.Blazor's full bundle itself, slower but drawn.
        }
        catch (TaskCanceledException)
        {
            // The circuit went away while the call was pending.
        }
    }
}
