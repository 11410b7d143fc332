namespace ScopeWeb.Core.Import;

/// <summary>
/// A point as read, with the file (index in the import) and data row it came from, so repeated times can be reported
/// by row and repeats told apart from the first reading.
/// </summary>
internal readonly record struct ImportedPoint(double Mjd, float Mag, float MagErr, ushort CatFlags, bool IsUpperLimit, int FileIndex, long Row);

/// <summary>One object's points per band and its per-object values, gathered over all rows and files.</summary>
internal sealed class ParsedObject(string objId, string fileName)
{
    public string ObjId { get; } = objId;

    /// <summary>The file the object first appeared in, for <see cref="Catalog.Source.Origin"/>.</summary>
    public string FileName { get; } = fileName;

    public double? RaDeg { get; set; }
    public double? DecDeg { get; set; }
    public double? PeriodDays { get; set; }
    public string? KnownClass { get; set; }
    public int? Field { get; set; }
    public int? Ccd { get; set; }
    public int? Quad { get; set; }

    /// <summary>Points read for this object over all bands and files (before repeats are collapsed).</summary>
    public int PointCount { get; private set; }

    /// <summary>Points by band index of <see cref="LightCurveAccumulator.Bands"/>.</summary>
    public List<ImportedPoint>?[] PointsByBand { get; private set; } = new List<ImportedPoint>?[4];

    public void Add(int band, in ImportedPoint point)
    {
        if (band >= PointsByBand.Length)
        {
            var grown = PointsByBand;
            Array.Resize(ref grown, Math.Max(band + 1, PointsByBand.Length * 2));
            PointsByBand = grown;
        }

        (PointsByBand[band] ??= []).Add(point);
        PointCount++;
    }
}

/// <summary>
/// Points of every file of an import grouped by (object id, normalised band), in the order objects first appear.
/// Files of the same objects (detections and non-detections, say) merge rather than replace each other.
/// </summary>
internal sealed class LightCurveAccumulator
{
    private readonly Dictionary<string, ParsedObject> _byId = new(StringComparer.Ordinal);
    private readonly List<ParsedObject> _objects = [];
    private readonly List<string> _bands = [];

    public IReadOnlyList<ParsedObject> Objects => _objects;

    /// <summary>Normalised band names; a band's index is its slot in <see cref="ParsedObject.PointsByBand"/>.</summary>
    public IReadOnlyList<string> Bands => _bands;

    public long RowsRead { get; set; }

    /// <summary>Points read (detections and upper limits), before repeated times are collapsed or merged.</summary>
    public long Points { get; set; }

    public long SentinelRowsSkipped { get; set; }

    public ParsedObject GetOrAdd(string objId, string fileName)
    {
        if (!_byId.TryGetValue(objId, out var obj))
        {
            obj = new ParsedObject(objId, fileName);
            _byId.Add(objId, obj);
            _objects.Add(obj);
        }

        return obj;
    }

    public int BandIndex(string normalizedBand)
    {
        var i = _bands.IndexOf(normalizedBand);
        if (i < 0)
        {
            _bands.Add(normalizedBand);
            i = _bands.Count - 1;
        }

        return i;
    }
}
