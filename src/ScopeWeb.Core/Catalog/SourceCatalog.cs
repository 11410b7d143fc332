using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Astronomy;
using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Core.Catalog;

/// <summary>One row of the source list.</summary>
public sealed record SourceRow(
    long Id,
    string ObjId,
    double? RaDeg,
    double? DecDeg,
    int? Field,
    int? Ccd,
    int? Quad,
    double? PeriodDays,
    string? KnownClass,
    int DetectionCount,
    int AnnotationCount,
    double? Score);

/// <summary>A page of the source list and the number of sources matching the filters.</summary>
public sealed record SourcePage(IReadOnlyList<SourceRow> Rows, int TotalCount, SourceQuery Query);

/// <summary>Everything the source page shows.</summary>
public sealed record SourceDetail(
    Source Source,
    IReadOnlyDictionary<string, Photometry> LightCurves,
    IReadOnlyList<Classification> Classifications,
    IReadOnlyList<Annotation> Annotations,
    IReadOnlyDictionary<string, double?> Features,
    DateTime? FeaturesComputedAtUtc);

/// <summary>Read side of the catalog: the filtered, sorted, paged source list and single-source detail.</summary>
public sealed class SourceCatalog(IDbContextFactory<CatalogDb> dbFactory)
{
    public async Task<SourcePage> SearchAsync(SourceQuery query, CancellationToken ct = default)
    {
        var problems = query.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(query));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var sources = db.Sources.AsNoTracking();

        if (query.ObjId is { } prefix)
        {
            // A range on the unique index instead of LIKE, which SQLite would answer with a scan.
            var upper = prefix + "\uffff";
            sources = sources.Where(s => string.Compare(s.ObjId, prefix) >= 0 && string.Compare(s.ObjId, upper) < 0);
        }

        if (query.KnownClass is { } knownClass)
        {
            sources = sources.Where(s => s.KnownClass == knownClass);
        }

        if (query.MinPeriodDays is { } minP)
        {
            sources = sources.Where(s => s.PeriodDays >= minP);
        }

        if (query.MaxPeriodDays is { } maxP)
        {
            sources = sources.Where(s => s.PeriodDays <= maxP);
        }

        if (query.Field is { } field)
        {
            sources = sources.Where(s => s.Field == field);
        }

        // Both filters as "id IN (subquery)": the database builds the small set once instead of probing the
        // child table for each of a million sources (EXISTS took seconds at 1M sources).
        if (query.HasAnnotation is { } annotated)
        {
            var annotatedIds = db.Annotations.Select(a => a.SourceId);
            sources = annotated ? sources.Where(s => annotatedIds.Contains(s.Id)) : sources.Where(s => !annotatedIds.Contains(s.Id));
        }

        if (query.Quarantined is { } quarantined)
        {
            var quarantinedIds = db.Features.Where(f => f.Error != null).Select(f => f.SourceId);
            sources = quarantined ? sources.Where(s => quarantinedIds.Contains(s.Id)) : sources.Where(s => !quarantinedIds.Contains(s.Id));
        }

        if (query.Group is { } group)
        {
            var memberIds = db.GroupMembers.Where(m => m.Group!.Name == group).Select(m => m.SourceId);
            sources = sources.Where(s => memberIds.Contains(s.Id));
        }

        IQueryable<Classification>? scored = null;
        if (query.HasScoreFilter)
        {
            var tag = query.Tag;
            var algorithm = query.Algorithm;
            var min = query.MinScore ?? 0.0;
            var max = query.MaxScore ?? 1.0;
            scored = db.Classifications.Where(c =>
                (tag == null || c.Tag == tag) && (algorithm == null || c.Algorithm == algorithm) && c.Score >= min && c.Score <= max);
            var scoredIds = scored.Select(c => c.SourceId);
            sources = sources.Where(s => scoredIds.Contains(s.Id));
        }

        if (query.HasCone)
        {
            var ids = await ConeAsync(db, query.RaDeg!.Value, query.DecDeg!.Value, query.RadiusArcsec!.Value, ct).ConfigureAwait(false);
            sources = sources.Where(s => ids.Contains(s.Id));
        }

        // With the score range as the only filter, count index entries instead of joining a million sources:
        // (source, tag, algorithm) is unique, so one algorithm's matches are one row per source.
        var onlyScoreFilter = scored is not null && query.Algorithm is not null && query.Tag is not null
            && query.ObjId is null && query.KnownClass is null && query.MinPeriodDays is null && query.MaxPeriodDays is null
            && query.Field is null && query.HasAnnotation is null && query.Quarantined is null && query.Group is null && !query.HasCone;
        var total = onlyScoreFilter
            ? await scored!.CountAsync(ct).ConfigureAwait(false)
            : await sources.CountAsync(ct).ConfigureAwait(false);
        var tagForScore = query.Tag;
        var algForScore = query.ScoreAlgorithm;
        var ordered = query.SortBy == SourceSort.Score && tagForScore is not null
            ? OrderByScore(db, sources, tagForScore, algForScore, query.Descending)
            : Order(sources, query);
        var rows = await ordered
            .Skip(query.Page * query.PageSize)
            .Take(query.PageSize)
            .Select(s => new SourceRow(
                s.Id, s.ObjId, s.RaDeg, s.DecDeg, s.Field, s.Ccd, s.Quad, s.PeriodDays, s.KnownClass, s.DetectionCount,
                s.Annotations.Count(),
                tagForScore == null
                    ? null
                    : s.Classifications.Where(c => c.Tag == tagForScore && c.Algorithm == algForScore).Max(c => (double?)c.Score)))
            .ToListAsync(ct).ConfigureAwait(false);
        return new SourcePage(rows, total, query);
    }

    public async Task<SourceDetail?> GetAsync(string objId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var source = await db.Sources.AsNoTracking()
            .Include(s => s.LightCurves)
            .Include(s => s.Classifications)
            .Include(s => s.Annotations)
            .Include(s => s.Features)
            .AsSplitQuery()
            .FirstOrDefaultAsync(s => s.ObjId == objId, ct).ConfigureAwait(false);
        if (source is null)
        {
            return null;
        }

        var curves = source.LightCurves
            .OrderBy(l => BandOrder(l.Band))
            .ToDictionary(l => l.Band, l => l.ReadPhotometry(), StringComparer.Ordinal);
        var features = source.Features is null
            ? new Dictionary<string, double?>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize<Dictionary<string, double?>>(source.Features.ValuesJson) ?? [];
        return new SourceDetail(
            source,
            curves,
            source.Classifications.OrderBy(c => c.Tag, StringComparer.Ordinal).ThenBy(c => c.Algorithm, StringComparer.Ordinal).ToList(),
            source.Annotations.OrderBy(a => a.Origin, StringComparer.Ordinal).ThenBy(a => a.Key, StringComparer.Ordinal).ToList(),
            features,
            source.Features?.ComputedAtUtc);
    }

    /// <summary>Distinct known classes with their counts, for the class filter.</summary>
    public async Task<IReadOnlyList<(string KnownClass, int Count)>> KnownClassesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = await db.Sources.AsNoTracking().Where(s => s.KnownClass != null)
            .GroupBy(s => s.KnownClass!)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Count)).ToList();
    }

    /// <summary>Distinct classification tags present in the catalog.</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var tags = await db.Classifications.AsNoTracking().Select(c => c.Tag).Distinct().ToListAsync(ct).ConfigureAwait(false);
        return tags.OrderBy(t => t, StringComparer.Ordinal).ToList();
    }

    /// <summary>Sources whose features or scores failed and wait for a changed light curve (a seek on the features' Error index).</summary>
    public async Task<int> QuarantinedCountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Features.CountAsync(f => f.Error != null, ct).ConfigureAwait(false);
    }

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Sources.CountAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Ids of sources within the cone: an indexed RA/Dec box in SQL, then the exact separation here.</summary>
    private static async Task<List<long>> ConeAsync(CatalogDb db, double raDeg, double decDeg, double radiusArcsec, CancellationToken ct)
    {
        var (raMin, raMax, decMin, decMax) = SkyPosition.BoundingBox(raDeg, decDeg, radiusArcsec);
        var box = db.Sources.AsNoTracking().Where(s => s.DecDeg >= decMin && s.DecDeg <= decMax);
        box = raMin <= raMax
            ? box.Where(s => s.RaDeg >= raMin && s.RaDeg <= raMax)
            : box.Where(s => s.RaDeg >= raMin || s.RaDeg <= raMax);
        var candidates = await box.Select(s => new { s.Id, s.RaDeg, s.DecDeg }).ToListAsync(ct).ConfigureAwait(false);
        return candidates
            .Where(c => SkyPosition.SeparationArcsec(raDeg, decDeg, c.RaDeg!.Value, c.DecDeg!.Value) <= radiusArcsec)
            .Select(c => c.Id)
            .ToList();
    }

    private static IQueryable<Source> Order(IQueryable<Source> q, SourceQuery query)
    {
        var d = query.Descending;
        IOrderedQueryable<Source> ordered = query.SortBy switch
        {
            SourceSort.Ra => d ? q.OrderByDescending(s => s.RaDeg) : q.OrderBy(s => s.RaDeg),
            SourceSort.Dec => d ? q.OrderByDescending(s => s.DecDeg) : q.OrderBy(s => s.DecDeg),
            SourceSort.Period => d ? q.OrderByDescending(s => s.PeriodDays) : q.OrderBy(s => s.PeriodDays),
            SourceSort.Field => d ? q.OrderByDescending(s => s.Field) : q.OrderBy(s => s.Field),
            SourceSort.Detections => d ? q.OrderByDescending(s => s.DetectionCount) : q.OrderBy(s => s.DetectionCount),
            SourceSort.KnownClass => d ? q.OrderByDescending(s => s.KnownClass) : q.OrderBy(s => s.KnownClass),
            _ => d ? q.OrderByDescending(s => s.ObjId) : q.OrderBy(s => s.ObjId),
        };
        return query.SortBy == SourceSort.ObjId ? ordered : ordered.ThenBy(s => s.Id);
    }

    /// <summary>
    /// Sorting by a tag's score walks the (tag, algorithm, score) index and joins the sources, so the first page
    /// costs a handful of rows however many sources match. Sources without that score are not listed.
    /// </summary>
    private static IQueryable<Source> OrderByScore(CatalogDb db, IQueryable<Source> sources, string tag, string algorithm, bool descending)
    {
        var scores = db.Classifications.Where(c => c.Tag == tag && c.Algorithm == algorithm);
        var joined = scores.Join(sources, c => c.SourceId, s => s.Id, (c, s) => new { c.Score, Source = s });
        return (descending
                ? joined.OrderByDescending(x => x.Score).ThenBy(x => x.Source.Id)
                : joined.OrderBy(x => x.Score).ThenBy(x => x.Source.Id))
            .Select(x => x.Source);
    }

    /// <summary>g, r, i first (ZTF), then any other band alphabetically.</summary>
    public static int BandOrder(string band) => band switch
    {
        "g" => 0,
        "r" => 1,
        "i" => 2,
        _ => 3 + (band.Length > 0 ? band[0] : 0),
    };
}
