using System.Globalization;
using System.Runtime.InteropServices;
using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Core.Import;

/// <summary>
/// Rows that repeat an (object, band, time) already read, counted by the file of the repeating row. An exact repeat
/// (same mag, error and kind) is the same measurement listed twice; a conflicting one is a second, different measurement.
/// </summary>
internal sealed class RepeatTally(IReadOnlyList<string> fileNames)
{
    private readonly long[] _exact = new long[fileNames.Count];
    private readonly long[] _conflicting = new long[fileNames.Count];

    /// <summary>The conflicting row read first (lowest file, then row), for the message that refuses an import.</summary>
    public (string ObjId, string Band, ImportedPoint Earlier, ImportedPoint Repeat)? First { get; private set; }

    public long Exact => _exact.Sum();

    public long Conflicting => _conflicting.Sum();

    public void CountExact(in ImportedPoint repeat) => _exact[repeat.FileIndex]++;

    public void CountConflict(string objId, string band, in ImportedPoint earlier, in ImportedPoint repeat)
    {
        _conflicting[repeat.FileIndex]++;
        if (First is not { } first || (repeat.FileIndex, repeat.Row).CompareTo((first.Repeat.FileIndex, first.Repeat.Row)) < 0)
        {
            First = (objId, band, earlier, repeat);
        }
    }

    public DuplicateCounts ToCounts(DuplicatePolicy policy) => new(
        policy,
        Exact,
        Conflicting,
        fileNames.Select((name, i) => new FileDuplicateCounts(name, _exact[i], _conflicting[i])).Where(f => f.ExactCollapsed + f.Conflicting > 0).ToArray());

    /// <summary>The error for <see cref="DuplicatePolicy.Reject"/>: the first conflicting row, both measurements, and the way out.</summary>
    public ImportException RejectError()
    {
        var (objId, band, earlier, repeat) = First ?? throw new InvalidOperationException("No conflicting row.");
        var c = CultureInfo.InvariantCulture;
        var where = earlier.FileIndex == repeat.FileIndex
            ? string.Create(c, $"row {earlier.Row}")
            : string.Create(c, $"{fileNames[earlier.FileIndex]} row {earlier.Row}");
        var byFile = string.Join(", ", fileNames.Select((name, i) => (name, n: _conflicting[i])).Where(f => f.n > 0)
            .Select(f => string.Create(c, $"{f.name}: {f.n:N0}")));
        return new ImportException(
            fileNames[repeat.FileIndex], repeat.Row, null, null,
            string.Create(c, $"object \"{objId}\", band {band}, MJD {repeat.Mjd}: {Describe(repeat)} here, but {Describe(earlier)} at {where} ") +
            string.Create(c, $"(same object, band and time, different mag or error). Conflicting rows in this import: {byFile}. ") +
            "Duplicates are set to reject (Import:Duplicates, --duplicates); keep imports every row as read, merge their inverse-variance weighted mean.");
    }

    private static string Describe(in ImportedPoint p) => p.IsUpperLimit
        ? string.Create(CultureInfo.InvariantCulture, $"upper limit {p.Mag}")
        : string.Create(CultureInfo.InvariantCulture, $"mag {p.Mag} ± {p.MagErr}");
}

/// <summary>
/// Builds one band's <see cref="Photometry"/> from the points read: sorted by time (equal times in the order read),
/// exact repeats collapsed into one point, conflicting measurements at one time kept, merged or (for
/// <see cref="DuplicatePolicy.Reject"/>) kept and counted, the caller refusing the import once every band is counted.
/// </summary>
internal static class RepeatedEpochs
{
    private static readonly Comparison<ImportedPoint> ReadOrder =
        (a, b) => a.FileIndex != b.FileIndex ? a.FileIndex.CompareTo(b.FileIndex) : a.Row.CompareTo(b.Row);

    public static Photometry Build(List<ImportedPoint> points, DuplicatePolicy policy, RepeatTally tally, string objId, string band)
    {
        var span = CollectionsMarshal.AsSpan(points);
        SortByTime(span);
        var output = new Output(span.Length);
        List<ImportedPoint>? distinct = null;
        for (var i = 0; i < span.Length;)
        {
            var j = i + 1;
            while (j < span.Length && span[j].Mjd == span[i].Mjd)
            {
                j++;
            }

            if (j == i + 1)
            {
                output.Add(span[i]);
                i = j;
                continue;
            }

            distinct ??= [];
            distinct.Clear();
            for (var k = i; k < j; k++)
            {
                var same = distinct.Count - 1;
                while (same >= 0 && !SameMeasurement(distinct[same], span[k]))
                {
                    same--;
                }

                if (same >= 0)
                {
                    // A flag raised on either copy stays raised.
                    tally.CountExact(span[k]);
                    distinct[same] = distinct[same] with { CatFlags = (ushort)(distinct[same].CatFlags | span[k].CatFlags) };
                    continue;
                }

                if (distinct.Count > 0)
                {
                    tally.CountConflict(objId, band, distinct[0], span[k]);
                }

                distinct.Add(span[k]);
            }

            if (policy == DuplicatePolicy.Merge && distinct.Count > 1)
            {
                output.Add(Merge(distinct));
            }
            else
            {
                foreach (var p in distinct)
                {
                    output.Add(p);
                }
            }

            i = j;
        }

        return output.ToPhotometry();
    }

    /// <summary>Same magnitude, error (NaN for limits equals NaN) and kind: one measurement listed twice.</summary>
    private static bool SameMeasurement(in ImportedPoint a, in ImportedPoint b) =>
        a.Mag.Equals(b.Mag) && a.MagErr.Equals(b.MagErr) && a.IsUpperLimit == b.IsUpperLimit;

    /// <summary>
    /// Detections at one time become their inverse-variance weighted mean (σ = 1/√Σσ⁻²; zero-error points, if any,
    /// outweigh all others and are averaged alone); upper limits beside a detection are dropped; limits alone keep
    /// the faintest, the one that constrains. Flags are OR-ed.
    /// </summary>
    internal static ImportedPoint Merge(List<ImportedPoint> group)
    {
        ushort flags = 0;
        var detections = 0;
        var zeroErrors = 0;
        ImportedPoint? firstDetection = null;
        foreach (var p in group)
        {
            flags |= p.CatFlags;
            if (!p.IsUpperLimit)
            {
                detections++;
                firstDetection ??= p;
                if (p.MagErr == 0)
                {
                    zeroErrors++;
                }
            }
        }

        if (firstDetection is not { } first)
        {
            var faintest = group[0];
            foreach (var p in group)
            {
                if (p.Mag > faintest.Mag)
                {
                    faintest = p;
                }
            }

            return faintest with { CatFlags = flags };
        }

        if (detections == 1)
        {
            return first with { CatFlags = flags };
        }

        double sumWeights = 0;
        double sumWeightedMag = 0;
        foreach (var p in group)
        {
            if (p.IsUpperLimit || (zeroErrors > 0 && p.MagErr != 0))
            {
                continue;
            }

            var w = zeroErrors > 0 ? 1.0 : 1.0 / ((double)p.MagErr * p.MagErr);
            sumWeights += w;
            sumWeightedMag += w * p.Mag;
        }

        return first with
        {
            Mag = (float)(sumWeightedMag / sumWeights),
            MagErr = zeroErrors > 0 ? 0f : (float)(1.0 / Math.Sqrt(sumWeights)),
            CatFlags = flags,
        };
    }

    /// <summary>By time; equal times in the order read (file, then row), as a stable sort leaves them.</summary>
    private static void SortByTime(Span<ImportedPoint> points)
    {
        var sorted = true;
        for (var i = 1; i < points.Length; i++)
        {
            if (points[i].Mjd < points[i - 1].Mjd)
            {
                sorted = false;
                break;
            }
        }

        // Points are appended as read, so a light curve written in time order needs no sort at all.
        if (sorted)
        {
            return;
        }

        var keys = new double[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            keys[i] = points[i].Mjd;
        }

        keys.AsSpan().Sort(points);
        for (var i = 0; i < points.Length;)
        {
            var j = i + 1;
            while (j < points.Length && points[j].Mjd == points[i].Mjd)
            {
                j++;
            }

            if (j - i > 1)
            {
                points[i..j].Sort(ReadOrder);
            }

            i = j;
        }
    }

    /// <summary>The photometry arrays, filled in time order and trimmed when repeats were collapsed.</summary>
    private sealed class Output(int capacity)
    {
        private double[] _mjd = new double[capacity];
        private float[] _mag = new float[capacity];
        private float[] _err = new float[capacity];
        private ushort[] _flags = new ushort[capacity];
        private bool[] _upperLimit = new bool[capacity];
        private int _count;

        public void Add(in ImportedPoint p)
        {
            _mjd[_count] = p.Mjd;
            _mag[_count] = p.Mag;
            _err[_count] = p.MagErr;
            _flags[_count] = p.CatFlags;
            _upperLimit[_count] = p.IsUpperLimit;
            _count++;
        }

        public Photometry ToPhotometry()
        {
            if (_count < _mjd.Length)
            {
                Array.Resize(ref _mjd, _count);
                Array.Resize(ref _mag, _count);
                Array.Resize(ref _err, _count);
                Array.Resize(ref _flags, _count);
                Array.Resize(ref _upperLimit, _count);
            }

            return new Photometry(_mjd, _mag, _err, _flags, _upperLimit);
        }
    }
}
