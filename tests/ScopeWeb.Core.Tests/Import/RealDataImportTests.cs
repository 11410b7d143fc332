using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Import;
using static ScopeWeb.Core.Tests.Import.ImportTestFiles;

namespace ScopeWeb.Core.Tests.Import;

/// <summary>The real data sets of ../shared/data (see their SOURCE.md); skipped when the folder is absent.</summary>
public class RealDataImportTests
{
    private const string BtsLightCurves = "ztf_bts_snia/light_curves.csv.gz";
    private const string BtsCatalog = "ztf_bts_snia/bts_catalog.csv";
    private const string SdssLightCurves = "sdss_s82_rrlyrae/light_curves.csv.gz";
    private const string SdssLabels = "sdss_s82_rrlyrae/labels_periods.csv";

    [SkippableFact]
    public async Task All_ZTF_BTS_type_Ia_light_curves_import_with_R_as_r_and_the_stray_i()
    {
        var lightCurves = Require(BtsLightCurves);
        var catalog = Require(BtsCatalog);
        await using var c = await TestCatalog.SqliteAsync();

        var result = await Importer(c).ImportAsync([ImportFile.FromPath(lightCurves)], [ImportFile.FromPath(catalog)]);

        Assert.Equal(44_339, result.RowsRead);
        Assert.Equal(44_339, result.PointsImported);
        Assert.Equal(2_289, result.SourcesCreated);
        Assert.Equal(2_289, result.MetadataMatched);
        await using var db = c.Factory.CreateDbContext();
        var bands = await db.LightCurves.GroupBy(l => l.Band).Select(g => new { g.Key, Points = g.Sum(l => l.PointCount) }).ToListAsync();
        Assert.Equal(["g", "i", "r"], bands.Select(b => b.Key).Order(StringComparer.Ordinal));
        Assert.Equal(21_798, bands.Single(b => b.Key == "g").Points);
        Assert.Equal(22_540, bands.Single(b => b.Key == "r").Points);
        Assert.Equal("ZTF18accjdgs", await db.LightCurves.Where(l => l.Band == "i").Select(l => l.Source!.ObjId).SingleAsync());
        // Every BTS type in this set is "SN Ia" or a sub-type, all mapped to the simulator's SNIa.
        Assert.Equal(["SNIa"], await db.Sources.Select(s => s.KnownClass!).Distinct().ToListAsync());
        Assert.Equal(0, await db.Sources.CountAsync(s => s.RaDeg == null || s.DecDeg == null));
        var first = await LoadAsync(c, "ZTF17aadlxmv");
        Assert.Equal(127.44829, first.RaDeg!.Value, 5); // 08:29:47.59
        Assert.Equal(33.90633, first.DecDeg!.Value, 5); // +33:54:22.8
        Assert.Equal("import:light_curves.csv.gz", first.Origin);
    }

    [SkippableFact]
    public async Task SDSS_Stripe82_RR_Lyrae_import_in_five_bands_with_sentinels_skipped_and_labels_joined()
    {
        var lightCurves = Require(SdssLightCurves);
        var labels = Require(SdssLabels);
        await using var c = await TestCatalog.SqliteAsync();

        var result = await Importer(c).ImportAsync([ImportFile.FromPath(lightCurves)], [ImportFile.FromPath(labels)]);

        Assert.Equal(290, result.SourcesCreated);
        Assert.Equal(81_532, result.RowsRead);
        // SOURCE.md says 54 sentinel rows; the file holds 29 rows with mag >= 90 or magerr >= 9 (counted with awk too).
        Assert.Equal(29, result.SentinelRowsSkipped);
        Assert.Equal(81_532 - 29, result.PointsImported);
        Assert.Equal(290, result.MetadataMatched);
        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(["g", "i", "r", "u", "z"], (await db.LightCurves.Select(l => l.Band).Distinct().ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(229, await db.Sources.CountAsync(s => s.KnownClass == "RRab"));
        Assert.Equal(61, await db.Sources.CountAsync(s => s.KnownClass == "RRc"));
        Assert.Equal(0, await db.Sources.CountAsync(s => s.PeriodDays == null));
        var star = await LoadAsync(c, "13350");
        Assert.Equal("RRab", star.KnownClass);
        Assert.Equal(0.547987422171, star.PeriodDays);
        Assert.Equal(5, star.LightCurves.Count);
    }

    [SkippableFact]
    public async Task Re_importing_a_real_set_updates_every_source_and_duplicates_nothing()
    {
        var lightCurves = Require(SdssLightCurves);
        await using var c = await TestCatalog.SqliteAsync();
        var importer = Importer(c);
        await importer.ImportAsync([ImportFile.FromPath(lightCurves)]);

        var again = await importer.ImportAsync([ImportFile.FromPath(lightCurves)]);

        Assert.Equal(0, again.SourcesCreated);
        Assert.Equal(290, again.SourcesUpdated);
        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(290, await db.Sources.CountAsync());
        Assert.Equal(81_503, await db.LightCurves.SumAsync(l => l.PointCount));
    }

    private static string Require(string relativePath)
    {
        var path = SharedData(relativePath);
        Skip.If(path is null, $"../shared/data/{relativePath} is not here (the real data sets sit beside the repository; CI has them).");
        return path!;
    }
}
