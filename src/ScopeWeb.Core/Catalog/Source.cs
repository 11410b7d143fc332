namespace ScopeWeb.Core.Catalog;

/// <summary>An astronomical source: a position on the sky with light curves, features, scores and notes.</summary>
public sealed class Source
{
    public long Id { get; set; }

    /// <summary>Object id: <c>ZTFJhhmmss.ss±ddmmss.s</c> for simulated sources, the file's id for imports.</summary>
    public required string ObjId { get; set; }

    /// <summary>Right ascension (ICRS, degrees); null when an import carried no position.</summary>
    public double? RaDeg { get; set; }

    public double? DecDeg { get; set; }
    public int? Field { get; set; }
    public int? Ccd { get; set; }
    public int? Quad { get; set; }

    /// <summary>Known period (catalogue or simulated truth), not one found by a period search.</summary>
    public double? PeriodDays { get; set; }

    /// <summary>Known class: the simulator's truth or an imported label.</summary>
    public string? KnownClass { get; set; }

    /// <summary>Where the source came from: <c>simulator</c> or <c>import:&lt;file&gt;</c>.</summary>
    public string Origin { get; set; } = "";

    /// <summary>Detections over all bands (upper limits excluded); kept for sorting without decoding.</summary>
    public int DetectionCount { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }

    public List<LightCurve> LightCurves { get; set; } = [];
    public List<Classification> Classifications { get; set; } = [];
    public List<Annotation> Annotations { get; set; } = [];
    public SourceFeatures? Features { get; set; }
}

/// <summary>One band's light curve, stored as one compact blob (see <see cref="LightCurves.PhotometryCodec"/>).</summary>
public sealed class LightCurve
{
    public long Id { get; set; }
    public long SourceId { get; set; }
    public Source? Source { get; set; }

    /// <summary>Band name: <c>g</c>, <c>r</c>, <c>i</c> (ZTF) or another survey's (u, z…).</summary>
    public required string Band { get; set; }

    public int PointCount { get; set; }
    public double FirstMjd { get; set; }
    public double LastMjd { get; set; }

    /// <summary>Encoded <see cref="LightCurves.Photometry"/>.</summary>
    public byte[] Data { get; set; } = [];

    public DateTime UpdatedAtUtc { get; set; }

    public LightCurves.Photometry ReadPhotometry() => LightCurves.PhotometryCodec.Decode(Data);

    public static LightCurve From(string band, LightCurves.Photometry photometry, DateTime nowUtc) => new()
    {
        Band = band,
        PointCount = photometry.Count,
        FirstMjd = photometry.Count > 0 ? photometry.Mjd[0] : 0,
        LastMjd = photometry.Count > 0 ? photometry.Mjd[photometry.Count - 1] : 0,
        Data = LightCurves.PhotometryCodec.Encode(photometry),
        UpdatedAtUtc = nowUtc,
    };
}

/// <summary>Computed light-curve features of a source, as name → value (SCoPe's feature names).</summary>
public sealed class SourceFeatures
{
    public long SourceId { get; set; }
    public Source? Source { get; set; }
    public DateTime ComputedAtUtc { get; set; }

    /// <summary>JSON object of feature name → value; NaN is stored as null. Empty when too few clean points.</summary>
    public string ValuesJson { get; set; } = "{}";

    /// <summary>Band the single-band features describe (the one with most clean points); null when none qualified.</summary>
    public string? Band { get; set; }

    /// <summary>Period found by the multi-band search (not the known period of <see cref="Source.PeriodDays"/>).</summary>
    public double? PeriodDays { get; set; }

    public double? PeriodSignificance { get; set; }

    /// <summary>SCoPe name of the period algorithm, e.g. <c>ELS_ECE_EAOV</c>.</summary>
    public string? PeriodAlgorithm { get; set; }

    /// <summary>26×26 dmdt image, float32 little-endian row-major (rows = dm bins), or null.</summary>
    public byte[]? Dmdt { get; set; }

    /// <summary>
    /// Why this source is quarantined (its features or scores could not be computed), or null. A quarantined source
    /// keeps no feature values and is retried only when its light curve changes (<see cref="ComputedAtUtc"/> is then older).
    /// </summary>
    public string? Error { get; set; }
}

/// <summary>
/// A claim on one source by one process for one catalog job (features, scores), so two processes on one catalog never
/// compute the same source: a claim runs out at <see cref="ExpiresAtUtc"/>, after which anyone may take it again.
/// </summary>
public sealed class JobLease
{
    /// <summary>The job: <c>features</c> or <c>scores</c>.</summary>
    public required string Job { get; set; }

    public long SourceId { get; set; }

    /// <summary>Host and process id of the claimant.</summary>
    public required string Owner { get; set; }

    public DateTime ExpiresAtUtc { get; set; }
}

/// <summary>A classifier's score for one tag (SCoPe: one binary classifier per tag and algorithm).</summary>
public sealed class Classification
{
    public long Id { get; set; }
    public long SourceId { get; set; }
    public Source? Source { get; set; }

    /// <summary>SCoPe tag, e.g. <c>vnv</c>, <c>rrlyr</c>, <c>ew</c>.</summary>
    public required string Tag { get; set; }

    /// <summary><c>dnn</c>, <c>xgb</c> or <c>hierarchical</c>.</summary>
    public required string Algorithm { get; set; }

    public double Score { get; set; }
    public string ModelVersion { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>A key/value note on a source, as SkyPortal annotations: unique per origin and key.</summary>
public sealed class Annotation
{
    public long Id { get; set; }
    public long SourceId { get; set; }
    public Source? Source { get; set; }
    public required string Origin { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
    public string Author { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>A named set of sources (a local counterpart of a Fritz group).</summary>
public sealed class SourceGroup
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public List<GroupMember> Members { get; set; } = [];
}

public sealed class GroupMember
{
    public int GroupId { get; set; }
    public SourceGroup? Group { get; set; }
    public long SourceId { get; set; }
    public Source? Source { get; set; }
    public DateTime SavedAtUtc { get; set; }
}
