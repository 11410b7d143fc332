using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ScopeWeb.Core.FeatureExtraction.Dmdt;

/// <summary>
/// SCoPe's dmdt image (<c>lcstats.compute_dmdt</c>; docs/science.md "dmdt"): a 26×26 histogram of (dt, dm) over every
/// pair i &lt; j of the time-sorted light curve, dt = t_j − t_i and dm = m_j − m_i, binned on the fixed
/// <c>dmdt_ints</c> edges, transposed so rows are dm bins and columns dt bins, then divided by its Frobenius norm.
/// </summary>
/// <remarks>
/// Binning is numpy's <c>histogram2d</c>: bins are [a, b) except the last, which is closed; pairs outside the
/// edges (or NaN) are dropped. An image with no pairs in range stays all zero.
/// </remarks>
public static class DmdtHistogram
{
    /// <summary>Number of dm bins (rows).</summary>
    public const int DmBinCount = 26;

    /// <summary>Number of dt bins (columns).</summary>
    public const int DtBinCount = 26;

    /// <summary>Length of the row-major image.</summary>
    public const int Length = DmBinCount * DtBinCount;

    // config feature_generation.dmdt_ints.dmints, verbatim (mag).
    private static readonly double[] DmEdges =
    [
        -8, -4.5, -3, -2.5, -2, -1.5, -1.25, -0.75, -0.5, -0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75,
        1.25, 1.5, 2, 2.5, 3, 4.5, 8,
    ];

    // config feature_generation.dmdt_ints.dtints, verbatim (days); 0.02759 and 0.04 are written out, not 4/145, 1/25.
    private static readonly double[] DtEdges =
    [
        0.0, 0.02759, 0.04, 0.08, 0.12, 0.3, 0.75, 1, 1.5, 2.5, 3.5, 4.5, 5.5, 7, 10, 20, 30, 45, 60, 90, 120, 180, 240,
        360, 500, 650, 2000,
    ];

    // Every dm edge is a multiple of 0.05 mag, so a 0.05-mag cell lies inside one bin: cell → bin lookup, then a
    // one-step correction against the true edges absorbs rounding of dm·20.
    private const double DmCellsPerMag = 20.0;
    private const double DmLowestMag = -8;
    private const double DmHighestMag = 8;
    private const int DmCellOffset = 160;
    private static readonly byte[] DmBinOfCell = BuildDmLookup();

    /// <summary>dm bin edges (mag), 27 values.</summary>
    public static ReadOnlySpan<double> DmEdgesMag => DmEdges;

    /// <summary>dt bin edges (days), 27 values.</summary>
    public static ReadOnlySpan<double> DtEdgesDays => DtEdges;

    /// <summary>The normalised dmdt image of a prepared light curve (row-major, rows = dm bins).</summary>
    public static float[] Compute(PreparedLightCurve lightCurve)
    {
        ArgumentNullException.ThrowIfNull(lightCurve);
        return Compute(lightCurve.Mjd, lightCurve.Mag);
    }

    /// <summary>The normalised dmdt image from times sorted ascending (days) and magnitudes.</summary>
    /// <exception cref="ArgumentException">Arrays of different lengths, or times not sorted.</exception>
    public static float[] Compute(ReadOnlySpan<double> mjd, ReadOnlySpan<double> mag)
    {
        Span<int> counts = stackalloc int[Length];
        CountPairs(mjd, mag, counts);
        var image = new float[Length];
        Normalize(counts, image);
        return image;
    }

    /// <summary>
    /// Counts pairs into <paramref name="counts"/> (row-major, rows = dm bins), before normalisation.
    /// Returns the number of pairs that fell inside the edges.
    /// </summary>
    /// <exception cref="ArgumentException">Arrays of different lengths, times not sorted, or a short destination.</exception>
    public static int CountPairs(ReadOnlySpan<double> mjd, ReadOnlySpan<double> mag, Span<int> counts)
    {
        var n = mjd.Length;
        if (mag.Length != n)
        {
            throw new ArgumentException($"Time and magnitude arrays differ in length ({n}, {mag.Length}).", nameof(mag));
        }

        if (counts.Length < Length)
        {
            throw new ArgumentException($"The count buffer needs {Length} entries.", nameof(counts));
        }

        for (var i = 1; i < n; i++)
        {
            if (!(mjd[i] >= mjd[i - 1]))
            {
                throw new ArgumentException($"Times must be sorted ascending and finite (point {i}: {mjd[i].ToString("R", CultureInfo.InvariantCulture)} after {mjd[i - 1].ToString("R", CultureInfo.InvariantCulture)}).", nameof(mjd));
            }
        }

        counts[..Length].Clear();
        var dtLast = DtEdges[^1];
        ref var t0 = ref MemoryMarshal.GetReference(mjd);
        ref var m0 = ref MemoryMarshal.GetReference(mag);
        ref var c0 = ref MemoryMarshal.GetReference(counts);
        ref var dmEdges = ref MemoryMarshal.GetArrayDataReference(DmEdges);
        ref var dmBinOfCell = ref MemoryMarshal.GetArrayDataReference(DmBinOfCell);
        var inRange = 0;
        for (var i = 0; i < n - 1; i++)
        {
            var ti = Unsafe.Add(ref t0, i);
            var mi = Unsafe.Add(ref m0, i);
            // dt grows with j on a sorted curve, so the dt bin only ever moves right.
            var dtBin = 0;
            var nextDtEdge = DtEdges[1];
            for (var j = i + 1; j < n; j++)
            {
                var dt = Unsafe.Add(ref t0, j) - ti;
                if (dt > dtLast)
                {
                    break;
                }

                while (dt >= nextDtEdge && dtBin < DtBinCount - 1)
                {
                    dtBin++;
                    nextDtEdge = DtEdges[dtBin + 1];
                }

                var dmBin = DmBin(Unsafe.Add(ref m0, j) - mi, ref dmEdges, ref dmBinOfCell);
                if (dmBin < 0)
                {
                    continue;
                }

                Unsafe.Add(ref c0, (dmBin * DtBinCount) + dtBin)++;
                inRange++;
            }
        }

        return inRange;
    }

    /// <summary>Divides counts by their Frobenius norm into <paramref name="image"/>; all-zero counts give zeros.</summary>
    public static void Normalize(ReadOnlySpan<int> counts, Span<float> image)
    {
        if (counts.Length < Length || image.Length < Length)
        {
            throw new ArgumentException($"Counts and image need {Length} entries.");
        }

        var sumSquares = 0.0;
        for (var k = 0; k < Length; k++)
        {
            sumSquares += (double)counts[k] * counts[k];
        }

        if (sumSquares == 0)
        {
            image[..Length].Clear();
            return;
        }

        // Same arithmetic as numpy (float64 counts / float64 norm), then float32 as the network takes it.
        var norm = Math.Sqrt(sumSquares);
        for (var k = 0; k < Length; k++)
        {
            image[k] = (float)(counts[k] / norm);
        }
    }

    /// <summary>
    /// SCoPe's dataset representation: a JSON nested list of 26 rows (dm bins) of 26 values (dt bins), invariant
    /// culture, each value the shortest text that round-trips the float.
    /// </summary>
    public static string ToJson(ReadOnlySpan<float> image)
    {
        if (image.Length != Length)
        {
            throw new ArgumentException($"A dmdt image has {Length} values, not {image.Length}.", nameof(image));
        }

        var sb = new StringBuilder(Length * 6);
        sb.Append('[');
        for (var row = 0; row < DmBinCount; row++)
        {
            sb.Append(row == 0 ? "[" : ",[");
            for (var col = 0; col < DtBinCount; col++)
            {
                if (col > 0)
                {
                    sb.Append(',');
                }

                var v = image[(row * DtBinCount) + col];
                if (!float.IsFinite(v))
                {
                    throw new ArgumentException($"dmdt value at row {row}, column {col} is {v.ToString(CultureInfo.InvariantCulture)}; JSON cannot hold it.", nameof(image));
                }

                sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append(']');
        }

        sb.Append(']');
        return sb.ToString();
    }

    /// <summary>
    /// Reads a dmdt cell as <see cref="ToJson"/> writes it (UTF-8 JSON, 26 lists of 26 numbers: rows are dm bins, columns
    /// dt bins) into <paramref name="image"/>, row-major. An empty cell is the all-zero image (SCoPe's empty histogram).
    /// </summary>
    /// <exception cref="FormatException">Not such a list; the message says what is wrong (see <see cref="CellError"/>).</exception>
    public static void ParseJson(ReadOnlySpan<byte> utf8, Span<float> image)
    {
        if (image.Length != Length)
        {
            throw new ArgumentException($"A dmdt image has {Length} values, not {image.Length}.", nameof(image));
        }

        image.Clear();
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return;
        }

        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException($"'{Excerpt(utf8)}' is not a JSON list");
            }

            for (var dm = 0; dm < DmBinCount; dm++)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the image has {dm} rows"));
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"image row {dm} is not a list"));
                }

                var dt = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (dt == DtBinCount)
                    {
                        throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"image row {dm} has more than {DtBinCount} values"));
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out var value) || !float.IsFinite(value))
                    {
                        throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                            $"image row {dm}, value {dt}: '{Excerpt(reader.ValueSpan)}' is not a float32 number"));
                    }

                    image[(dm * DtBinCount) + dt] = value;
                    dt++;
                }

                if (dt != DtBinCount)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"image row {dm} has {dt} values"));
                }
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            {
                throw new FormatException($"the image has more than {DmBinCount} rows");
            }

            // Reading past the end finds any trailing text (the reader throws on it).
            reader.Read();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>The one message for a bad dmdt cell, naming the file, row and column, and what a good cell looks like.</summary>
    public static InvalidDataException CellError(string file, long row, string column, FormatException problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{file}: row {row}, column '{column}': {problem.Message}; expected a JSON list of {DmBinCount} rows (dm bins) of {DtBinCount} numbers (dt bins), as `scope features --dmdt` writes."),
            problem);
    }

    private static string Excerpt(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 40)]);
        return utf8.Length > 40 ? text + "…" : text;
    }

    /// <summary>Bin of a magnitude difference, or −1 outside [−8, 8] (or NaN).</summary>
    internal static int DmBin(double dm) =>
        DmBin(dm, ref MemoryMarshal.GetArrayDataReference(DmEdges), ref MemoryMarshal.GetArrayDataReference(DmBinOfCell));

    // The hot-loop form: the edge and lookup tables are passed in so the caller hoists them out of the pair loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DmBin(double dm, ref double edges, ref byte binOfCell)
    {
        if (dm >= DmLowestMag && dm < DmHighestMag)
        {
            // dm·20 + 160 ≥ 0 here, so truncation is floor; the cell's bin is off by at most one after rounding.
            int bin = Unsafe.Add(ref binOfCell, (int)((dm * DmCellsPerMag) + DmCellOffset));
            if (dm < Unsafe.Add(ref edges, bin))
            {
                bin--;
            }
            else if (dm >= Unsafe.Add(ref edges, bin + 1))
            {
                bin++;
            }

            return bin;
        }

        // numpy closes the last bin; everything else here is outside the edges, or NaN
        return dm == DmHighestMag ? DmBinCount - 1 : -1;
    }

    /// <summary>Bin of a time difference, or −1 outside [0, 2000] (or NaN). Binary search; used outside hot loops.</summary>
    internal static int DtBin(double dt)
    {
        if (!(dt >= DtEdges[0] && dt <= DtEdges[^1]))
        {
            return -1;
        }

        if (dt == DtEdges[^1])
        {
            return DtBinCount - 1;
        }

        // number of edges <= dt, minus one (numpy searchsorted side='right')
        var index = Array.BinarySearch(DtEdges, dt);
        return index >= 0 ? index : ~index - 1;
    }

    private static byte[] BuildDmLookup()
    {
        // one spare cell: dm just below 8 can round to exactly 160 cells
        var lookup = new byte[(2 * DmCellOffset) + 1];
        var bin = 0;
        for (var cell = 0; cell < lookup.Length; cell++)
        {
            // the cell [k/20, (k+1)/20) mag, k = cell − 160, starts at an exact multiple of 0.05 in decimal terms
            var start = (cell - DmCellOffset) / DmCellsPerMag;
            while (bin < DmBinCount - 1 && start >= DmEdges[bin + 1] - 1e-9)
            {
                bin++;
            }

            lookup[cell] = (byte)bin;
        }

        return lookup;
    }
}
