using System.Text.Json;
using Plotly.Blazor.Traces;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Sources;

namespace ScopeWeb.Web.Tests.Sources;

public class PeriodogramTracesTests
{
    private static PeriodSearchResult Search(double periodDays)
    {
        var rng = new Random(4);
        var points = Enumerable.Range(0, 150).Select(_ =>
        {
            var t = 58300 + (rng.NextDouble() * 600);
            return new PhotometryPoint(t, 17f + (0.4f * (float)Math.Sin(2 * Math.PI * t / periodDays)) + (0.02f * (float)rng.NextDouble()), 0.02f);
        }).ToList();
        return new FeatureExtractor().SearchPeriod(new Dictionary<string, Photometry> { ["r"] = Photometry.FromPoints(points) })!;
    }

    [Fact]
    public void Periodogram_is_drawn_against_period_with_the_found_peak_marked()
    {
        var result = Search(0.3711);

        var traces = PeriodogramTraces.Traces(result, foldPeriodDays: null);

        var power = (Scatter)traces[0];
        Assert.Equal(PeriodogramTraces.PowerTraceName, power.Name);
        Assert.Equal(result.Periodogram.FrequencyPerDay.Length, power.X.Count);
        Assert.Equal(1.0 / result.Periodogram.FrequencyPerDay[0], (double)power.X[0]);
        var found = (Scatter)traces[1];
        Assert.Equal(0.3711, (double)found.X.Single(), 0.3711 * 0.01);
        Assert.Equal(2, traces.Count);
        Assert.Equal(Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log, PeriodogramTraces.Layout(result).XAxis[0].Type);
    }

    [Fact]
    public void The_fold_period_is_marked_with_a_vertical_line()
    {
        var traces = PeriodogramTraces.Traces(Search(0.3711), foldPeriodDays: 0.7422);
        var line = (Scatter)traces[2];
        Assert.Equal([0.7422, 0.7422], line.X.Cast<double>());
    }

    [Fact]
    public void A_click_yields_the_clicked_period()
    {
        Assert.Equal(0.5, PeriodogramTraces.PeriodFromClick(0.5));
        Assert.Equal(1.25, PeriodogramTraces.PeriodFromClick(JsonDocument.Parse("1.25").RootElement));
        Assert.Equal(2.5, PeriodogramTraces.PeriodFromClick("2.5"));
        Assert.Null(PeriodogramTraces.PeriodFromClick(-1.0));
        Assert.Null(PeriodogramTraces.PeriodFromClick("x"));
        Assert.Null(PeriodogramTraces.PeriodFromClick(null));
    }
}
