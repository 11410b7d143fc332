using System.Globalization;

namespace ScopeWeb.Core.Import;

/// <summary>
/// A CSV file to import (plain or gzip-compressed). <paramref name="Name"/> is what messages and
/// <see cref="Catalog.Source.Origin"/> call it: the file name the user chose, even when <paramref name="Path"/> is a temporary copy.
/// </summary>
public sealed record ImportFile(string Path, string Name)
{
    public static ImportFile FromPath(string path) => new(path, System.IO.Path.GetFileName(path));
}

/// <summary>Which part of an import is running.</summary>
public enum ImportStage
{
    Parsing,
    Writing,
}

/// <summary>
/// Progress of an import: while parsing, the rows read so far over all files (<paramref name="FileName"/> is the
/// file being read) and the parse rate; then the sources written of the total.
/// </summary>
public sealed record ImportProgress(
    ImportStage Stage,
    string FileName,
    long RowsRead,
    double PointsPerSecond,
    int SourcesWritten,
    int SourcesTotal);

/// <summary>The outcome of an import.</summary>
public sealed record ImportResult(
    IReadOnlyList<string> Files,
    long RowsRead,
    long PointsImported,
    long UpperLimits,
    long SentinelRowsSkipped,
    int SourcesCreated,
    int SourcesUpdated,
    int MetadataMatched,
    IReadOnlyList<string> ObjIds,
    TimeSpan ParseElapsed,
    TimeSpan Elapsed)
{
    /// <summary>Rows repeating an (object, band, time): exact repeats collapsed, conflicting ones handled by the policy.</summary>
    public DuplicateCounts Duplicates { get; init; } = DuplicateCounts.None;

    public int SourcesWritten => SourcesCreated + SourcesUpdated;

    /// <summary>Points imported per second of the whole import (parse and write).</summary>
    public double PointsPerSecond => Elapsed > TimeSpan.Zero ? PointsImported / Elapsed.TotalSeconds : 0;
}

/// <summary>Parsed, validated light curves not yet written: the sources as they will be stored, and the counts.</summary>
public sealed class LightCurveBatch
{
    internal LightCurveBatch(
        IReadOnlyList<string> files,
        IReadOnlyList<Catalog.Source> sources,
        long rowsRead,
        long points,
        long upperLimits,
        long sentinelRowsSkipped,
        int metadataMatched,
        DuplicateCounts duplicates,
        TimeSpan parseElapsed)
    {
        Files = files;
        Sources = sources;
        RowsRead = rowsRead;
        Points = points;
        UpperLimits = upperLimits;
        SentinelRowsSkipped = sentinelRowsSkipped;
        MetadataMatched = metadataMatched;
        Duplicates = duplicates;
        ParseElapsed = parseElapsed;
    }

    public IReadOnlyList<string> Files { get; }
    public IReadOnlyList<Catalog.Source> Sources { get; }

    /// <summary>Data rows read (sentinel rows included).</summary>
    public long RowsRead { get; }

    /// <summary>Points kept: detections and upper limits, after exact repeats are collapsed (and conflicting ones merged).</summary>
    public long Points { get; }

    public long UpperLimits { get; }

    /// <summary>Rows carrying a survey's "no measurement" sentinel (mag ≥ 90 or magerr ≥ 9, SDSS 99.99/99.999).</summary>
    public long SentinelRowsSkipped { get; }

    /// <summary>Sources that got values from a metadata file.</summary>
    public int MetadataMatched { get; }

    /// <summary>Rows repeating an (object, band, time), and what was done with them.</summary>
    public DuplicateCounts Duplicates { get; }

    public TimeSpan ParseElapsed { get; }
}

/// <summary>
/// Rows that repeat an (object, band, time) of the same import. <paramref name="ExactCollapsed"/> repeated the same
/// mag and error and were dropped; <paramref name="Conflicting"/> had a different mag or error and were handled by
/// <paramref name="Policy"/> (kept, merged into one point, or the import refused). Counted against the file of the repeating row.
/// </summary>
public sealed record DuplicateCounts(DuplicatePolicy Policy, long ExactCollapsed, long Conflicting, IReadOnlyList<FileDuplicateCounts> ByFile)
{
    public static DuplicateCounts None { get; } = new(DuplicatePolicy.Keep, 0, 0, []);

    /// <summary>For summaries: <c>2 exact repeats collapsed; 8 conflicting rows (…) kept</c>.</summary>
    public string Describe()
    {
        var handled = Conflicting == 0 ? "" : Policy == DuplicatePolicy.Merge ? " merged into their weighted mean" : " kept";
        return string.Create(CultureInfo.InvariantCulture,
            $"{ExactCollapsed:N0} exact repeats collapsed; {Conflicting:N0} conflicting rows (same object, band and time, different mag or error){handled}");
    }
}

/// <summary>One file's repeating rows.</summary>
public sealed record FileDuplicateCounts(string FileName, long ExactCollapsed, long Conflicting);
