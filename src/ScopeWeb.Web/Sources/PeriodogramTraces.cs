using System.Globalization;
using System.Text.Json;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;

namespace ScopeWeb.Web.Sources;

/// <summary>Plotly traces of a periodogram against period (log axis), with the search's chosen peak and the fold period marked.</summary>
public static class PeriodogramTraces
{
    /// <summary>Name of the trace holding the periodogram itself (the one a click picks a period from).</summary>
    public const string PowerTraceName = "periodogram";

    public static IList<ITrace> Traces(PeriodSearchResult result, double? foldPeriodDays)
    {
        var p = result.Periodogram;
        var n = p.FrequencyPerDay.Length;
        var x = new object[n];
        var y = new object[n];
        for (var i = 0; i < n; i++)
        {
            // Ascending frequency is descending period; plotly sorts nothing, lines follow array order.
            x[i] = 1.0 / p.FrequencyPerDay[i];
            y[i] = p.Power[i];
        }

        var traces = new List<ITrace>
        {
            new Scatter
            {
                Name = PowerTraceName,
                Mode = ModeFlag.Lines,
                X = x,
                Y = y,
                Line = new Line { Color = "#1f3b73", Width = 1 },
                HoverTemplate = "P = %{x:.6f} d<br>power %{y:.4f}<extra></extra>",
            },
            new Scatter
            {
                Name = $"found: {SourceFormat.PeriodDays(result.PeriodDays)} d ({result.Algorithm})",
                Mode = ModeFlag.Markers,
                X = [result.PeriodDays],
                Y = [PowerAt(p, 1.0 / result.PeriodDays)],
                Marker = new Marker { Color = "#d32f2f", Size = 12, Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Star },
                HoverTemplate = "found P = %{x:.6f} d<extra></extra>",
            },
        };

        if (foldPeriodDays is { } fold && double.IsFinite(fold) && fold > 0)
        {
            traces.Add(new Scatter
            {
                Name = $"folded at {SourceFormat.PeriodDays(fold)} d",
                Mode = ModeFlag.Lines,
                X = [fold, fold],
                Y = [0.0, MaxPower(p)],
                Line = new Line { Color = "#ff9800", Width = 2, Dash = "dash" },
                HoverInfo = HoverInfoFlag.Skip,
            });
        }

        return traces;
    }

    public static Plotly.Blazor.Layout Layout(PeriodSearchResult result) => new()
    {
        XAxis =
        [
            new XAxis
            {
                Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "period (d)" },
                Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log,
            },
        ],
        YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = result.Periodogram.Algorithm + " power" } }],
        HoverMode = HoverModeEnum.Closest,
        Margin = new Margin { L = 60, R = 10, T = 30, B = 50 },
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom, X = 0m }],
        UiRevision = "periodogram",
    };

    /// <summary>The period a click on the chart picks: the clicked point's x, if it is a positive number.</summary>
    public static double? PeriodFromClick(object? x) => x switch
    {
        double d when double.IsFinite(d) && d > 0 => d,
        float f when float.IsFinite(f) && f > 0 => f,
        decimal m when m > 0 => (double)m,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.GetDouble() > 0 => e.GetDouble(),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 => v,
        _ => null,
    };

    private static double PowerAt(Periodogram p, double frequency)
    {
        var i = Array.BinarySearch(p.FrequencyPerDay, frequency);
        i = i < 0 ? Math.Clamp(~i, 0, p.FrequencyPerDay.Length - 1) : i;

        // The display periodogram is decimated; the nearest kept sample may sit just off the peak.
        var lo = Math.Max(0, i - 2);
        var hi = Math.Min(p.Power.Length - 1, i + 2);
        var best = double.NegativeInfinity;
        for (var k = lo; k <= hi; k++)
        {
            best = Math.Max(best, p.Power[k]);
        }

        return best;
    }

    private static double MaxPower(Periodogram p) => p.Power.Length == 0 ? 1 : p.Power.Max();
}
