using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.Catalog;

/// <summary>The source list's filters, sorting and paging, against both real stores.</summary>
public class SourceCatalogTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static async Task<TestCatalog> SeededAsync(DatabaseProvider provider)
    {
        var catalog = await TestCatalog.CreateAsync(provider);
        var sources = new List<Source>
        {
            SourceBuilder.Make(10.0, 20.0, "RRab", 0.55, field: 301),
            SourceBuilder.Make(10.002, 20.001, "RRc", 0.31, field: 301),      // ~7.7" from the first
            SourceBuilder.Make(10.1, 20.0, "EW", 0.35, field: 301),           // ~338" away
            SourceBuilder.Make(200.0, -5.0, "Mira", 320.0, field: 487),
            SourceBuilder.Make(359.999, 1.0, "AGN", null, field: 700),        // across RA 0 from the next
            SourceBuilder.Make(0.001, 1.0, "Constant", null, field: 700, points: 5, bands: ["g"]),
        };
        await catalog.Writer.WriteAsync(sources, ExistingSourcePolicy.Reject, atomic: true);

        await using var db = catalog.Factory.CreateDbContext();
        var ids = await db.Sources.ToDictionaryAsync(s => s.KnownClass!, s => s.Id);
        db.Classifications.AddRange(
            new Classification { SourceId = ids["RRab"], Tag = "rrlyr", Algorithm = "dnn", Score = 0.95, ModelVersion = "t1" },
            new Classification { SourceId = ids["RRab"], Tag = "rrlyr", Algorithm = "xgb", Score = 0.40, ModelVersion = "t1" },
            new Classification { SourceId = ids["RRc"], Tag = "rrlyr", Algorithm = "dnn", Score = 0.80, ModelVersion = "t1" },
            new Classification { SourceId = ids["EW"], Tag = "ew", Algorithm = "dnn", Score = 0.99, ModelVersion = "t1" });
        db.Annotations.Add(new Annotation { SourceId = ids["Mira"], Origin = "revisedperiod", Key = "period", Value = "331.2", Author = "test" });
        await db.SaveChangesAsync();
        return catalog;
    }

    private static async Task<List<string?>> ClassesAsync(TestCatalog c, SourceQuery q) =>
        (await c.Catalog.SearchAsync(q)).Rows.Select(r => r.KnownClass).ToList();

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Unfiltered_list_counts_everything_and_pages(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);
        var page1 = await c.Catalog.SearchAsync(new SourceQuery { PageSize = 4 });
        var page2 = await c.Catalog.SearchAsync(new SourceQuery { PageSize = 4, Page = 1 });

        Assert.Equal(6, page1.TotalCount);
        Assert.Equal(4, page1.Rows.Count);
        Assert.Equal(2, page2.Rows.Count);
        Assert.Empty(page1.Rows.Select(r => r.Id).Intersect(page2.Rows.Select(r => r.Id)));
        Assert.Equal(page1.Rows.Select(r => r.ObjId).Order(StringComparer.Ordinal), page1.Rows.Select(r => r.ObjId));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Filters_by_class_period_field_and_id_prefix(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);

        Assert.Equal(["RRab"], await ClassesAsync(c, new SourceQuery { KnownClass = "RRab" }));
        Assert.Equal(["RRc", "EW", "RRab"], await ClassesAsync(c, new SourceQuery { MinPeriodDays = 0.3, MaxPeriodDays = 1, SortBy = SourceSort.Period }));
        Assert.Equal(3, (await c.Catalog.SearchAsync(new SourceQuery { Field = 301 })).TotalCount);
        var prefix = (await c.Catalog.SearchAsync(new SourceQuery { ObjId = "ZTFJ1320" })).Rows.Single();
        Assert.Equal("Mira", prefix.KnownClass);
        Assert.Empty((await c.Catalog.SearchAsync(new SourceQuery { ObjId = "ZTFJ99" })).Rows);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Score_range_applies_to_the_chosen_tag_and_algorithm(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);

        var high = await c.Catalog.SearchAsync(new SourceQuery { Tag = "rrlyr", MinScore = 0.7, SortBy = SourceSort.Score, Descending = true });
        Assert.Equal(["RRab", "RRc"], high.Rows.Select(r => r.KnownClass));
        Assert.Equal(0.95, high.Rows[0].Score);

        Assert.Equal(["RRab"], await ClassesAsync(c, new SourceQuery { Tag = "rrlyr", Algorithm = "xgb", MaxScore = 0.5 }));
        var xgb = (await c.Catalog.SearchAsync(new SourceQuery { Tag = "rrlyr", Algorithm = "xgb", SortBy = SourceSort.Score })).Rows.Single();
        Assert.Equal(0.40, xgb.Score);
        var ascending = await c.Catalog.SearchAsync(new SourceQuery { Tag = "rrlyr", SortBy = SourceSort.Score });
        Assert.Equal(["RRc", "RRab"], ascending.Rows.Select(r => r.KnownClass));
        Assert.Empty(await ClassesAsync(c, new SourceQuery { Tag = "ew", MaxScore = 0.5 }));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Cone_search_uses_the_true_separation_and_wraps_at_ra_zero(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);

        Assert.Equal(["RRab"], await ClassesAsync(c, new SourceQuery { RaDeg = 10.0, DecDeg = 20.0, RadiusArcsec = 5 }));
        Assert.Equal(["RRab", "RRc"], await ClassesAsync(c, new SourceQuery { RaDeg = 10.0, DecDeg = 20.0, RadiusArcsec = 10, SortBy = SourceSort.Period, Descending = true }));
        Assert.Equal(3, (await c.Catalog.SearchAsync(new SourceQuery { RaDeg = 10.05, DecDeg = 20.0, RadiusArcsec = 400 })).TotalCount);
        var wrap = await ClassesAsync(c, new SourceQuery { RaDeg = 0.0, DecDeg = 1.0, RadiusArcsec = 10 });
        Assert.Equal(["AGN", "Constant"], wrap.Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Has_annotation_filter_and_counts(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);

        var annotated = (await c.Catalog.SearchAsync(new SourceQuery { HasAnnotation = true })).Rows.Single();
        Assert.Equal("Mira", annotated.KnownClass);
        Assert.Equal(1, annotated.AnnotationCount);
        Assert.Equal(5, (await c.Catalog.SearchAsync(new SourceQuery { HasAnnotation = false })).TotalCount);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Detail_decodes_light_curves_and_lists_scores_and_notes(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);
        var rrab = (await c.Catalog.SearchAsync(new SourceQuery { KnownClass = "RRab" })).Rows.Single();

        var detail = await c.Catalog.GetAsync(rrab.ObjId);

        Assert.NotNull(detail);
        Assert.Equal(["g", "r"], detail.LightCurves.Keys);
        Assert.Equal(21, detail.LightCurves["g"].Count);
        Assert.Equal(1, detail.LightCurves["g"].IsUpperLimit.Count(u => u));
        Assert.Equal(40, rrab.DetectionCount);
        Assert.Equal(["dnn", "xgb"], detail.Classifications.Select(x => x.Algorithm));
        Assert.Null(await c.Catalog.GetAsync("ZTFJ000000.00+000000.1"));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Known_classes_come_with_counts(DatabaseProvider provider)
    {
        await using var c = await SeededAsync(provider);
        var classes = await c.Catalog.KnownClassesAsync();
        Assert.Equal(6, classes.Count);
        Assert.All(classes, x => Assert.Equal(1, x.Count));
        Assert.Equal(["ew", "rrlyr"], await c.Catalog.TagsAsync());
    }
}
