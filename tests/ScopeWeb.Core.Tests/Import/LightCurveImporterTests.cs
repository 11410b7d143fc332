using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;
using static ScopeWeb.Core.Tests.Import.ImportTestFiles;

namespace ScopeWeb.Core.Tests.Import;

public class LightCurveImporterTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task ZTF_alert_spellings_map_fid_123_to_gri_and_full_julian_dates_to_mjd(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);

        var result = await Importer(c).ImportAsync([Fixture("ztf_alert_aliases.csv")]);

        Assert.Equal(6, result.RowsRead);
        Assert.Equal(6, result.PointsImported);
        Assert.Equal(2, result.SourcesCreated);
        Assert.Equal(0, result.SourcesUpdated);
        var a = await LoadAsync(c, "ZTF20aaaaaaa");
        Assert.Equal(["g", "i", "r"], a.LightCurves.Select(l => l.Band).Order(StringComparer.Ordinal));
        var g = a.LightCurves.Single(l => l.Band == "g").ReadPhotometry();
        Assert.Equal([58899.25, 58900.25], g.Mjd);
        Assert.Equal([18.6f, 18.5f], g.Mag);
        Assert.Equal([0.05f, 0.05f], g.MagErr);
        var i = a.LightCurves.Single(l => l.Band == "i").ReadPhotometry();
        Assert.Equal([(ushort)32768], i.CatFlags);
        Assert.Equal(150.0, a.RaDeg);
        Assert.Equal(2.5, a.DecDeg);
        Assert.Equal("import:ztf_alert_aliases.csv", a.Origin);
        Assert.Equal(4, a.DetectionCount);
        var b = await LoadAsync(c, "ZTF20bbbbbbb");
        Assert.Equal(2, b.LightCurves.Single(l => l.Band == "r").PointCount);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Capitalised_headers_and_ANTARES_R_band_are_accepted(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);

        await Importer(c).ImportAsync([Fixture("antares_capitalised.csv")]);

        var src1 = await LoadAsync(c, "src-1");
        Assert.Equal(2, src1.LightCurves.Single(l => l.Band == "g").PointCount);
        Assert.Equal([16.9f, 16.8f], src1.LightCurves.Single(l => l.Band == "r").ReadPhotometry().Mag);
        var src2 = await LoadAsync(c, "src-2");
        Assert.Equal("r", Assert.Single(src2.LightCurves).Band);
    }

    [Fact]
    public async Task A_bad_value_is_reported_with_file_row_line_and_column()
    {
        await using var c = await TestCatalog.SqliteAsync();

        var ex = await Assert.ThrowsAsync<ImportException>(() => Importer(c).ImportAsync([Fixture("bad_row_last.csv")]));

        Assert.Equal("bad_row_last.csv: row 9 (line 10), column \"mag\": \"abc\" is not a number", ex.Message);
        Assert.Equal("bad_row_last.csv", ex.FileName);
        Assert.Equal(9, ex.Row);
        Assert.Equal("mag", ex.Column);
    }

    [Theory]
    [InlineData("bad_band.csv", "bad_band.csv: row 2 (line 3), column \"band\": unknown band \"Q\";")]
    [InlineData("negative_magerr.csv", "negative_magerr.csv: row 3 (line 4), column \"magerr\": negative error -0.02")]
    [InlineData("non_finite_time.csv", "non_finite_time.csv: row 2 (line 3), column \"mjd\": \"NaN\" is not a number")]
    [InlineData("missing_magerr.csv", "missing_magerr.csv: no magnitude error column; accepted headers (any case): magerr, sigmapsf")]
    public async Task Invalid_rows_and_missing_columns_are_errors_naming_the_place(string fixture, string expectedStart)
    {
        await using var c = await TestCatalog.SqliteAsync();

        var ex = await Assert.ThrowsAsync<ImportException>(() => Importer(c).ImportAsync([Fixture(fixture)]));

        Assert.StartsWith(expectedStart, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await c.Catalog.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_bad_last_row_leaves_the_catalog_unchanged_even_for_sources_it_would_update(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await Importer(c).ImportAsync([Fixture("prior_good.csv")]);
        var before = await SnapshotAsync(c);

        // bad-1 exists and would get new bands; bad-2 and bad-3 parse fine until the last row of the file.
        await Assert.ThrowsAsync<ImportException>(() => Importer(c).ImportAsync([Fixture("bad_row_last.csv")]));

        Assert.Equal(before, await SnapshotAsync(c));
        Assert.Equal(2, (await LoadAsync(c, "bad-1")).LightCurves.Single().PointCount);
    }

    [Fact]
    public async Task A_bad_second_file_leaves_nothing_of_the_first()
    {
        await using var c = await TestCatalog.SqliteAsync();

        var ex = await Assert.ThrowsAsync<ImportException>(() =>
            Importer(c).ImportAsync([Fixture("antares_capitalised.csv"), Fixture("bad_band.csv")]));

        Assert.Equal("bad_band.csv", ex.FileName);
        Assert.Equal(0, await c.Catalog.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_write_cancelled_after_the_first_batch_is_rolled_back(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await Importer(c).ImportAsync([Fixture("prior_good.csv")]);
        var before = await SnapshotAsync(c);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<ImportProgress>(p =>
        {
            if (p is { Stage: ImportStage.Writing, SourcesWritten: >= 1 })
            {
                cts.Cancel();
            }
        });
        var importer = Importer(c, new CatalogWriter(c.Factory) { BatchSize = 1 });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            importer.ImportAsync([Fixture("ztf_alert_aliases.csv"), Fixture("antares_capitalised.csv")], progress: progress, ct: cts.Token));

        Assert.Equal(before, await SnapshotAsync(c));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Importing_the_same_file_again_replaces_bands_instead_of_adding(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        var importer = Importer(c);
        await importer.ImportAsync([Fixture("ztf_alert_aliases.csv")]);
        var first = await SnapshotWithoutTimesAsync(c);

        var again = await importer.ImportAsync([Fixture("ztf_alert_aliases.csv")]);

        Assert.Equal(0, again.SourcesCreated);
        Assert.Equal(2, again.SourcesUpdated);
        Assert.Equal(first, await SnapshotWithoutTimesAsync(c));
        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(4, await db.LightCurves.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Empty_mag_with_a_limit_and_flagged_rows_become_upper_limits(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);

        var result = await Importer(c).ImportAsync([Fixture("upper_limits.csv")]);

        Assert.Equal(2, result.UpperLimits);
        var s = await LoadAsync(c, "ul-1");
        var g = s.LightCurves.Single(l => l.Band == "g").ReadPhotometry();
        Assert.Equal([false, true], g.IsUpperLimit);
        Assert.Equal([18.0f, 20.7f], g.Mag);
        Assert.True(float.IsNaN(g.MagErr[1]));
        var r = s.LightCurves.Single(l => l.Band == "r").ReadPhotometry();
        Assert.Equal([true, false], r.IsUpperLimit);
        Assert.Equal([19.9f, 18.5f], r.Mag);
        Assert.Equal(2, s.DetectionCount);
    }

    [Fact]
    public async Task SDSS_sentinel_rows_are_skipped_and_counted()
    {
        await using var c = await TestCatalog.SqliteAsync();

        var result = await Importer(c).ImportAsync([Fixture("sdss_sentinels.csv")]);

        Assert.Equal(13, result.RowsRead);
        Assert.Equal(3, result.SentinelRowsSkipped);
        Assert.Equal(10, result.PointsImported);
        var star = await LoadAsync(c, "4099");
        Assert.Equal(["g", "i", "r", "u", "z"], star.LightCurves.Select(l => l.Band).Order(StringComparer.Ordinal));
        Assert.Equal([17.764f], star.LightCurves.Single(l => l.Band == "u").ReadPhotometry().Mag);
        // 5521's only z row is a sentinel, so it has no z light curve at all.
        var other = await LoadAsync(c, "5521");
        Assert.Equal(["g", "i", "r", "u"], other.LightCurves.Select(l => l.Band).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Gzip_is_recognised_by_its_magic_bytes_not_its_name()
    {
        await using var c = await TestCatalog.SqliteAsync();
        var dir = Directory.CreateTempSubdirectory("scopeweb-import-gz-");
        try
        {
            var gzipNamedCsv = Path.Combine(dir.FullName, "compressed.csv");
            File.Copy(Fixture("antares_capitalised.csv.gz").Path, gzipNamedCsv);
            var plainNamedGz = Path.Combine(dir.FullName, "plain.csv.gz");
            File.Copy(Fixture("antares_capitalised.csv").Path, plainNamedGz);
            var importer = Importer(c);

            var plain = await importer.ParseAsync([Fixture("antares_capitalised.csv")]);
            foreach (var file in new[] { Fixture("antares_capitalised.csv.gz"), ImportFile.FromPath(gzipNamedCsv), ImportFile.FromPath(plainNamedGz) })
            {
                var batch = await importer.ParseAsync([file]);
                Assert.Equal(plain.Points, batch.Points);
                Assert.Equal(
                    plain.Sources.SelectMany(s => s.LightCurves.Select(l => (s.ObjId, l.Band, Convert.ToHexString(l.Data)))),
                    batch.Sources.SelectMany(s => s.LightCurves.Select(l => (s.ObjId, l.Band, Convert.ToHexString(l.Data)))));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task BTS_style_metadata_gives_positions_and_SNIa_class(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);

        var result = await Importer(c).ImportAsync([Fixture("ztf_alert_aliases.csv")], [Fixture("bts_catalog_style.csv")]);

        Assert.Equal(2, result.MetadataMatched);
        var a = await LoadAsync(c, "ZTF20aaaaaaa");
        Assert.Equal("SNIa", a.KnownClass);
        Assert.Equal(150.0, a.RaDeg!.Value, 9);
        Assert.Equal(2.5, a.DecDeg!.Value, 9);
        var b = await LoadAsync(c, "ZTF20bbbbbbb");
        Assert.Equal("SN II", b.KnownClass);
        // The metadata file's position wins over the one on the light-curve rows (210.25).
        Assert.Equal(210.2505, b.RaDeg!.Value, 9);
        Assert.Equal(-5.75, b.DecDeg!.Value, 9);
    }

    [Fact]
    public async Task SDSS_labels_give_RR_Lyrae_classes_and_periods()
    {
        await using var c = await TestCatalog.SqliteAsync();

        var result = await Importer(c).ImportAsync([Fixture("sdss_sentinels.csv")], [Fixture("sdss_labels.csv")]);

        Assert.Equal(2, result.MetadataMatched);
        var ab = await LoadAsync(c, "4099");
        Assert.Equal("RRab", ab.KnownClass);
        Assert.Equal(0.547987422171, ab.PeriodDays);
        var rrc = await LoadAsync(c, "5521");
        Assert.Equal("RRc", rrc.KnownClass);
        Assert.Equal(0.31149403602, rrc.PeriodDays);
        Assert.Equal(2, await c.Catalog.CountAsync());
    }

    [Fact]
    public async Task A_bad_metadata_value_is_reported_and_nothing_is_written()
    {
        await using var c = await TestCatalog.SqliteAsync();

        var ex = await Assert.ThrowsAsync<ImportException>(() =>
            Importer(c).ImportAsync([Fixture("ztf_alert_aliases.csv")], [Fixture("bad_metadata.csv")]));

        Assert.StartsWith("bad_metadata.csv: row 2 (line 3), column \"RA\": \"25:00:00.00\" is not a right ascension", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await c.Catalog.CountAsync());
    }

    [Fact]
    public async Task Non_detections_in_a_second_file_merge_into_the_same_light_curves()
    {
        await using var c = await TestCatalog.SqliteAsync();

        var result = await Importer(c).ImportAsync([Fixture("ztf_alert_aliases.csv"), Fixture("alert_non_detections.csv")]);

        Assert.Equal(2, result.UpperLimits);
        Assert.Equal(8, result.PointsImported);
        var a = await LoadAsync(c, "ZTF20aaaaaaa");
        var g = a.LightCurves.Single(l => l.Band == "g").ReadPhotometry();
        Assert.Equal([58898.25, 58899.25, 58900.25], g.Mjd);
        Assert.Equal([true, false, false], g.IsUpperLimit);
        Assert.Equal(20.4f, g.Mag[0]);
        var r = a.LightCurves.Single(l => l.Band == "r").ReadPhotometry();
        Assert.Equal([58897.25, 58901.25], r.Mjd);
        Assert.Equal(4, a.DetectionCount);
    }

    [Fact]
    public async Task Progress_goes_from_parsing_to_writing_every_source()
    {
        await using var c = await TestCatalog.SqliteAsync();
        var reports = new List<ImportProgress>();

        await Importer(c).ImportAsync([Fixture("ztf_alert_aliases.csv")], progress: new SyncProgress<ImportProgress>(reports.Add));

        var parsing = reports.Where(p => p.Stage == ImportStage.Parsing).ToList();
        Assert.NotEmpty(parsing);
        Assert.Equal(6, parsing[^1].RowsRead);
        Assert.Equal("ztf_alert_aliases.csv", parsing[^1].FileName);
        var last = reports[^1];
        Assert.Equal(ImportStage.Writing, last.Stage);
        Assert.Equal(2, last.SourcesTotal);
        Assert.Equal(2, last.SourcesWritten);
        Assert.True(reports.FindIndex(p => p.Stage == ImportStage.Writing) > reports.FindLastIndex(p => p.Stage == ImportStage.Parsing));
    }

    private static async Task<string> SnapshotWithoutTimesAsync(TestCatalog c)
    {
        await using var db = c.Factory.CreateDbContext();
        var curves = await db.LightCurves.AsNoTracking().Include(l => l.Source).ToListAsync();
        return string.Join(
            "\n",
            curves.Select(l => $"{l.Source!.ObjId}|{l.Band}|{l.PointCount}|{Convert.ToHexString(l.Data)}|{l.Source.DetectionCount}|{l.Source.Origin}")
                .Order(StringComparer.Ordinal));
    }
}
