using System.Globalization;
using System.Text;

namespace ScopeWeb.Core.Catalog;

/// <summary>Columns the source list can be sorted by.</summary>
public enum SourceSort
{
    ObjId,
    Ra,
    Dec,
    Period,
    Field,
    Detections,
    KnownClass,
    Score,
}

/// <summary>
/// Filters, sort and page of the source list. Round-trips through a URL query string so that
/// a filtered view can be bookmarked and shared (<see cref="Parse"/>, <see cref="ToQueryString"/>).
/// </summary>
public sealed record SourceQuery
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 500;

    /// <summary>Object id prefix, case-sensitive (a range on the unique id index; ZTF ids are upper case).</summary>
    public string? ObjId { get; init; }

    /// <summary>Known class (simulator truth or imported label), exact.</summary>
    public string? KnownClass { get; init; }

    /// <summary>Classification tag whose score the score range applies to (e.g. <c>rrlyr</c>).</summary>
    public string? Tag { get; init; }

    /// <summary><c>dnn</c>, <c>xgb</c>, or null for either.</summary>
    public string? Algorithm { get; init; }

    public double? MinScore { get; init; }
    public double? MaxScore { get; init; }
    public double? MinPeriodDays { get; init; }
    public double? MaxPeriodDays { get; init; }
    public int? Field { get; init; }
    public double? RaDeg { get; init; }
    public double? DecDeg { get; init; }
    public double? RadiusArcsec { get; init; }
    public bool? HasAnnotation { get; init; }

    /// <summary>True: only sources whose features or scores failed (quarantined, with the reason); false: only the others.</summary>
    public bool? Quarantined { get; init; }

    /// <summary>Only members of this local group (e.g. a saved disagreement selection).</summary>
    public string? Group { get; init; }
    public SourceSort SortBy { get; init; } = SourceSort.ObjId;
    public bool Descending { get; init; }

    /// <summary>Zero-based page index.</summary>
    public int Page { get; init; }

    public int PageSize { get; init; } = DefaultPageSize;

    public bool HasCone => RaDeg is not null && DecDeg is not null && RadiusArcsec is not null;

    public bool HasScoreFilter => Tag is not null || MinScore is not null || MaxScore is not null;

    /// <summary>
    /// The algorithm whose score the list shows and sorts by: the chosen one, else the DNN (SCoPe reports
    /// <c>&lt;tag&gt;_dnn</c> and <c>&lt;tag&gt;_xgb</c> separately; the filter itself accepts either when none is chosen).
    /// </summary>
    public string ScoreAlgorithm => Algorithm ?? "dnn";

    /// <summary>Checks ranges; returns the problems, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MinScore is < 0 or > 1 || MaxScore is < 0 or > 1)
        {
            problems.Add("Scores are between 0 and 1.");
        }

        if (MinScore > MaxScore)
        {
            problems.Add("Minimum score is above maximum score.");
        }

        if (MinPeriodDays > MaxPeriodDays)
        {
            problems.Add("Minimum period is above maximum period.");
        }

        if ((RaDeg is null) != (DecDeg is null) || (RadiusArcsec is not null && RaDeg is null))
        {
            problems.Add("A cone search needs ra, dec and radius.");
        }

        if (RaDeg is < 0 or >= 360)
        {
            problems.Add("RA is in [0, 360) degrees.");
        }

        if (DecDeg is < -90 or > 90)
        {
            problems.Add("Dec is in [-90, 90] degrees.");
        }

        if (RadiusArcsec is <= 0 or > 36000)
        {
            problems.Add("Radius is in (0, 36000] arcsec.");
        }

        if (Page < 0)
        {
            problems.Add("Page is zero or more.");
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            problems.Add($"Page size is 1 to {MaxPageSize}.");
        }

        return problems;
    }

    /// <summary>Parses a query string such as <c>?class=RRab&amp;minPeriod=0.4&amp;page=2</c>; unknown keys are ignored, bad values dropped.</summary>
    public static SourceQuery Parse(string? queryString)
    {
        var q = new SourceQuery();
        if (string.IsNullOrEmpty(queryString))
        {
            return q;
        }

        foreach (var part in queryString.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' ')).Trim();
            if (value.Length == 0)
            {
                continue;
            }

            q = key switch
            {
                "id" => q with { ObjId = value },
                "class" => q with { KnownClass = value },
                "tag" => q with { Tag = value },
                "algorithm" => q with { Algorithm = value.ToLowerInvariant() },
                "minScore" => q with { MinScore = ParseDouble(value) },
                "maxScore" => q with { MaxScore = ParseDouble(value) },
                "minPeriod" => q with { MinPeriodDays = ParseDouble(value) },
                "maxPeriod" => q with { MaxPeriodDays = ParseDouble(value) },
                "field" => q with { Field = ParseInt(value) },
                "ra" => q with { RaDeg = ParseDouble(value) },
                "dec" => q with { DecDeg = ParseDouble(value) },
                "radius" => q with { RadiusArcsec = ParseDouble(value) },
                "annotated" => q with { HasAnnotation = ParseBool(value) },
                "quarantined" => q with { Quarantined = ParseBool(value) },
                "group" => q with { Group = value },
                "sort" => Enum.TryParse<SourceSort>(value, ignoreCase: true, out var s) ? q with { SortBy = s } : q,
                "desc" => q with { Descending = ParseBool(value) ?? false },
                "page" => q with { Page = Math.Max(0, (ParseInt(value) ?? 1) - 1) },
                "pageSize" => q with { PageSize = Math.Clamp(ParseInt(value) ?? DefaultPageSize, 1, MaxPageSize) },
                _ => q,
            };
        }

        return q;
    }

    /// <summary>The query string for this state (without <c>?</c>), listing only what differs from the defaults.</summary>
    public string ToQueryString()
    {
        var sb = new StringBuilder();
        void Add(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            sb.Append(sb.Length == 0 ? "" : "&").Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }

        Add("id", ObjId);
        Add("class", KnownClass);
        Add("tag", Tag);
        Add("algorithm", Algorithm);
        Add("minScore", Format(MinScore));
        Add("maxScore", Format(MaxScore));
        Add("minPeriod", Format(MinPeriodDays));
        Add("maxPeriod", Format(MaxPeriodDays));
        Add("field", Field?.ToString(CultureInfo.InvariantCulture));
        Add("ra", Format(RaDeg));
        Add("dec", Format(DecDeg));
        Add("radius", Format(RadiusArcsec));
        Add("annotated", HasAnnotation is null ? null : HasAnnotation.Value ? "true" : "false");
        Add("quarantined", Quarantined is null ? null : Quarantined.Value ? "true" : "false");
        Add("group", Group);
        Add("sort", SortBy == SourceSort.ObjId ? null : SortBy.ToString().ToLowerInvariant());
        Add("desc", Descending ? "true" : null);
        Add("page", Page == 0 ? null : (Page + 1).ToString(CultureInfo.InvariantCulture));
        Add("pageSize", PageSize == DefaultPageSize ? null : PageSize.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string? Format(double? v) => v?.ToString("R", CultureInfo.InvariantCulture);

    private static double? ParseDouble(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static int? ParseInt(string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static bool? ParseBool(string s) => s.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };
}
