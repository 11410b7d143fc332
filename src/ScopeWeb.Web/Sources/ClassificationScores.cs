using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Web.Sources;

/// <summary>A tag's scores, one per algorithm (<c>dnn</c>, <c>xgb</c>, …), and the model versions that produced them.</summary>
public sealed record ScoreRow(string Tag, IReadOnlyDictionary<string, double> ScoreByAlgorithm, string ModelVersions)
{
    /// <summary>The score of <paramref name="algorithm"/>, or null when that classifier has not scored this tag.</summary>
    public double? Score(string algorithm) => ScoreByAlgorithm.TryGetValue(algorithm, out var s) ? s : null;
}

/// <summary>
/// The classification scores of a source as a table and as a grouped horizontal bar chart
/// (one bar per algorithm within each tag), as SCoPe reports a DNN and an XGB score per tag.
/// </summary>
public static class ClassificationScores
{
    /// <summary>Rows by tag (ordinal order).</summary>
    public static IReadOnlyList<ScoreRow> Rows(IEnumerable<Classification> classifications)
    {
        ArgumentNullException.ThrowIfNull(classifications);
        return classifications
            .GroupBy(c => c.Tag, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ScoreRow(
                g.Key,
                g.GroupBy(c => c.Algorithm, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Max(c => c.Score), StringComparer.Ordinal),
                string.Join(", ", g.Select(c => c.ModelVersion).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))))
            .ToList();
    }

    /// <summary>Algorithms present in the rows: <c>dnn</c>, <c>xgb</c> first, then others alphabetically.</summary>
    public static IReadOnlyList<string> Algorithms(IEnumerable<ScoreRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.SelectMany(r => r.ScoreByAlgorithm.Keys)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(a => a switch { "dnn" => 0, "xgb" => 1, _ => 2 })
            .ThenBy(a => a, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Display name of an algorithm: DNN, XGB, or the name capitalised.</summary>
    public static string AlgorithmLabel(string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return algorithm switch
        {
            "dnn" => "DNN",
            "xgb" => "XGB",
            "" => "",
            _ => char.ToUpperInvariant(algorithm[0]) + algorithm[1..],
        };
    }

    /// <summary>One horizontal bar trace per algorithm; a tag the algorithm has not scored gets no bar.</summary>
    public static IList<ITrace> Traces(IReadOnlyList<ScoreRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var tags = rows.Select(r => (object)r.Tag).ToArray();
        return Algorithms(rows).Select(algorithm => (ITrace)new Bar
        {
            Name = AlgorithmLabel(algorithm),
            Orientation = Plotly.Blazor.Traces.BarLib.OrientationEnum.H,
            Y = tags,
            X = rows.Select(r => r.Score(algorithm) is { } s ? (object)Math.Round(s, 4) : null!).ToArray(),
            CustomData = rows.Select(r => (object)r.ModelVersions).ToArray(),
            HoverTemplate = "%{y}: %{x:.3f}<br>model %{customdata}<extra>" + AlgorithmLabel(algorithm) + "</extra>",
            Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = AlgorithmColor(algorithm) },
        }).ToList();
    }

    /// <summary>Grouped bars, score axis 0–1, first tag at the top; the height grows with the number of tags.</summary>
    public static Layout Layout(IReadOnlyList<ScoreRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var bars = Math.Max(1, Algorithms(rows).Count);
        return new Layout
        {
            BarMode = BarModeEnum.Group,
            Height = 70 + (rows.Count * ((14 * bars) + 12)),
            XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "score" }, Range = [0.0, 1.0] }],
            YAxis = [new YAxis { AutoRange = Plotly.Blazor.LayoutLib.YAxisLib.AutoRangeEnum.Reversed, AutoMargin = Plotly.Blazor.LayoutLib.YAxisLib.AutoMarginFlag.True }],
            Margin = new Margin { L = 80, R = 10, T = 30, B = 40 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom, X = 0m }],
        };
    }

    private static string AlgorithmColor(string algorithm) => algorithm switch
    {
        "dnn" => "#1f77b4",
        "xgb" => "#ff7f0e",
        _ => "#7f7f7f",
    };
}
