using System.Text.Json;
using System.Text.Json.Serialization;
using Plotly.Blazor.Traces;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Web.Sources;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Sources;

public class LightCurveTracesTests
{
    private static readonly JsonSerializerOptions PlotlyJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The trace as plotly.js receives it (Plotly.Blazor serialises with System.Text.Json, nulls left out).</summary>
    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value, value.GetType(), PlotlyJson);

    private static Dictionary<string, Photometry> Curves(params (string Band, Photometry Photometry)[] bands) =>
        bands.ToDictionary(b => b.Band, b => b.Photometry, StringComparer.Ordinal);

    [Fact]
    public void Each_band_gets_one_detection_trace_in_its_colour_in_g_r_i_order()
    {
        var curves = Curves(("i", TestSources.Curve(10, 0.5, 15f)), ("g", TestSources.Curve(10, 0.5, 16f)), ("r", TestSources.Curve(10, 0.5, 15.5f)));

        var traces = LightCurveTraces.TimeTraces(curves);

        Assert.Equal(["g", "r", "i"], traces.Select(t => Json(t).GetProperty("name").GetString()));
        Assert.Equal(["green", "red", "darkorange"], traces.Select(t => Json(t).GetProperty("marker").GetProperty("color").GetString()));
    }

    [Fact]
    public void Other_bands_get_colours_distinct_from_g_r_i_and_stable()
    {
        string[] others = ["u", "z", "y", "w", "Ks"];
        var colours = others.Select(LightCurveTraces.BandColor).ToList();

        Assert.DoesNotContain(colours, c => c is "green" or "red" or "darkorange");
        Assert.Equal(3, colours.Take(3).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(LightCurveTraces.BandColor("Ks"), LightCurveTraces.BandColor("Ks"));
    }

    [Fact]
    public void Detections_carry_error_bars_and_the_error_in_the_hover_text()
    {
        var p = Photometry.FromPoints([new PhotometryPoint(58200.123456789, 16.25f, 0.031f), new PhotometryPoint(58201, 16.5f, float.NaN)]);

        var trace = Assert.IsType<Scatter>(Assert.Single(LightCurveTraces.TimeTraces(Curves(("g", p)))));

        var json = Json(trace);
        Assert.Equal("data", json.GetProperty("error_y").GetProperty("type").GetString());
        Assert.True(json.GetProperty("error_y").GetProperty("visible").GetBoolean());
        Assert.Equal(0.031, json.GetProperty("error_y").GetProperty("array")[0].GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error_y").GetProperty("array")[1].ValueKind);  // NaN error: no bar, valid JSON
        Assert.Equal(58200.12346, json.GetProperty("x")[0].GetDouble());                               // 1e-5 d is enough
        Assert.Equal(16.25, json.GetProperty("y")[0].GetDouble());
        var hover = json.GetProperty("hovertemplate").GetString()!;
        Assert.Contains("MJD %{x:.5f}", hover, StringComparison.Ordinal);
        Assert.Contains("%{y:.3f}", hover, StringComparison.Ordinal);
        Assert.Contains("%{customdata:.3f}", hover, StringComparison.Ordinal);
        Assert.Equal(0.031, json.GetProperty("customdata")[0].GetDouble(), 6);
    }

    [Fact]
    public void Upper_limits_are_lighter_downward_triangles_without_error_bars()
    {
        var traces = LightCurveTraces.TimeTraces(Curves(("r", TestSources.Curve(5, 0.5, 16f, upperLimits: 3))));

        Assert.Equal(["r", "r upper limit"], traces.Select(t => Json(t).GetProperty("name").GetString()));
        var limits = Json(traces[1]);
        Assert.Equal("triangle-down", limits.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal("red", limits.GetProperty("marker").GetProperty("color").GetString());
        Assert.True(limits.GetProperty("marker").GetProperty("opacity").GetDouble() < 1);
        Assert.False(limits.TryGetProperty("error_y", out _));
        Assert.Equal(3, limits.GetProperty("y").GetArrayLength());
        Assert.All(limits.GetProperty("y").EnumerateArray(), y => Assert.Equal(20.5, y.GetDouble()));
        Assert.Equal("r", limits.GetProperty("legendgroup").GetString());
    }

    [Fact]
    public void Flagged_detections_get_their_own_hollow_trace_which_can_be_left_out()
    {
        var curves = Curves(("g", TestSources.Curve(20, 0.5, 16f, flagged: 4)));

        var shown = LightCurveTraces.TimeTraces(curves, showFlagged: true);
        var hidden = LightCurveTraces.TimeTraces(curves, showFlagged: false);

        Assert.Equal(["g", "g flagged"], shown.Select(t => Json(t).GetProperty("name").GetString()));
        var clean = Json(shown[0]);
        var flagged = Json(shown[1]);
        Assert.Equal(16, clean.GetProperty("x").GetArrayLength());
        Assert.Equal(4, flagged.GetProperty("x").GetArrayLength());
        Assert.Equal("circle-open", flagged.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal("circle", clean.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal(32768, flagged.GetProperty("customdata")[0][1].GetInt32());   // catflags in the hover
        Assert.Contains("catflags", flagged.GetProperty("hovertemplate").GetString(), StringComparison.Ordinal);

        Assert.Equal(["g"], hidden.Select(t => Json(t).GetProperty("name").GetString()));
        Assert.Equal(16, Json(hidden[0]).GetProperty("x").GetArrayLength());
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(1001, true)]
    [InlineData(5000, true)]
    public void Traces_above_1000_points_use_WebGL(int points, bool webGl)
    {
        var traces = LightCurveTraces.TimeTraces(Curves(("g", TestSources.Curve(points, 0.5, 16f)), ("r", TestSources.Curve(40, 0.5, 16f))));

        Assert.Equal(webGl ? "scattergl" : "scatter", Json(traces[0]).GetProperty("type").GetString());
        Assert.Equal(webGl ? typeof(ScatterGl) : typeof(Scatter), traces[0].GetType());
        Assert.IsType<Scatter>(traces[1]);   // decided per trace
        Assert.Equal(points, Json(traces[0]).GetProperty("x").GetArrayLength());
    }

    [Fact]
    public void WebGL_traces_keep_colours_error_bars_and_triangles()
    {
        var traces = LightCurveTraces.TimeTraces(Curves(("i", TestSources.Curve(1500, 0.5, 16f, upperLimits: 1200))));

        var detections = Json(Assert.IsType<ScatterGl>(traces[0]));
        var limits = Json(Assert.IsType<ScatterGl>(traces[1]));
        Assert.Equal("darkorange", detections.GetProperty("marker").GetProperty("color").GetString());
        Assert.Equal(1500, detections.GetProperty("error_y").GetProperty("array").GetArrayLength());
        Assert.Equal("triangle-down", limits.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.False(limits.TryGetProperty("error_y", out _));
    }

    [Fact]
    public void Magnitude_axis_is_reversed_so_brighter_is_up()
    {
        var time = Json(LightCurveTraces.TimeLayout());
        var fold = Json(LightCurveTraces.FoldLayout(0.5));

        Assert.Equal("reversed", time.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal("reversed", fold.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal("MJD", time.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal([0.0, 2.0], fold.GetProperty("xaxis").GetProperty("range").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Contains("P = 0.5 d", fold.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Config_is_responsive_without_the_plotly_logo()
    {
        var config = Json(LightCurveTraces.PlotConfig());

        Assert.True(config.GetProperty("responsive").GetBoolean());
        Assert.False(config.GetProperty("displaylogo").GetBoolean());
    }

    [Fact]
    public void Folding_draws_each_point_twice_with_phases_in_zero_to_two()
    {
        var p = TestSources.Curve(300, 0.61, 16f);
        var epoch = PhaseFolding.Epoch([p]);

        var folded = Json(Assert.Single(LightCurveTraces.FoldedTraces(Curves(("g", p)), 0.61, epoch)));

        var x = folded.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var y = folded.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(600, x.Length);
        Assert.Equal(600, y.Length);
        Assert.Equal(600, folded.GetProperty("error_y").GetProperty("array").GetArrayLength());
        Assert.All(x, phase => Assert.InRange(phase, 0.0, 1.99999999));
        for (var k = 0; k < 300; k++)
        {
            Assert.InRange(x[k], 0.0, 0.99999999);
            Assert.Equal(x[k] + 1.0, x[k + 300], 2e-5);
            Assert.Equal(y[k], y[k + 300]);
        }

        Assert.Contains("phase", folded.GetProperty("hovertemplate").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Doubling_or_halving_the_period_moves_the_folded_points()
    {
        var p = TestSources.Curve(50, 0.61, 16f);
        var curves = Curves(("g", p));
        var epoch = PhaseFolding.Epoch([p]);
        double[] FoldedX(double period) =>
            Json(LightCurveTraces.FoldedTraces(curves, period, epoch)[0]).GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        var atP = FoldedX(0.61);
        var atDouble = FoldedX(PhaseFolding.Double(0.61));
        var atHalf = FoldedX(PhaseFolding.Half(0.61));

        Assert.NotEqual(atP, atDouble);
        Assert.NotEqual(atP, atHalf);

        // At twice the period a point's phase is half its phase at P, or half plus 0.5.
        for (var k = 0; k < 50; k++)
        {
            var expected = PhaseFolding.Phase(p.Mjd[k], 1.22, epoch);
            Assert.Equal(expected, atDouble[k], 1e-5);
            Assert.True(Math.Abs((2 * atDouble[k] % 1) - atP[k]) < 1e-3 || Math.Abs((2 * atDouble[k] % 1) - atP[k]) > 0.999);
        }
    }

    [Fact]
    public void Folding_puts_the_brightest_clean_detection_at_phase_zero()
    {
        var p = TestSources.Curve(80, 0.61, 16f);
        var brightest = Enumerable.Range(0, p.Count).MinBy(i => p.Mag[i]);

        var json = Json(LightCurveTraces.FoldedTraces(Curves(("g", p)), 0.61, PhaseFolding.Epoch([p]))[0]);

        Assert.Equal(0.0, json.GetProperty("x")[brightest].GetDouble());
        Assert.Equal(1.0, json.GetProperty("x")[brightest + 80].GetDouble());
    }

    [Fact]
    public void Folding_rejects_a_period_outside_the_valid_range()
    {
        var curves = Curves(("g", TestSources.Curve(5, 0.5, 16f)));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LightCurveTraces.FoldedTraces(curves, 0, 0));
        Assert.Contains("fold period", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Points_without_a_finite_magnitude_are_left_out()
    {
        var p = Photometry.FromPoints([new PhotometryPoint(1, float.NaN, 0.1f), new PhotometryPoint(2, 16f, 0.1f)]);

        var trace = Json(Assert.Single(LightCurveTraces.TimeTraces(Curves(("g", p)))));

        Assert.Equal(1, trace.GetProperty("x").GetArrayLength());
        Assert.Equal(2, trace.GetProperty("x")[0].GetDouble());
    }

    [Fact]
    public void An_empty_band_produces_no_trace()
    {
        Assert.Empty(LightCurveTraces.TimeTraces(Curves(("g", Photometry.Empty))));
    }
}
