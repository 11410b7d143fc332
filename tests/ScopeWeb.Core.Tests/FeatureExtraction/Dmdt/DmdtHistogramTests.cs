using System.Text.Json;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.Dmdt;
using ScopeWeb.Core.Tests.FeatureExtraction.Statistics;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Dmdt;

public class DmdtHistogramTests
{
    private const int Columns = DmdtHistogram.DtBinCount;

    [Theory]
    [MemberData(nameof(StatsReference.CurveNames), MemberType = typeof(StatsReference))]
    public void Pair_counts_equal_numpy_histogram2d_transposed(string curveName)
    {
        var curve = StatsReference.Curve(curveName);
        var counts = new int[DmdtHistogram.Length];

        var inRange = DmdtHistogram.CountPairs(curve.Mjd.ToArray(), curve.Mag.ToArray(), counts);

        Assert.Equal(curve.DmdtPairsInRange, inRange);
        for (var row = 0; row < DmdtHistogram.DmBinCount; row++)
        {
            for (var col = 0; col < Columns; col++)
            {
                Assert.True(
                    curve.DmdtCounts[row][col] == counts[(row * Columns) + col],
                    $"{curveName}: dm bin {row}, dt bin {col}: numpy {curve.DmdtCounts[row][col]}, got {counts[(row * Columns) + col]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(StatsReference.CurveNames), MemberType = typeof(StatsReference))]
    public void Image_is_counts_over_their_frobenius_norm_in_float32(string curveName)
    {
        var curve = StatsReference.Curve(curveName);

        var image = DmdtHistogram.Compute(curve.ToPrepared());

        Assert.Equal(DmdtHistogram.Length, image.Length);
        var sumSquares = 0.0;
        for (var row = 0; row < DmdtHistogram.DmBinCount; row++)
        {
            for (var col = 0; col < Columns; col++)
            {
                var expected = (float)(curve.DmdtCounts[row][col] / curve.DmdtFrobeniusNorm);
                Assert.Equal(expected, image[(row * Columns) + col]);
                sumSquares += (double)image[(row * Columns) + col] * image[(row * Columns) + col];
            }
        }

        StatsReference.AssertClose(1.0, sumSquares, 1e-6, 0, "sum of squares of the normalised image");
    }

    [Fact]
    public void Edges_are_scopes_dmdt_ints_verbatim()
    {
        Assert.Equal(StatsReference.Value.DmEdges, DmdtHistogram.DmEdgesMag.ToArray());
        Assert.Equal(StatsReference.Value.DtEdges, DmdtHistogram.DtEdgesDays.ToArray());
        Assert.Equal(0.02759, DmdtHistogram.DtEdgesDays[1]);
        Assert.Equal(0.04, DmdtHistogram.DtEdgesDays[2]);
    }

    [Fact]
    public void Two_point_curve_fills_exactly_one_cell_with_one()
    {
        var image = DmdtHistogram.Compute(new PreparedLightCurve("g", [58000.0, 58000.5], [18.0, 17.6], [0.02, 0.02]));

        // dt = 0.5 d is in [0.3, 0.75) → column 5; dm = −0.4 mag is in [−0.5, −0.3) → row 8.
        Assert.Equal(1f, image[(8 * Columns) + 5]);
        Assert.Equal(1, image.Count(v => v != 0));
    }

    [Fact]
    public void Image_is_transposed_rows_are_dm_bins_and_columns_dt_bins()
    {
        // dt = 0.1 d is dt bin 3 ([0.08, 0.12)); dm = +1.3 mag is dm bin 20 ([1.25, 1.5)).
        var counts = Count([10.0, 10.1], [15.0, 16.3]);

        Assert.Equal(1, counts[(20 * Columns) + 3]);
        Assert.Equal(0, counts[(3 * Columns) + 20]);
    }

    [Theory]
    [InlineData(0.0, 0)] // dt exactly 0 is in the first bin
    [InlineData(0.02759, 1)] // an interior edge belongs to the bin on its right
    [InlineData(0.04, 2)]
    [InlineData(1.0, 7)]
    [InlineData(650.0, 25)]
    [InlineData(2000.0, 25)] // the last edge is closed
    public void Time_differences_on_an_edge_fall_in_the_bin_to_the_right(double dt, int expectedColumn)
    {
        Assert.Equal(expectedColumn, DmdtHistogram.DtBin(dt));
        var counts = Count([0.0, dt], [17.0, 17.0]);
        Assert.Equal(1, counts[(13 * Columns) + expectedColumn]); // dm = 0 is dm bin 13 ([0, 0.05))
    }

    [Theory]
    [InlineData(-8.0, 0)] // the first edge is included
    [InlineData(-0.3, 9)]
    [InlineData(-0.05, 12)]
    [InlineData(0.0, 13)]
    [InlineData(0.05, 14)]
    [InlineData(0.3, 17)]
    [InlineData(1.25, 20)]
    [InlineData(4.5, 25)]
    [InlineData(8.0, 25)] // the last edge is closed
    [InlineData(-0.30000000000000004, 8)] // just below an edge stays below it
    [InlineData(0.29999999999999993, 16)]
    public void Magnitude_differences_on_an_edge_fall_in_the_bin_to_the_right(double dm, int expectedRow)
    {
        Assert.Equal(expectedRow, DmdtHistogram.DmBin(dm));
    }

    [Fact]
    public void Every_representable_dm_lands_where_numpy_searchsorted_puts_it()
    {
        // Sweep dense dm values across the whole range, including the doubles adjacent to each edge.
        var edges = DmdtHistogram.DmEdgesMag.ToArray();
        var probes = new List<double>();
        for (var x = -8.2; x <= 8.2; x += 0.0037)
        {
            probes.Add(x);
        }

        foreach (var edge in edges)
        {
            probes.Add(edge);
            probes.Add(Math.BitDecrement(edge));
            probes.Add(Math.BitIncrement(edge));
        }

        foreach (var dm in probes)
        {
            Assert.Equal(SearchSortedBin(edges, dm), DmdtHistogram.DmBin(dm));
        }
    }

    [Fact]
    public void Pairs_beyond_2000_days_or_8_mag_are_dropped()
    {
        var counts = Count([0.0, 1000.0, 2000.5], [17.0, 17.0, 26.5]);

        // (0, 1000): counted. (0, 2000.5): dt too long. (1000, 2000.5): dt fine but dm = 9.5 > 8.
        Assert.Equal(1, counts.Sum());
        Assert.Equal(1, counts[(13 * Columns) + 25]);
    }

    [Fact]
    public void No_pair_in_range_leaves_an_all_zero_image()
    {
        var image = DmdtHistogram.Compute([0.0, 3000.0], [17.0, 17.5]);
        Assert.All(image, v => Assert.Equal(0f, v));
        Assert.All(DmdtHistogram.Compute([58000.0], [17.0]), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Nan_magnitudes_are_dropped_like_numpy()
    {
        var counts = Count([0.0, 1.0, 2.0], [17.0, double.NaN, 17.2]);
        Assert.Equal(1, counts.Sum());
    }

    [Fact]
    public void Unsorted_times_are_rejected_naming_the_point()
    {
        var ex = Assert.Throws<ArgumentException>(() => DmdtHistogram.Compute([1.0, 3.0, 2.0], [17.0, 17.0, 17.0]));
        Assert.Contains("point 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_a_26_by_26_nested_list_that_round_trips_every_float()
    {
        var image = DmdtHistogram.Compute(StatsReference.Value.Curves[0].ToPrepared());

        var json = DmdtHistogram.ToJson(image);
        var parsed = JsonSerializer.Deserialize<float[][]>(json)!;

        Assert.StartsWith("[[", json, StringComparison.Ordinal);
        Assert.Equal(DmdtHistogram.DmBinCount, parsed.Length);
        Assert.All(parsed, row => Assert.Equal(Columns, row.Length));
        for (var row = 0; row < parsed.Length; row++)
        {
            for (var col = 0; col < Columns; col++)
            {
                Assert.Equal(image[(row * Columns) + col], parsed[row][col]);
            }
        }

        Assert.DoesNotContain(" ", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseJson_reads_back_what_ToJson_writes_and_an_empty_cell_is_the_zero_image()
    {
        var image = DmdtHistogram.Compute(StatsReference.Value.Curves[0].ToPrepared());
        var parsed = new float[DmdtHistogram.Length];
        parsed.AsSpan().Fill(-1);

        DmdtHistogram.ParseJson(System.Text.Encoding.UTF8.GetBytes(DmdtHistogram.ToJson(image)), parsed);
        Assert.Equal(image, parsed);

        DmdtHistogram.ParseJson(" "u8, parsed);
        Assert.All(parsed, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("[[1,2],[3]]", "image row 0 has 2 values")]
    [InlineData("{}", "'{}' is not a JSON list")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1e60]]", "image row 0, value 25: '1e60' is not a float32 number")]
    public void ParseJson_says_what_is_wrong_and_CellError_names_file_row_and_column(string cell, string problem)
    {
        var error = Assert.Throws<FormatException>(() => DmdtHistogram.ParseJson(System.Text.Encoding.UTF8.GetBytes(cell), new float[DmdtHistogram.Length]));
        Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);

        var message = DmdtHistogram.CellError("f.csv", 7, "dmdt", error).Message;
        Assert.StartsWith($"f.csv: row 7, column 'dmdt': {problem}", message, StringComparison.Ordinal);
        Assert.Contains("26 rows (dm bins) of 26 numbers (dt bins)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseJson_rejects_text_after_the_image()
    {
        var json = DmdtHistogram.ToJson(new float[DmdtHistogram.Length]) + " x";
        var error = Assert.Throws<FormatException>(() => DmdtHistogram.ParseJson(System.Text.Encoding.UTF8.GetBytes(json), new float[DmdtHistogram.Length]));
        Assert.StartsWith("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_of_a_wrong_size_image_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => DmdtHistogram.ToJson(new float[25 * 26]));
    }

    private static int[] Count(double[] mjd, double[] mag)
    {
        var counts = new int[DmdtHistogram.Length];
        DmdtHistogram.CountPairs(mjd, mag, counts);
        return counts;
    }

    // numpy.histogram2d per axis: searchsorted(edges, x, 'right') − 1, the last edge closed, outside → −1.
    private static int SearchSortedBin(double[] edges, double x)
    {
        if (x == edges[^1])
        {
            return edges.Length - 2;
        }

        var right = edges.Count(e => e <= x);
        return right == 0 || right == edges.Length ? -1 : right - 1;
    }
}
