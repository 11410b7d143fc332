using System.Text.Json;
using System.Text.Json.Serialization;
using ScopeWeb.Web.Sources;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Sources;

public class ClassificationScoresTests
{
    private static readonly JsonSerializerOptions PlotlyJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value, value.GetType(), PlotlyJson);

    [Fact]
    public void One_row_per_tag_with_dnn_and_xgb_side_by_side()
    {
        var rows = ClassificationScores.Rows(
        [
            TestSources.Score("vnv", "xgb", 0.91, "xgb-2"),
            TestSources.Score("vnv", "dnn", 0.87, "dnn-1"),
            TestSources.Score("ew", "dnn", 0.12, "dnn-1"),
        ]);

        Assert.Equal(["ew", "vnv"], rows.Select(r => r.Tag));
        Assert.Equal(0.12, rows[0].Score("dnn"));
        Assert.Null(rows[0].Score("xgb"));
        Assert.Equal((0.87, 0.91), (rows[1].Score("dnn"), rows[1].Score("xgb")));
        Assert.Equal("dnn-1, xgb-2", rows[1].ModelVersions);
        Assert.Equal(["dnn", "xgb"], ClassificationScores.Algorithms(rows));
    }

    [Fact]
    public void Chart_is_grouped_horizontal_bars_one_trace_per_algorithm()
    {
        var rows = ClassificationScores.Rows(
        [
            TestSources.Score("vnv", "dnn", 0.87),
            TestSources.Score("vnv", "xgb", 0.91),
            TestSources.Score("rrlyr", "xgb", 0.05),
        ]);

        var traces = ClassificationScores.Traces(rows).Select(Json).ToList();
        var layout = Json(ClassificationScores.Layout(rows));

        Assert.Equal(["DNN", "XGB"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.All(traces, t => Assert.Equal("bar", t.GetProperty("type").GetString()));
        Assert.All(traces, t => Assert.Equal("h", t.GetProperty("orientation").GetString()));
        Assert.Equal(["rrlyr", "vnv"], traces[0].GetProperty("y").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, traces[0].GetProperty("x")[0].ValueKind);   // no DNN score for rrlyr: no bar
        Assert.Equal(0.87, traces[0].GetProperty("x")[1].GetDouble());
        Assert.Equal(0.05, traces[1].GetProperty("x")[0].GetDouble());
        Assert.Equal("group", layout.GetProperty("barmode").GetString());
        Assert.Equal([0.0, 1.0], layout.GetProperty("xaxis").GetProperty("range").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Theory]
    [InlineData("dnn", "DNN")]
    [InlineData("xgb", "XGB")]
    [InlineData("hierarchical", "Hierarchical")]
    public void Algorithm_labels(string algorithm, string label)
    {
        Assert.Equal(label, ClassificationScores.AlgorithmLabel(algorithm));
    }
}
