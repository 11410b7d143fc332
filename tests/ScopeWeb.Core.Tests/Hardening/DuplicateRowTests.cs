using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;
using static ScopeWeb.Core.Tests.Import.ImportTestFiles;
using static ScopeWeb.Testing.HostileLightCurveFiles;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Case 8 of issue [6/12]: repeated (object, mjd, band) rows with different magnitudes imported without a word. Exact
/// repeats are now collapsed and counted; conflicting ones are counted per file and kept, merged or refused.
/// </summary>
public class DuplicateRowTests
{
    /// <summary>Row 2 repeats row 1 exactly; rows 3 and 4 repeat row 1's time with other values; row 5 is another time.</summary>
    private const string Repeats = Header + "\n"
        + "dup-1,58000.5,g,17.10,0.02\n"
        + "dup-1,58000.5,g,17.10,0.02\n"
        + "dup-1,58000.5,g,17.30,0.04\n"
        + "dup-1,58000.5,g,17.20,0.02\n"
        + "dup-1,58001.5,g,17.40,0.03\n";

    public static TheoryData<DatabaseProvider> Providers => CatalogWithPriorImport.Providers;

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task By_default_conflicting_rows_are_kept_and_counted_per_file_and_exact_repeats_collapsed(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        var file = c.Write("repeats.csv", Repeats);

        var result = await c.Importer().ImportAsync([file]);

        Assert.Equal(5, result.RowsRead);
        Assert.Equal(4, result.PointsImported);
        Assert.Equal(new DuplicateCounts(DuplicatePolicy.Keep, 1, 2, result.Duplicates.ByFile), result.Duplicates);
        Assert.Equal([new FileDuplicateCounts("repeats.csv", 1, 2)], result.Duplicates.ByFile);
        Assert.Equal(
            "1 exact repeats collapsed; 2 conflicting rows (same object, band and time, different mag or error) kept",
            result.Duplicates.Describe());
        var g = (await LoadAsync(c.Catalog, "dup-1")).LightCurves.Single().ReadPhotometry();
        Assert.Equal([58000.5, 58000.5, 58000.5, 58001.5], g.Mjd);
        Assert.Equal([17.1f, 17.3f, 17.2f, 17.4f], g.Mag);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task With_reject_the_first_conflicting_row_is_named_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        var file = c.Write("repeats.csv", Repeats.Replace("dup-1", "bad-1", StringComparison.Ordinal));

        var ex = await Assert.ThrowsAsync<ImportException>(() =>
            c.Importer(new ImportOptions { Duplicates = DuplicatePolicy.Reject }).ImportAsync([file]));

        Assert.Equal(
            "repeats.csv: row 3: object \"bad-1\", band g, MJD 58000.5: mag 17.3 ± 0.04 here, but mag 17.1 ± 0.02 at row 1 "
            + "(same object, band and time, different mag or error). Conflicting rows in this import: repeats.csv: 2. "
            + "Duplicates are set to reject (Import:Duplicates, --duplicates); keep imports every row as read, merge their inverse-variance weighted mean.",
            ex.Message);
        Assert.Equal(3, ex.Row);
        await c.AssertUnchangedAsync();
    }

    [Fact]
    public async Task With_merge_conflicting_rows_become_their_inverse_variance_weighted_mean()
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(DatabaseProvider.Sqlite);
        var file = c.Write("repeats.csv", Repeats);

        var result = await c.Importer(new ImportOptions { Duplicates = DuplicatePolicy.Merge }).ImportAsync([file]);

        Assert.Equal(2, result.PointsImported);
        Assert.Equal((1, 2), (result.Duplicates.ExactCollapsed, result.Duplicates.Conflicting));
        var g = (await LoadAsync(c.Catalog, "dup-1")).LightCurves.Single().ReadPhotometry();
        Assert.Equal([58000.5, 58001.5], g.Mjd);
        // 17.1 ± 0.02, 17.3 ± 0.04, 17.2 ± 0.02 (the exact repeat of the first counted once): weights 2500, 625, 2500.
        var w = new[] { 1 / (0.02 * 0.02), 1 / (0.04 * 0.04), 1 / (0.02 * 0.02) };
        var mean = ((w[0] * 17.1f) + (w[1] * 17.3f) + (w[2] * 17.2f)) / w.Sum();
        Assert.Equal((float)mean, g.Mag[0]);
        Assert.Equal((float)(1 / Math.Sqrt(w.Sum())), g.MagErr[0], 1e-6f);
        Assert.Equal(17.4f, g.Mag[1]);
    }

    [Fact]
    public void Repeats_across_files_are_counted_against_the_file_that_repeats()
    {
        using var folder = new ScratchFolder();
        var first = ImportRangeTests.Write(folder, "first.csv", $"{Header}\nx-1,58000,g,17.0,0.02\nx-1,58001,g,17.1,0.02\n");
        var second = ImportRangeTests.Write(folder, "second.csv", $"{Header}\nx-1,58000,g,17.0,0.02\nx-1,58001,g,17.5,0.02\n");

        var batch = LightCurveImporter.Parse([first, second], [], new ImportOptions(), DateTime.UnixEpoch, null, CancellationToken.None);
        var ex = Assert.Throws<ImportException>(() =>
            LightCurveImporter.Parse([first, second], [], new ImportOptions { Duplicates = DuplicatePolicy.Reject }, DateTime.UnixEpoch, null, CancellationToken.None));

        Assert.Equal([new FileDuplicateCounts("second.csv", 1, 1)], batch.Duplicates.ByFile);
        Assert.StartsWith("second.csv: row 2: object \"x-1\", band g, MJD 58001: mag 17.5 ± 0.02 here, but mag 17.1 ± 0.02 at first.csv row 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_times_keep_the_order_they_were_read_in_and_upper_limits_merge_to_the_detection_or_the_faintest_limit()
    {
        var detection = new ImportedPoint(58000, 18.0f, 0.05f, 0, false, 0, 1);
        var shallow = new ImportedPoint(58000, 19.5f, float.NaN, 0, true, 0, 2);
        var deep = new ImportedPoint(58000, 20.5f, float.NaN, 4, true, 0, 3);

        Assert.Equal(detection with { CatFlags = 4 }, RepeatedEpochs.Merge([shallow, detection, deep]));
        Assert.Equal(deep, RepeatedEpochs.Merge([shallow, deep]));
        // A zero error outweighs any other: such points are averaged alone.
        var exact = new ImportedPoint(58000, 17.0f, 0f, 0, false, 0, 4);
        var merged = RepeatedEpochs.Merge([detection, exact]);
        Assert.Equal((17.0f, 0f), (merged.Mag, merged.MagErr));
    }

    [Fact]
    public void An_unsorted_light_curve_is_sorted_by_time_with_equal_times_in_read_order()
    {
        using var folder = new ScratchFolder();
        var file = ImportRangeTests.Write(folder, "unsorted.csv",
            $"{Header}\nu-1,58003,g,17.3,0.02\nu-1,58001,g,17.1,0.02\nu-1,58003,g,17.9,0.02\nu-1,58002,g,17.2,0.02\nu-1,58003,g,17.5,0.02\n");

        var g = ImportRangeTests.Parse(file).Sources.Single().LightCurves.Single().ReadPhotometry();

        Assert.Equal([58001.0, 58002, 58003, 58003, 58003], g.Mjd);
        Assert.Equal([17.1f, 17.2f, 17.3f, 17.9f, 17.5f], g.Mag);
    }
}
