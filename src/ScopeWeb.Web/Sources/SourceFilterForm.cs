using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Web.Sources;

/// <summary>
/// The editable filter panel of the source list. Inputs bind to its properties; <see cref="ApplyTo"/> turns it
/// into the <see cref="SourceQuery"/> that goes into the URL. Sort, page size and algorithm are not edited here
/// and are carried over from the current query.
/// </summary>
public sealed class SourceFilterForm
{
    public string? ObjId { get; set; }
    public string? KnownClass { get; set; }
    public double? MinPeriodDays { get; set; }
    public double? MaxPeriodDays { get; set; }
    public int? Field { get; set; }
    public double? RaDeg { get; set; }
    public double? DecDeg { get; set; }
    public double? RadiusArcsec { get; set; }

    /// <summary>True: annotated only; false: not annotated (reachable through the URL); null: either.</summary>
    public bool? HasAnnotation { get; set; }

    /// <summary>The switch's view of <see cref="HasAnnotation"/>: on means annotated only, off means no filter.</summary>
    public bool AnnotatedOnly
    {
        get => HasAnnotation == true;
        set => HasAnnotation = value ? true : null;
    }

    /// <summary>Quarantined sources only (true), or none of them (false); set through the URL or the quarantine count, cleared by its chip.</summary>
    public bool? Quarantined { get; set; }

    /// <summary>Only members of this local group; set through the URL (e.g. from a saved selection), cleared by its chip.</summary>
    public string? Group { get; set; }

    public string? Tag { get; set; }
    public double? MinScore { get; set; }
    public double? MaxScore { get; set; }

    /// <summary>The form showing the filters of <paramref name="query"/>.</summary>
    public static SourceFilterForm From(SourceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new SourceFilterForm
        {
            ObjId = query.ObjId,
            KnownClass = query.KnownClass,
            MinPeriodDays = query.MinPeriodDays,
            MaxPeriodDays = query.MaxPeriodDays,
            Field = query.Field,
            RaDeg = query.RaDeg,
            DecDeg = query.DecDeg,
            RadiusArcsec = query.RadiusArcsec,
            HasAnnotation = query.HasAnnotation,
            Quarantined = query.Quarantined,
            Group = query.Group,
            Tag = query.Tag,
            MinScore = query.MinScore,
            MaxScore = query.MaxScore,
        };
    }

    /// <summary>
    /// <paramref name="current"/> with this form's filters, back on the first page (the old page number means
    /// nothing for a different set of rows). Blank text counts as no filter.
    /// </summary>
    public SourceQuery ApplyTo(SourceQuery current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current with
        {
            ObjId = Blank(ObjId),
            KnownClass = Blank(KnownClass),
            MinPeriodDays = MinPeriodDays,
            MaxPeriodDays = MaxPeriodDays,
            Field = Field,
            RaDeg = RaDeg,
            DecDeg = DecDeg,
            RadiusArcsec = RadiusArcsec,
            HasAnnotation = HasAnnotation,
            Quarantined = Quarantined,
            Group = Blank(Group),
            Tag = Blank(Tag),
            MinScore = MinScore,
            MaxScore = MaxScore,
            Page = 0,
        };
    }

    /// <summary>No filters; the sort order and page size of <paramref name="current"/> are kept.</summary>
    public static SourceQuery Cleared(SourceQuery current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new SourceQuery { SortBy = current.SortBy, Descending = current.Descending, PageSize = current.PageSize };
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
