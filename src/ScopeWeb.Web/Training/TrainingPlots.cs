using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using ScopeWeb.Training;
using ScopeWeb.Training.Metrics;

namespace ScopeWeb.Web.Training;

/// <summary>Plotly traces of a training run: loss and validation AUC per step, and the test ROC curve.</summary>
public static class TrainingPlots
{
    public static IList<ITrace> Curves(IReadOnlyList<TrainingStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var x = steps.Select(s => (object)s.Step).ToList();
        static List<object> Values(IEnumerable<double> v) => v.Select(d => double.IsFinite(d) ? (object)d : null!).ToList();
        return
        [
            new Scatter { Name = "training loss", Mode = ModeFlag.Lines | ModeFlag.Markers, X = x, Y = Values(steps.Select(s => s.TrainLoss)), Line = new Line { Color = "#1f3b73" } },
            new Scatter { Name = "validation loss", Mode = ModeFlag.Lines | ModeFlag.Markers, X = x, Y = Values(steps.Select(s => s.ValidationLoss)), Line = new Line { Color = "#ff9800" } },
            new Scatter { Name = "validation AUC", Mode = ModeFlag.Lines | ModeFlag.Markers, X = x, Y = Values(steps.Select(s => s.ValidationAuc)), YAxis = "y2", Line = new Line { Color = "#2e7d32" } },
        ];
    }

    public static Plotly.Blazor.Layout CurvesLayout(string stepName) => new()
    {
        XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = stepName } }],
        YAxis =
        [
            new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "binary cross-entropy" } },
            new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "AUC" }, Overlaying = "y", Side = Plotly.Blazor.LayoutLib.YAxisLib.SideEnum.Right, Range = [0.5, 1.0] },
        ],
        Margin = new Margin { L = 60, R = 60, T = 20, B = 50 },
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.12m, X = 0m }],
        UiRevision = "training-curves",
    };

    public static IList<ITrace> Roc(ClassificationMetrics test)
    {
        ArgumentNullException.ThrowIfNull(test);
        return
        [
            new Scatter
            {
                Name = $"test ROC (AUC {test.RocAuc:F3})",
                Mode = ModeFlag.Lines,
                X = test.RocCurve.Select(p => (object)p.FalsePositiveRate).ToList(),
                Y = test.RocCurve.Select(p => (object)p.TruePositiveRate).ToList(),
                Line = new Line { Color = "#d32f2f" },
            },
            new Scatter { Name = "chance", Mode = ModeFlag.Lines, X = [0.0, 1.0], Y = [0.0, 1.0], Line = new Line { Color = "#999", Dash = "dot" }, HoverInfo = HoverInfoFlag.Skip },
        ];
    }

    public static Plotly.Blazor.Layout RocLayout() => new()
    {
        XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "false positive rate" }, Range = [0.0, 1.0] }],
        YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "true positive rate" }, Range = [0.0, 1.0] }],
        Margin = new Margin { L = 60, R = 10, T = 20, B = 50 },
        ShowLegend = false,
        UiRevision = "training-roc",
    };
}
