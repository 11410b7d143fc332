namespace ScopeWeb.Core.Import;

/// <summary>What a column of an imported CSV holds.</summary>
public enum ImportColumn
{
    ObjectId,
    Time,
    Band,
    Mag,
    MagErr,
    CatFlags,
    LimitingMag,
    UpperLimit,
    RaDeg,
    DecDeg,
    PeriodDays,
    KnownClass,
    Field,
    Ccd,
    Quad,
}

/// <summary>
/// The header spellings the importer accepts, for light-curve and metadata files alike. Headers match ignoring
/// case and the characters <c>_ - . space</c> (so <c>objectId</c> = <c>object_id</c>, <c>RA</c> = <c>ra</c>).
/// When a file has several spellings of one column, the one listed first here wins.
/// </summary>
public static class ImportColumns
{
    private static readonly Dictionary<ImportColumn, string[]> Spellings = new()
    {
        [ImportColumn.ObjectId] = ["object_id", "obj_id", "oid", "objectId", "ZTFID", "Num"],
        // hjd/jd are full Julian dates in ZTF and ALeRCE files: values ≥ 2,400,000.5 are converted to MJD.
        [ImportColumn.Time] = ["mjd", "hjd", "jd", "time"],
        // fid is ZTF's numeric filter id: 1, 2, 3 = g, r, i (see Bands.Normalize).
        [ImportColumn.Band] = ["band", "filter", "fid", "passband"],
        [ImportColumn.Mag] = ["mag", "magpsf"],
        [ImportColumn.MagErr] = ["magerr", "sigmapsf"],
        [ImportColumn.CatFlags] = ["catflags"],
        [ImportColumn.LimitingMag] = ["diffmaglim", "limiting_mag", "lim_mag", "maglim"],
        [ImportColumn.UpperLimit] = ["upper_limit", "is_upper_limit"],
        [ImportColumn.RaDeg] = ["ra", "ra_deg", "meanra"],
        [ImportColumn.DecDeg] = ["dec", "dec_deg", "meandec"],
        [ImportColumn.PeriodDays] = ["period", "period_days", "Per"],
        [ImportColumn.KnownClass] = ["class", "label", "type", "known_class", "classALeRCE"],
        [ImportColumn.Field] = ["field"],
        [ImportColumn.Ccd] = ["ccd", "ccdid"],
        [ImportColumn.Quad] = ["quad", "qid"],
    };

    /// <summary>The accepted spellings of <paramref name="column"/>, preferred first.</summary>
    public static IReadOnlyList<string> For(ImportColumn column) => Spellings[column];

    /// <summary>Human-readable list, e.g. <c>mjd, hjd, jd, time</c>.</summary>
    public static string Describe(ImportColumn column) => string.Join(", ", Spellings[column]);

    /// <summary>A header as it is matched: lower case, without <c>_ - . space</c>.</summary>
    internal static string Normalize(string header)
    {
        Span<char> buffer = header.Length <= 128 ? stackalloc char[header.Length] : new char[header.Length];
        var n = 0;
        foreach (var c in header.AsSpan().Trim())
        {
            if (c is '_' or '-' or '.' or ' ')
            {
                continue;
            }

            buffer[n++] = char.ToLowerInvariant(c);
        }

        return new string(buffer[..n]);
    }

    /// <summary>Index of each known column in <paramref name="headers"/> (−1 when absent) and its header as written.</summary>
    internal static ResolvedColumns Resolve(IReadOnlyList<string> headers)
    {
        var normalized = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            normalized.TryAdd(Normalize(headers[i]), i);
        }

        var columns = Enum.GetValues<ImportColumn>();
        var index = new int[columns.Length];
        Array.Fill(index, -1);
        foreach (var column in columns)
        {
            foreach (var spelling in Spellings[column])
            {
                if (normalized.TryGetValue(Normalize(spelling), out var i))
                {
                    index[(int)column] = i;
                    break;
                }
            }
        }

        return new ResolvedColumns(index, headers);
    }
}

/// <summary>Where each known column sits in one file's header.</summary>
internal sealed class ResolvedColumns(int[] index, IReadOnlyList<string> headers)
{
    public int FieldCount => headers.Count;

    public int this[ImportColumn column] => index[(int)column];

    public bool Has(ImportColumn column) => index[(int)column] >= 0;

    public string Header(ImportColumn column) => index[(int)column] >= 0 ? headers[index[(int)column]] : ImportColumns.For(column)[0];
}
