using System.Globalization;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;
using GlErrorY = Plotly.Blazor.Traces.ScatterGlLib.ErrorY;
using GlErrorYType = Plotly.Blazor.Traces.ScatterGlLib.ErrorYLib.TypeEnum;
using GlMarker = Plotly.Blazor.Traces.ScatterGlLib.Marker;
using GlMode = Plotly.Blazor.Traces.ScatterGlLib.ModeFlag;
using GlSymbol = Plotly.Blazor.Traces.ScatterGlLib.MarkerLib.SymbolEnum;
using SvgErrorY = Plotly.Blazor.Traces.ScatterLib.ErrorY;
using SvgErrorYType = Plotly.Blazor.Traces.ScatterLib.ErrorYLib.TypeEnum;
using SvgMarker = Plotly.Blazor.Traces.ScatterLib.Marker;
using SvgMode = Plotly.Blazor.Traces.ScatterLib.ModeFlag;
using SvgSymbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum;

namespace ScopeWeb.Web.Sources;

/// <summary>How a light-curve point is drawn.</summary>
public enum LightCurvePointKind
{
    /// <summary>A clean detection (catflags 0): filled circle with error bar.</summary>
    Detection,

    /// <summary>A detection with catflags ≠ 0: hollow circle, grey error bar; can be hidden.</summary>
    Flagged,

    /// <summary>A non-detection: downward triangle at the limiting magnitude, lighter, no error bar.</summary>
    UpperLimit,
}

/// <summary>
/// Builds the Plotly traces and layouts of the light-curve and phase-folded plots from <see cref="Photometry"/>:
/// one trace per band and point kind (clean detections, flagged detections, upper limits), band colours,
/// error bars, an inverted magnitude axis, and WebGL (<see cref="ScatterGl"/>) for traces above
/// <see cref="WebGlThreshold"/> points, SVG (<see cref="Scatter"/>) below.
/// </summary>
/// <remarks>
/// Payloads are kept lean: numbers go over the circuit as plain arrays (times rounded to 1e-5 d ≈ 0.9 s,
/// magnitudes as float), detections carry their error once more in <c>customdata</c> for the hover text
/// (Plotly hover templates cannot read <c>error_y</c>), and flagged points alone carry their catflags.
/// </remarks>
public static class LightCurveTraces
{
    /// <summary>Traces with more points than this are drawn with WebGL.</summary>
    public const int WebGlThreshold = 1000;

    /// <summary>Decimals kept for times and phases (1e-5 d is under a second).</summary>
    private const int XDecimals = 5;

    private const string FlaggedErrorColor = "#b0b0b0";

    // Distinct from the named band colours; picked by a stable hash for bands we do not know.
    private static readonly string[] FallbackColors = ["#1f77b4", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#8c564b"];

    /// <summary>True when a trace of <paramref name="pointCount"/> points is drawn with WebGL.</summary>
    public static bool UsesWebGl(int pointCount) => pointCount > WebGlThreshold;

    /// <summary>Colour of a band: g green, r red, i dark orange, u dark violet, z saddle brown, y teal; others from a fixed palette.</summary>
    public static string BandColor(string band)
    {
        ArgumentNullException.ThrowIfNull(band);
        return band switch
        {
            "g" => "green",
            "r" => "red",
            "i" => "darkorange",
            "u" => "darkviolet",
            "z" => "saddlebrown",
            "y" => "teal",
            _ => FallbackColors[StableHash(band) % FallbackColors.Length],
        };
    }

    /// <summary>Legend name of a trace: the band for clean detections, "band flagged", "band upper limit".</summary>
    public static string TraceName(string band, LightCurvePointKind kind) => kind switch
    {
        LightCurvePointKind.Flagged => band + " flagged",
        LightCurvePointKind.UpperLimit => band + " upper limit",
        _ => band,
    };

    /// <summary>Traces against time (MJD); flagged points only when <paramref name="showFlagged"/>.</summary>
    public static IList<ITrace> TimeTraces(IReadOnlyDictionary<string, Photometry> curves, bool showFlagged = true)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var traces = new List<ITrace>();
        foreach (var (band, photometry) in OrderedBands(curves))
        {
            foreach (var kind in Kinds(showFlagged))
            {
                var idx = Select(photometry, kind);
                if (idx.Count == 0)
                {
                    continue;
                }

                var x = new object[idx.Count];
                for (var k = 0; k < idx.Count; k++)
                {
                    x[k] = Math.Round(photometry.Mjd[idx[k]], XDecimals);
                }

                traces.Add(ToTrace(band, kind, x, photometry, idx, repeat: 1, "MJD %{x:.5f}"));
            }
        }

        return traces;
    }

    /// <summary>
    /// Phase-folded traces (see <see cref="PhaseFolding"/>): x is the phase in [0, 2), every point appearing twice,
    /// at its phase and at its phase plus one.
    /// </summary>
    public static IList<ITrace> FoldedTraces(IReadOnlyDictionary<string, Photometry> curves, double periodDays, double epochMjd, bool showFlagged = true)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (!PhaseFolding.IsValidPeriod(periodDays))
        {
            throw new ArgumentOutOfRangeException(nameof(periodDays), periodDays,
                $"The fold period must be between {PhaseFolding.MinPeriodDays.ToString(CultureInfo.InvariantCulture)} and {PhaseFolding.MaxPeriodDays.ToString(CultureInfo.InvariantCulture)} days.");
        }

        var traces = new List<ITrace>();
        foreach (var (band, photometry) in OrderedBands(curves))
        {
            foreach (var kind in Kinds(showFlagged))
            {
                var idx = Select(photometry, kind);
                if (idx.Count == 0)
                {
                    continue;
                }

                var n = idx.Count;
                var x = new object[n * PhaseFolding.Cycles];
                for (var k = 0; k < n; k++)
                {
                    var phase = PhaseFolding.Phase(photometry.Mjd[idx[k]], periodDays, epochMjd);
                    x[k] = Math.Round(phase, XDecimals);
                    x[k + n] = Math.Round(phase + 1.0, XDecimals);
                }

                traces.Add(ToTrace(band, kind, x, photometry, idx, repeat: PhaseFolding.Cycles, "phase %{x:.4f}"));
            }
        }

        return traces;
    }

    /// <summary>Layout of the light curve against time: magnitude axis reversed (brighter up).</summary>
    public static Layout TimeLayout() => BaseLayout("MJD", xRange: null, uiRevision: "lc");

    /// <summary>Layout of the folded light curve: phase 0–2, magnitude axis reversed.</summary>
    public static Layout FoldLayout(double periodDays) =>
        BaseLayout($"phase (P = {SourceFormat.FoldPeriodDays(periodDays)} d)", xRange: [0.0, 2.0], uiRevision: "fold");

    /// <summary>Chart configuration shared by the source page's plots.</summary>
    public static Config PlotConfig() => new()
    {
        Responsive = true,
        DisplayLogo = false,
        ShowSendToCloud = false,
        ShowEditInChartStudio = false,
    };

    private static Layout BaseLayout(string xTitle, object[]? xRange, string uiRevision) => new()
    {
        XAxis =
        [
            new XAxis
            {
                Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = xTitle },
                Range = xRange,
                ZeroLine = false,
            },
        ],
        YAxis =
        [
            new YAxis
            {
                Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "magnitude" },
                AutoRange = Plotly.Blazor.LayoutLib.YAxisLib.AutoRangeEnum.Reversed,
                ZeroLine = false,
            },
        ],
        HoverMode = HoverModeEnum.Closest,
        Margin = new Margin { L = 60, R = 10, T = 30, B = 50 },
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom, X = 0m }],

        // Keeps the user's zoom when the traces are replaced (period change, flagged toggle).
        UiRevision = uiRevision,
    };

    private static IEnumerable<KeyValuePair<string, Photometry>> OrderedBands(IReadOnlyDictionary<string, Photometry> curves) =>
        curves.OrderBy(kv => SourceCatalog.BandOrder(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal);

    private static IEnumerable<LightCurvePointKind> Kinds(bool showFlagged)
    {
        yield return LightCurvePointKind.Detection;
        if (showFlagged)
        {
            yield return LightCurvePointKind.Flagged;
        }

        yield return LightCurvePointKind.UpperLimit;
    }

    /// <summary>Indices of the points of one kind; points without a finite time or magnitude are left out.</summary>
    private static List<int> Select(Photometry p, LightCurvePointKind kind)
    {
        var idx = new List<int>();
        for (var i = 0; i < p.Count; i++)
        {
            if (!double.IsFinite(p.Mjd[i]) || !float.IsFinite(p.Mag[i]))
            {
                continue;
            }

            var pointKind = p.IsUpperLimit[i] ? LightCurvePointKind.UpperLimit
                : p.CatFlags[i] != 0 ? LightCurvePointKind.Flagged
                : LightCurvePointKind.Detection;
            if (pointKind == kind)
            {
                idx.Add(i);
            }
        }

        return idx;
    }

    /// <summary>Magnitudes, errors and flags of the selected points, repeated <paramref name="repeat"/> times to match x.</summary>
    private static ITrace ToTrace(string band, LightCurvePointKind kind, object[] x, Photometry p, List<int> idx, int repeat, string xHover)
    {
        var n = idx.Count;
        var y = new object[n * repeat];
        var err = kind == LightCurvePointKind.UpperLimit ? null : new object[n * repeat];
        var custom = kind == LightCurvePointKind.Flagged ? new object[n * repeat] : null;
        for (var r = 0; r < repeat; r++)
        {
            for (var k = 0; k < n; k++)
            {
                var i = idx[k];
                var at = (r * n) + k;
                y[at] = p.Mag[i];
                if (err is not null)
                {
                    // NaN cannot travel as JSON; null leaves the bar out.
                    err[at] = float.IsFinite(p.MagErr[i]) ? p.MagErr[i] : null!;
                }

                if (custom is not null)
                {
                    custom[at] = new object[] { err![at], p.CatFlags[i] };
                }
            }
        }

        var name = TraceName(band, kind);
        var hover = kind switch
        {
            LightCurvePointKind.Flagged => $"{xHover}<br>%{{y:.3f}} ± %{{customdata[0]:.3f}} mag<br>catflags %{{customdata[1]}}<extra>{name}</extra>",
            LightCurvePointKind.UpperLimit => $"{xHover}<br>fainter than %{{y:.2f}} mag<extra>{name}</extra>",
            _ => $"{xHover}<br>%{{y:.3f}} ± %{{customdata:.3f}} mag<extra>{name}</extra>",
        };
        IList<object>? customData = kind switch
        {
            LightCurvePointKind.Flagged => custom,
            LightCurvePointKind.Detection => err!,
            _ => null,
        };
        var color = BandColor(band);
        return UsesWebGl(x.Length)
            ? new ScatterGl
            {
                Name = name,
                LegendGroup = band,
                Mode = GlMode.Markers,
                X = x,
                Y = y,
                CustomData = customData,
                HoverTemplate = hover,
                Marker = new GlMarker
                {
                    Color = color,
                    Symbol = kind switch
                    {
                        LightCurvePointKind.Flagged => GlSymbol.CircleOpen,
                        LightCurvePointKind.UpperLimit => GlSymbol.TriangleDown,
                        _ => GlSymbol.Circle,
                    },
                    Size = kind == LightCurvePointKind.UpperLimit ? 7 : 5,
                    Opacity = Opacity(kind),
                },
                ErrorY = err is null ? null : new GlErrorY
                {
                    Type = GlErrorYType.Data,
                    Array = err!,
                    Visible = true,
                    Color = kind == LightCurvePointKind.Flagged ? FlaggedErrorColor : color,
                    Thickness = 1,
                    Width = 0,
                },
            }
            : new Scatter
            {
                Name = name,
                LegendGroup = band,
                Mode = SvgMode.Markers,
                X = x,
                Y = y,
                CustomData = customData,
                HoverTemplate = hover,
                Marker = new SvgMarker
                {
                    Color = color,
                    Symbol = kind switch
                    {
                        LightCurvePointKind.Flagged => SvgSymbol.CircleOpen,
                        LightCurvePointKind.UpperLimit => SvgSymbol.TriangleDown,
                        _ => SvgSymbol.Circle,
                    },
                    Size = kind == LightCurvePointKind.UpperLimit ? 8 : 6,
                    Opacity = Opacity(kind),
                },
                ErrorY = err is null ? null : new SvgErrorY
                {
                    Type = SvgErrorYType.Data,
                    Array = err!,
                    Visible = true,
                    Color = kind == LightCurvePointKind.Flagged ? FlaggedErrorColor : color,
                    Thickness = 1,
                    Width = 0,
                },
            };
    }

    private static decimal Opacity(LightCurvePointKind kind) => kind switch
    {
        LightCurvePointKind.UpperLimit => 0.4m,
        LightCurvePointKind.Flagged => 0.8m,
        _ => 1m,
    };

    /// <summary>FNV-1a over the characters: string.GetHashCode is randomised per process, colours must not be.</summary>
    private static int StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
        {
            h = (h ^ c) * 16777619u;
        }

        return (int)(h & 0x7fffffff);
    }
}
