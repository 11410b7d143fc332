using Bunit;
using ScopeWeb.Training.Metrics;
using ScopeWeb.Web.Components.Shared;
using ScopeWeb.Web.Sources;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Components;

public class PlotComponentBaseTests : ScopeBunitContext
{
    [Fact]
    public void A_chart_places_the_partial_plotly_bundle_before_its_plotly_chart_imports_the_full_one()
    {
        // PlotlyChart imports Plotly.Blazor's interop module and asks it for the full bundle; the partial bundle must
        // be in place first (see PlotlyAssets), so the loader call has to reach the browser ahead of that import.
        var calls = new List<string>();
        JSInterop.SetupVoid(PlotlyAssets.LoadFunction, _ => Record(calls, "load")).SetVoidResult();
        var module = JSInterop.SetupModule(invocation => invocation.Arguments.Count > 0
            && (string?)invocation.Arguments[0] == PlotlyAssets.InteropModule
            && Record(calls, "import"));
        module.SetupVoid("importScript", _ => true).SetVoidResult();
        module.SetupVoid("newPlot", _ => true).SetVoidResult();

        Render<RocPlot>(p => p.Add(c => c.Test, ClassificationMetrics.Compute([0.1f, 0.4f, 0.35f, 0.8f], [0f, 0f, 1f, 1f])));

        // bUnit completes every JS call at once, so the chart has drawn by the time Render returns.
        Assert.Single(module.Invocations["newPlot"]);
        Assert.Equal(["load", "import"], calls.Distinct());
        Assert.Single(JSInterop.Invocations[PlotlyAssets.LoadFunction]);
    }

    private static bool Record(List<string> calls, string name)
    {
        lock (calls)
        {
            calls.Add(name);
        }

        return true;
    }
}
