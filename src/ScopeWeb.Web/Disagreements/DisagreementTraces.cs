using System.Globalization;
using System.Text.Json;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterGlLib;
using ScopeWeb.Core.Disagreements;

namespace ScopeWeb.Web.Disagreements;

/// <summary>
/// The DNN-versus-XGB score scatter of one tag: agreeing sources in grey, each kind of disagreement in its own colour,
/// the thresholds as lines. Points are WebGL (scattergl) so a sampled 20,000-point scatter stays interactive.
/// </summary>
public sealed class DisagreementTraces
{
    private readonly ScorePair[][] _pointsByTrace;

    private DisagreementTraces(ScorePair[][] pointsByTrace, IList<ITrace> traces, Plotly.Blazor.Layout layout)
    {
        _pointsByTrace = pointsByTrace;
        Traces = traces;
        Layout = layout;
    }

    public IList<ITrace> Traces { get; }

    public Plotly.Blazor.Layout Layout { get; }

    /// <summary>Builds the traces; trace order is agreeing, DNN only, XGB only.</summary>
    public static DisagreementTraces Build(string tag, ScoreScatter scatter, DisagreementCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(scatter);
        ArgumentNullException.ThrowIfNull(criteria);
        var groups = new List<ScorePair>[3] { [], [], [] };
        foreach (var p in scatter.Points)
        {
            var index = p.DnnScore >= criteria.High && p.XgbScore <= criteria.Low ? 1
                : p.XgbScore >= criteria.High && p.DnnScore <= criteria.Low ? 2
                : 0;
            groups[index].Add(p);
        }

        var names = new[] { "no strong disagreement", "DNN ≥ high, XGB ≤ low", "XGB ≥ high, DNN ≤ low" };
        var colours = new[] { "rgba(120,120,120,0.45)", "#d32f2f", "#1976d2" };
        var traces = new List<ITrace>();
        for (var t = 0; t < 3; t++)
        {
            var points = groups[t];
            traces.Add(new ScatterGl
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{names[t]} ({points.Count:N0})"),
                Mode = ModeFlag.Markers,
                X = points.Select(p => (object)p.DnnScore).ToList(),
                Y = points.Select(p => (object)p.XgbScore).ToList(),
                TextArray = points.Select(p => p.ObjId).ToList(),
                Marker = new Marker { Color = colours[t], Size = t == 0 ? 5 : 8 },
                HoverTemplate = "%{text}<br>DNN %{x:.3f} · XGB %{y:.3f}<extra></extra>",
            });
        }

        var title = string.Create(
            CultureInfo.InvariantCulture,
            $"{tag}: {scatter.TotalPairs:N0} sources scored by both{(scatter.Sampled ? $" (showing {scatter.Points.Count:N0}: every disagreement and a sample)" : "")}");
        var layout = new Plotly.Blazor.Layout
        {
            Title = new Plotly.Blazor.LayoutLib.Title { Text = title, Font = new Plotly.Blazor.LayoutLib.TitleLib.Font { Size = 13 } },
            XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "DNN score" }, Range = [-0.02, 1.02] }],
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "XGB score" }, Range = [-0.02, 1.02], ScaleAnchor = "x" }],
            HoverMode = HoverModeEnum.Closest,
            Margin = new Margin { L = 60, R = 10, T = 40, B = 50 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.2m, X = 0m }],
            Shapes =
            [
                Line(criteria.High, vertical: true),
                Line(criteria.Low, vertical: true),
                Line(criteria.High, vertical: false),
                Line(criteria.Low, vertical: false),
            ],
            UiRevision = "disagreements-" + tag,
        };
        return new DisagreementTraces(groups.Select(g => g.ToArray()).ToArray(), traces, layout);
    }

    /// <summary>The source of a clicked point: by trace and point number, else by its hover text (the object id).</summary>
    public string? ObjIdAt(object? curveNumber, object? pointNumber, object? text)
    {
        if (AsIndex(curveNumber) is { } curve && AsIndex(pointNumber) is { } point
            && curve < _pointsByTrace.Length && point < _pointsByTrace[curve].Length)
        {
            return _pointsByTrace[curve][point].ObjId;
        }

        return text switch
        {
            string s when s.Length > 0 => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
    }

    private static int? AsIndex(object? value) => value switch
    {
        int i when i >= 0 => i,
        long l when l is >= 0 and <= int.MaxValue => (int)l,
        decimal m when m >= 0 && m == decimal.Truncate(m) => (int)m,
        double d when d >= 0 && d == Math.Floor(d) => (int)d,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) && i >= 0 => i,
        _ => null,
    };

    private static Shape Line(double at, bool vertical) => new()
    {
        Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
        XRef = vertical ? "x" : "paper",
        YRef = vertical ? "paper" : "y",
        X0 = vertical ? at : 0,
        X1 = vertical ? at : 1,
        Y0 = vertical ? 0 : at,
        Y1 = vertical ? 1 : at,
        Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "#888", Width = 1, Dash = "dot" },
    };
}
