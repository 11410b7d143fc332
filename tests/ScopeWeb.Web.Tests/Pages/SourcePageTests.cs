using System.Text.Json;
using Bunit;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Tests.Support;
using SourcePage = ScopeWeb.Web.Components.Pages.Sources.SourcePage;

namespace ScopeWeb.Web.Tests.Pages;

public class SourcePageTests : ScopeBunitContext
{
    private const string Rrab = "ZTFJ010203.45+123456.7";
    private const string Aperiodic = "ZTFJ235959.99-012345.6";
    private const string Unlabelled = "ZTFJ202020.20+202020.2";
    private const string PlotlyModule = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";

    public override async Task InitializeAsync()
    {
        var rrab = TestSources.Periodic(Rrab, 15.514375, 12.582417, "RRab", 0.5,
            bands: new Dictionary<string, int> { ["g"] = 30, ["r"] = 45, ["i"] = 12 }, flagged: 3, upperLimits: 2);
        rrab.Classifications.Add(TestSources.Score("vnv", "dnn", 0.97, "dnn-2024"));
        rrab.Classifications.Add(TestSources.Score("vnv", "xgb", 0.95, "xgb-2024"));
        rrab.Classifications.Add(TestSources.Score("rrlyr", "dnn", 0.81, "dnn-2024"));
        rrab.Annotations.Add(TestSources.Note("scope", "period_check", "ok", "kb"));
        rrab.Features = new SourceFeatures
        {
            ComputedAtUtc = TestSources.Now,
            ValuesJson = """{"amplitude": 0.41, "period": 0.5000012, "skew": null}""",
        };
        var aperiodic = TestSources.Periodic(Aperiodic, 359.9999, -1.3960, knownClass: null, periodDays: null);
        // Irregular sampling (unlike the fixed 0.731 d step of TestSources.Curve, which aliases 0.37 d onto 0.749 d).
        var rng = new Random(8);
        var unlabelled = new Source { ObjId = Unlabelled, RaDeg = 152.54, DecDeg = 10.17, Origin = "test" };
        unlabelled.LightCurves.Add(LightCurve.From("r", Photometry.FromPoints(Enumerable.Range(0, 120).Select(_ =>
        {
            var t = 58300 + (rng.NextDouble() * 400);
            return new PhotometryPoint(t, 16f + (0.4f * (float)Math.Sin(2 * Math.PI * t / 0.37)), 0.02f);
        }).ToList()), TestSources.Now));
        await Catalog.AddAsync(rrab, aperiodic, unlabelled);
    }

    private static void Eventually(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting until " + what);
            Thread.Sleep(20);
        }
    }

    private IRenderedComponent<SourcePage> RenderSource(string objId) => Render<SourcePage>(p => p.Add(x => x.ObjId, objId));

    private static PlotlyChart Chart(IRenderedComponent<SourcePage> cut, string id) =>
        cut.FindComponents<PlotlyChart>().Select(c => c.Instance).Single(c => c.Id == id);

    private static string Name(ITrace trace) => trace switch
    {
        Scatter s => s.Name,
        ScatterGl s => s.Name,
        Bar b => b.Name,
        _ => throw new InvalidOperationException(trace.GetType().Name),
    };

    private static double[] X(ITrace trace) => (trace switch
    {
        Scatter s => s.X,
        ScatterGl s => s.X,
        _ => throw new InvalidOperationException(trace.GetType().Name),
    }).Select(Convert.ToDouble).ToArray();

    [Fact]
    public async Task A_quarantined_source_says_why_and_how_it_is_retried()
    {
        await using (var db = Catalog.Factory.CreateDbContext())
        {
            var features = db.Features.Single(f => f.Source!.ObjId == Rrab);
            features.Error = "scores: model vnv_dnn gave a non-finite score";
            await db.SaveChangesAsync();
        }

        var cut = RenderSource(Rrab);

        cut.WaitForAssertion(() => Assert.Contains("Quarantined: scores: model vnv_dnn gave a non-finite score", cut.Find("#source-quarantined").TextContent, StringComparison.Ordinal));
        Assert.Contains("until its light curve changes", cut.Find("#source-quarantined").TextContent, StringComparison.Ordinal);
        Assert.Empty(RenderSource(Aperiodic).FindAll("#source-quarantined"));
    }

    [Fact]
    public void Light_curve_plot_has_one_detection_trace_per_band_plus_flagged_and_upper_limits()
    {
        var cut = RenderSource(Rrab);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#source-title")));
        var lc = Chart(cut, "lc-plot");
        var names = lc.Data.Select(Name).ToList();
        Assert.Equal(["g", "r", "i"], names.Where(n => !n.Contains(' ', StringComparison.Ordinal)));
        Assert.Contains("g flagged", names);
        Assert.Contains("r upper limit", names);
        var g = Assert.IsType<Scatter>(lc.Data[0]);
        Assert.Equal("green", g.Marker.Color);
        Assert.Equal(27, g.X.Count);   // 30 points, the last 3 flagged
        Assert.Equal(Plotly.Blazor.LayoutLib.YAxisLib.AutoRangeEnum.Reversed, lc.Layout.YAxis[0].AutoRange);
        Assert.True(lc.Config.Responsive);
        Assert.Contains("g: 32", cut.Find("#lc-summary").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Flagged_points_can_be_hidden()
    {
        var cut = RenderSource(Rrab);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#lc-show-flagged")));
        Assert.Contains("Show 9 flagged points", cut.Find("#fold-panel").ParentElement!.TextContent, StringComparison.Ordinal);

        cut.Find("#lc-show-flagged").Change(false);

        cut.WaitForAssertion(() => Assert.DoesNotContain(Chart(cut, "lc-plot").Data, t => Name(t).EndsWith("flagged", StringComparison.Ordinal)));
        Assert.DoesNotContain(Chart(cut, "fold-plot").Data, t => Name(t).EndsWith("flagged", StringComparison.Ordinal));
    }

    [Fact]
    public void Fold_starts_at_the_known_period_and_the_buttons_double_and_halve_it()
    {
        var cut = RenderSource(Rrab);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#fold-plot")));
        Assert.Equal("0.5", cut.Find("#period-input").GetAttribute("value"));
        Assert.Contains("P = 0.5 d", cut.Find("#fold-period").TextContent, StringComparison.Ordinal);
        var before = X(Chart(cut, "fold-plot").Data[0]);
        Assert.Equal(54, before.Length);   // 27 clean g points, twice
        Assert.All(before, x => Assert.InRange(x, 0.0, 1.99999999));

        cut.Find("#period-double").Click();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#period-input").GetAttribute("value")));
        Assert.Contains("P = 1 d", cut.Find("#fold-period").TextContent, StringComparison.Ordinal);
        var doubled = X(Chart(cut, "fold-plot").Data[0]);
        Assert.NotEqual(before, doubled);
        Assert.Contains("P = 1 d", Chart(cut, "fold-plot").Layout.XAxis[0].Title.Text, StringComparison.Ordinal);

        cut.Find("#period-half").Click();
        cut.Find("#period-half").Click();

        cut.WaitForAssertion(() => Assert.Equal("0.25", cut.Find("#period-input").GetAttribute("value")));
        Assert.NotEqual(before, X(Chart(cut, "fold-plot").Data[0]));
    }

    [Fact]
    public void Period_changes_re_send_only_the_fold_and_its_periodogram_marker()
    {
        var module = JSInterop.SetupModule(PlotlyModule);
        module.SetupVoid("importScript", _ => true).SetVoidResult();
        module.SetupVoid("newPlot", _ => true).SetVoidResult();
        module.SetupVoid("react", _ => true).SetVoidResult();
        module.SetupVoid("subscribeClickEvent", _ => true).SetVoidResult();
        var cut = RenderSource(Rrab);
        // The periodogram is searched on the thread pool after the light curve is drawn; allow for a busy machine.
        // The periodogram chart appears after the search; its newPlot comes after the last render, which bUnit's
        // WaitForAssertion would not re-check, so poll the recorded calls.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#periodogram-summary")), TimeSpan.FromSeconds(30));
        Eventually(() => module.Invocations["newPlot"].Count == 4, "lc, fold, scores and periodogram are drawn");
        var drawn = module.Invocations["newPlot"].Select(i => (string)i.Arguments[0]!).ToList();
        Assert.Equal(["fold-plot", "lc-plot", "periodogram-plot", "scores-plot"], drawn.Order(StringComparer.Ordinal));
        Assert.True(drawn.IndexOf("lc-plot") < drawn.IndexOf("fold-plot"), "the light curve is drawn before the fold");

        cut.Find("#period-double").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, module.Invocations["react"].Count));
        Assert.Equal(["fold-plot", "periodogram-plot"], module.Invocations["react"].Select(i => (string)i.Arguments[0]!).Order(StringComparer.Ordinal));
        var react = module.Invocations["react"].Single(i => (string)i.Arguments[0]! == "fold-plot");
        using var traces = JsonDocument.Parse(JsonSerializer.Serialize(react.Arguments[1]));
        Assert.Equal("g", traces.RootElement[0].GetProperty("name").GetString());
        Assert.Equal(54, traces.RootElement[0].GetProperty("x").GetArrayLength());
        Assert.Equal(4, module.Invocations["newPlot"].Count);   // nothing re-created
    }

    [Fact]
    public void Without_a_known_period_the_fold_uses_the_period_the_search_found()
    {
        var cut = RenderSource(Unlabelled);

        // 120 points of a 0.37 d sinusoid and no known period: the periodogram finds it.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#periodogram-summary")));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#fold-plot")));
        Assert.Empty(cut.FindAll("#fold-hint"));
        var period = double.Parse(cut.Find("#period-input").GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0.37, period, 0.37 * 0.01);
        Assert.Contains("found P = 0.3", cut.Find("#periodogram-summary").TextContent, StringComparison.Ordinal);

        cut.Find("#period-input").Change("0.7");

        cut.WaitForAssertion(() => Assert.Contains("P = 0.7 d", cut.Find("#fold-period").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_period_out_of_range_is_refused_with_a_message()
    {
        var cut = RenderSource(Rrab);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#fold-plot")));

        cut.Find("#period-input").Change("0");

        cut.WaitForAssertion(() => Assert.Contains("The period must be between", cut.Find("#period-problem").TextContent, StringComparison.Ordinal));
        Assert.Contains("P = 0.5 d", cut.Find("#fold-period").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Position_panel_shows_degrees_sexagesimal_field_class_and_period()
    {
        var cut = RenderSource(Rrab);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#position")));
        Assert.Equal("15.514375° (01:02:03.45)", cut.Find("#position-ra").TextContent.Trim());
        Assert.Equal("12.582417° (+12:34:56.7)", cut.Find("#position-dec").TextContent.Trim());
        var text = cut.Find("#position").TextContent;
        Assert.Contains("296/12/3", text, StringComparison.Ordinal);
        Assert.Contains("RRab", text, StringComparison.Ordinal);
        Assert.Contains("0.5 d", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scores_are_charted_as_grouped_horizontal_bars_and_tabulated()
    {
        var cut = RenderSource(Rrab);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#scores-plot")));

        var chart = Chart(cut, "scores-plot");
        Assert.Equal(["DNN", "XGB"], chart.Data.Select(Name));
        var dnn = Assert.IsType<Bar>(chart.Data[0]);
        Assert.Equal(Plotly.Blazor.Traces.BarLib.OrientationEnum.H, dnn.Orientation);
        Assert.Equal(Plotly.Blazor.LayoutLib.BarModeEnum.Group, chart.Layout.BarMode);
        var table = cut.Find("#scores-table").TextContent;
        Assert.Contains("vnv", table, StringComparison.Ordinal);
        Assert.Contains("0.970", table, StringComparison.Ordinal);
        Assert.Contains("dnn-2024, xgb-2024", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_and_annotations_are_listed()
    {
        var cut = RenderSource(Rrab);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#features-table")));

        var rows = cut.FindAll("#features-table tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent).ToArray()).ToList();
        Assert.Equal([["amplitude", "0.41"], ["period", "0.500001"], ["skew", "NaN"]], rows);
        var annotation = cut.Find("#annotations-list tr.annotation").TextContent;
        Assert.Contains("scope", annotation, StringComparison.Ordinal);
        Assert.Contains("period_check", annotation, StringComparison.Ordinal);
        Assert.Contains("ok", annotation, StringComparison.Ordinal);
        Assert.Contains("kb", annotation, StringComparison.Ordinal);
        Assert.Contains("2026-11-20 12:00 UTC", annotation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_without_results_says_so()
    {
        var cut = RenderSource(Aperiodic);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#features-table")));
        Assert.Contains("not computed yet", cut.Find("#features-table").TextContent, StringComparison.Ordinal);
        Assert.Contains("No classifications yet", cut.Find("#scores-panel").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#scores-plot"));
        Assert.Contains("No annotations yet", cut.Find("#annotations-list").TextContent, StringComparison.Ordinal);
        Assert.Equal("359.999900° (23:59:59.98)", cut.Find("#position-ra").TextContent.Trim());
    }

    [Fact]
    public void Unknown_source_shows_not_found()
    {
        var cut = RenderSource("ZTFJ000000.00+000000.0");

        cut.WaitForAssertion(() => Assert.Contains("Source not found", cut.Find("#source-not-found").TextContent, StringComparison.Ordinal));
        Assert.Contains("ZTFJ000000.00+000000.0", cut.Find("#source-not-found").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindComponents<PlotlyChart>());
    }

    [Fact]
    public async Task Large_light_curves_are_drawn_with_WebGL()
    {
        var big = TestSources.Periodic("ZTFJ101010.10+101010.1", 152.54, 10.17, "EW", 0.3,
            bands: new Dictionary<string, int> { ["g"] = 2500, ["r"] = 2500 });
        await Catalog.AddAsync(big);

        var cut = RenderSource(big.ObjId);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#fold-plot")));
        Assert.All(Chart(cut, "lc-plot").Data, t => Assert.IsType<ScatterGl>(t));
        Assert.Equal(2500, X(Chart(cut, "lc-plot").Data[0]).Length);
        Assert.Equal(5000, X(Chart(cut, "fold-plot").Data[0]).Length);
    }
}
