using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;
using static ScopeWeb.Testing.HostileLightCurveFiles;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>Case 1 of issue [6/12]: times, magnitudes and errors outside physical ranges are refused, naming file, row, column and range.</summary>
public class ImportRangeTests
{
    public static TheoryData<DatabaseProvider> Providers => CatalogWithPriorImport.Providers;

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_time_of_minus_1e300_is_refused_naming_file_row_column_and_range_and_the_catalog_is_unchanged(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        // bad-1 exists: a half-written import would change it.
        var file = c.Write("hostile_times.csv", $"{Header}\nbad-1,58005.0,g,17.30,0.02\nhost-1,58000.0,g,17.00,0.02\nhost-1,-1e300,g,17.10,0.02\n");

        var ex = await Assert.ThrowsAsync<ImportException>(() => c.Importer().ImportAsync([file]));

        Assert.StartsWith(
            "hostile_times.csv: row 3 (line 4), column \"mjd\": \"-1e300\" is outside the allowed MJD range 15020 (1900-01-01) to 88069 (2100-01-01)",
            ex.Message, StringComparison.Ordinal);
        Assert.Equal(("hostile_times.csv", 3L, "mjd"), (ex.FileName, ex.Row!.Value, ex.Column));
        await c.AssertUnchangedAsync();
    }

    [Theory]
    [InlineData("12.5", "\"12.5\" is outside the allowed MJD range 15020 (1900-01-01) to 88069 (2100-01-01)")]
    [InlineData("1e300", "\"1e300\" looks like a Julian date and was read as MJD 1E+300 (JD − 2,400,000.5), outside the allowed MJD range")]
    [InlineData("3459000.5", "\"3459000.5\" looks like a Julian date and was read as MJD 1059000 (JD − 2,400,000.5)")]
    [InlineData("90000", "\"90000\" is outside the allowed MJD range")]
    public void Times_that_are_not_a_plausible_MJD_or_JD_are_refused(string time, string expected)
    {
        using var folder = new ScratchFolder();
        var file = Write(folder, "times.csv", $"{Header}\nt-1,58000.0,g,17.00,0.02\nt-1,{time},g,17.10,0.02\n");

        var ex = Assert.Throws<ImportException>(() => Parse(file));

        Assert.StartsWith("times.csv: row 2 (line 3), column \"mjd\": " + expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("times are MJD, or a full JD/HJD ≥ 2,400,000.5, which is converted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_julian_date_in_any_time_column_is_converted_to_MJD()
    {
        using var folder = new ScratchFolder();
        var file = Write(folder, "jd.csv", "oid,time,band,mag,magerr\nj-1,2459000.5,g,17.0,0.02\nj-1,59001.25,g,17.1,0.02\n");

        var batch = Parse(file);

        Assert.Equal([59000.0, 59001.25], batch.Sources.Single().LightCurves.Single().ReadPhotometry().Mjd);
    }

    [Theory]
    [InlineData("j-1,59000,g,55,0.02,", "mag", "magnitude 55 is outside the allowed range -5 to 40 (Import:MinMag/MaxMag)")]
    [InlineData("j-1,59000,g,-27,0.02,", "mag", "magnitude -27 is outside the allowed range -5 to 40")]
    [InlineData("j-1,59000,g,17,-0.02,", "magerr", "negative error -0.02; an error must be 0 to 9 mag")]
    [InlineData("j-1,59000,g,,,60.5", "diffmaglim", "limiting magnitude 60.5 is outside the allowed range -5 to 40")]
    public void Magnitudes_limits_and_errors_outside_their_ranges_are_refused(string row, string column, string expected)
    {
        using var folder = new ScratchFolder();
        var file = Write(folder, "mags.csv", $"object_id,mjd,band,mag,magerr,diffmaglim\nj-1,58999,g,17,0.02,\n{row}\n");

        var ex = Assert.Throws<ImportException>(() => Parse(file));

        Assert.StartsWith($"mags.csv: row 2 (line 3), column \"{column}\": {expected}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sentinel_rows_are_still_skipped_not_refused()
    {
        using var folder = new ScratchFolder();
        var file = Write(folder, "sentinels.csv", $"{Header}\ns-1,58000,u,99.99,99.999\ns-1,58001,u,25.5,99.999\ns-1,58002,u,18.2,7.5\n");

        var batch = Parse(file);

        Assert.Equal(2, batch.SentinelRowsSkipped);
        Assert.Equal(1, batch.Points);
    }

    [Fact]
    public void The_limits_are_options()
    {
        using var folder = new ScratchFolder();
        var relative = Write(folder, "relative.csv", $"{Header}\nr-1,12.5,g,17.0,0.02\nr-1,13.5,g,17.1,1.5\n");
        var options = new ImportOptions { MinMjd = 0, MaxMagErr = 1 };

        var ex = Assert.Throws<ImportException>(() => Parse(relative, options));

        Assert.Equal("relative.csv: row 2 (line 3), column \"magerr\": magnitude error 1.5 is outside the allowed range 0 to 1 (Import:MaxMagErr)", ex.Message);
        Assert.Equal(2, Parse(relative, new ImportOptions { MinMjd = 0 }).Points);
    }

    [Fact]
    public void Inconsistent_options_are_refused_before_reading()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new ImportOptions { MinMjd = 60_000, MaxMjd = 50_000 }.Validate());
        Assert.Contains("Import:MinMjd (60000) must be below Import:MaxMjd (50000)", error.Message, StringComparison.Ordinal);
    }

    internal static ImportFile Write(ScratchFolder folder, string name, string text)
    {
        var path = folder.File(name);
        File.WriteAllText(path, text);
        return new ImportFile(path, name);
    }

    internal static LightCurveBatch Parse(ImportFile file, ImportOptions? options = null) =>
        LightCurveImporter.Parse([file], [], options ?? new ImportOptions(), DateTime.UnixEpoch, null, CancellationToken.None);
}
