using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;
using static ScopeWeb.Cli.Tests.Import.CliImportRun;
using static ScopeWeb.Testing.HostileLightCurveFiles;

namespace ScopeWeb.Cli.Tests.Hardening;

/// <summary>
/// Issue [6/12] cases 1, 2, 3 and 8 through <c>scope import-lightcurves</c>: one <c>error: …</c> line naming the file
/// (and row and column), exit code 1, no stack trace, and the catalog as it was, on SQLite and PostgreSQL.
/// </summary>
public sealed class ImportHardeningCommandTests : IDisposable
{
    private readonly ScratchFolder _folder = new();

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    public void Dispose() => _folder.Dispose();

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Case_1_a_time_of_minus_1e300_exits_1_naming_file_row_column_and_range(DatabaseProvider provider)
    {
        await using var catalog = await PriorCatalog.CreateAsync(provider);
        var path = WriteText("hostile_times.csv", $"{Header}\nbad-1,58005.0,g,17.30,0.02\nhost-1,58000.0,g,17.00,0.02\nhost-1,-1e300,g,17.10,0.02\n");

        var (exit, output, error) = await catalog.ImportAsync(path);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        AssertOneError(error,
            "error: import failed, nothing was written: hostile_times.csv: row 3 (line 4), column \"mjd\": \"-1e300\" is outside the allowed MJD range 15020 (1900-01-01) to 88069 (2100-01-01)");
        await catalog.AssertUnchangedAsync();
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Case_2_a_small_gzip_of_55_million_rows_of_one_object_exits_1_at_the_points_per_object_limit(DatabaseProvider provider)
    {
        await using var catalog = await PriorCatalog.CreateAsync(provider);
        var path = _folder.File("bomb.csv.gz");
        WriteGzipBomb(path, "ZTF24bomb", 55_000_000);

        var (exit, _, error) = await catalog.ImportAsync(path);

        Assert.Equal(1, exit);
        AssertOneError(error,
            "error: import failed, nothing was written: bomb.csv.gz: row 1000001 (line 1000002), column \"object_id\": object \"ZTF24bomb\" has more than 1,000,000 points");
        Assert.DoesNotContain("blob", error, StringComparison.OrdinalIgnoreCase);
        await catalog.AssertUnchangedAsync();
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Case_3_a_gzip_cut_mid_value_exits_1_as_truncated(DatabaseProvider provider)
    {
        await using var catalog = await PriorCatalog.CreateAsync(provider);
        var path = WriteBytes("cut_mid_value.csv.gz", GzipCutAfter($"{Header}\nbad-1,58003.0,g,17.00,0.05\nbad-1,58004.0,g,17.10,0.0", "5\n"));

        var (exit, output, error) = await catalog.ImportAsync(path);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        AssertOneError(error, "error: import failed, nothing was written: cut_mid_value.csv.gz: the gzip data is truncated: the file ends inside compressed member 1");
        await catalog.AssertUnchangedAsync();
    }

    [SkippableTheory]
    [InlineData("missing_trailer", "gzip member 1 does not end with its trailer (the CRC-32 and length after the compressed data): the file is truncated or damaged")]
    [InlineData("cut_in_half", "the gzip data is truncated: the file ends inside compressed member 1")]
    [InlineData("bad_crc", "gzip member 1 fails its CRC-32 check")]
    public async Task Case_3_a_gzip_without_its_trailer_cut_in_half_or_with_a_bad_CRC_exits_1_naming_the_file_never_a_column_count(string kind, string expected)
    {
        await using var catalog = await PriorCatalog.CreateAsync(DatabaseProvider.Sqlite);
        var whole = Gzip(ManyRows(kind == "cut_in_half" ? 200_000 : 50));
        var bytes = kind switch
        {
            "missing_trailer" => whole[..^8],
            "cut_in_half" => whole[..(whole.Length / 2)],
            _ => Flip(whole, whole.Length - 8),
        };
        var path = WriteBytes(kind + ".csv.gz", bytes);

        var (exit, _, error) = await catalog.ImportAsync(path);

        Assert.Equal(1, exit);
        AssertOneError(error, $"error: import failed, nothing was written: {kind}.csv.gz: {expected}");
        Assert.DoesNotContain("fields", error, StringComparison.Ordinal);
        await catalog.AssertUnchangedAsync();
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Case_8_repeated_rows_are_kept_by_default_and_counted_per_file_in_the_summary(DatabaseProvider provider)
    {
        await using var catalog = await PriorCatalog.CreateAsync(provider);
        var path = WriteText("repeats.csv", $"{Header}\ndup-1,58000.5,g,17.10,0.02\ndup-1,58000.5,g,17.10,0.02\ndup-1,58000.5,g,17.30,0.04\ndup-1,58001.5,g,17.40,0.03\n");

        var (exit, output, _) = await catalog.ImportAsync(path);

        Assert.Equal(0, exit);
        Assert.Contains("Imported 3 points of 1 sources (1 created, 0 updated) from repeats.csv.", output, StringComparison.Ordinal);
        Assert.Contains(
            "  duplicates: 1 exact repeats collapsed; 1 conflicting rows (same object, band and time, different mag or error) kept (--duplicates keep)",
            output, StringComparison.Ordinal);
        Assert.Contains("    repeats.csv: 1 exact, 1 conflicting", output, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Case_8_with_duplicates_reject_the_import_exits_1_naming_file_and_row(DatabaseProvider provider)
    {
        await using var catalog = await PriorCatalog.CreateAsync(provider);
        var path = WriteText("repeats.csv", $"{Header}\nbad-1,58000.5,g,17.10,0.02\nbad-1,58000.5,g,17.30,0.04\n");

        var (exit, _, error) = await catalog.ImportAsync(path, "--duplicates", "reject");

        Assert.Equal(1, exit);
        AssertOneError(error,
            "error: import failed, nothing was written: repeats.csv: row 2: object \"bad-1\", band g, MJD 58000.5: mag 17.3 ± 0.04 here, but mag 17.1 ± 0.02 at row 1");
        await catalog.AssertUnchangedAsync();
    }

    [Fact]
    public async Task Case_8_with_duplicates_merge_one_weighted_point_is_stored()
    {
        await using var catalog = await PriorCatalog.CreateAsync(DatabaseProvider.Sqlite);
        var path = WriteText("repeats.csv", $"{Header}\ndup-1,58000.5,g,17.00,0.02\ndup-1,58000.5,g,17.30,0.02\n");

        var (exit, output, _) = await catalog.ImportAsync(path, "--duplicates", "merge");

        Assert.Equal(0, exit);
        Assert.Contains("Imported 1 points", output, StringComparison.Ordinal);
        Assert.Contains("1 conflicting rows (same object, band and time, different mag or error) merged into their weighted mean (--duplicates merge)", output, StringComparison.Ordinal);
        await using var db = catalog.Catalog.Factory.CreateDbContext();
        var g = (await db.LightCurves.SingleAsync(l => l.Source!.ObjId == "dup-1")).ReadPhotometry();
        Assert.Equal(17.15f, g.Mag.Single(), 1e-5f);
    }

    [Fact]
    public async Task The_limits_have_flags_that_override_the_settings_and_are_validated()
    {
        await using var catalog = await PriorCatalog.CreateAsync(DatabaseProvider.Sqlite);
        var path = WriteText("three.csv", $"{Header}\nt-1,58000,g,17,0.02\nt-1,58001,g,17,0.02\nt-1,58002,g,17,0.02\n");

        var limited = await catalog.ImportAsync(path, "--max-points-per-object", "2");
        var invalid = await catalog.ImportAsync(path, "--max-points-per-object", "0");
        var tooMuchText = await catalog.ImportAsync(WriteText("large.csv", ManyRows(40_000)), "--max-decompressed-mb", "1");
        var unknownPolicy = await catalog.ImportAsync(path, "--duplicates", "average");

        Assert.Equal(1, limited.Exit);
        AssertOneError(limited.Error, "error: import failed, nothing was written: three.csv: row 3 (line 4), column \"object_id\": object \"t-1\" has more than 2 points");
        Assert.Equal(1, invalid.Exit);
        AssertOneError(invalid.Error, "error: invalid import settings: Import:MaxPointsPerObject (--max-points-per-object) must be between 1 and 50000000.");
        Assert.Equal(1, tooMuchText.Exit);
        AssertOneError(tooMuchText.Error, "error: import failed, nothing was written: large.csv: the file is 1.7 MB of CSV text, more than the 1 MB one import may read");
        Assert.NotEqual(0, unknownPolicy.Exit);
        Assert.Contains("average", unknownPolicy.Error, StringComparison.Ordinal);
        await catalog.AssertUnchangedAsync();
    }

    [Fact]
    public async Task An_invalid_Import_section_fails_at_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Import:MinMjd"] = "70000",
            ["Import:MaxMjd"] = "60000",
            ["Import:MaxMag"] = "99",
        });
        builder.AddLightCurveImport();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Import:MaxMag must be between -30 and 89.99", StringComparison.Ordinal));
    }

    private static void AssertOneError(string stderr, string expectedStart)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private string WriteText(string name, string text)
    {
        File.WriteAllText(_folder.File(name), text);
        return _folder.File(name);
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        File.WriteAllBytes(_folder.File(name), bytes);
        return _folder.File(name);
    }

    /// <summary>A catalog (SQLite or PostgreSQL) with prior_good.csv imported through the CLI, and its fingerprint.</summary>
    private sealed class PriorCatalog : IAsyncDisposable
    {
        private string _before = "";

        private PriorCatalog(TestCatalog catalog) => Catalog = catalog;

        public TestCatalog Catalog { get; }

        public static async Task<PriorCatalog> CreateAsync(DatabaseProvider provider)
        {
            var prior = new PriorCatalog(await TestCatalog.CreateAsync(provider));
            var (exit, _, error) = await prior.ImportAsync(Fixture("prior_good.csv"));
            Assert.True(exit == 0, error);
            prior._before = await prior.FingerprintAsync();
            return prior;
        }

        public Task<(int Exit, string Output, string Error)> ImportAsync(string path, params string[] extra) =>
            RunAsync([
                "import-lightcurves", "--provider", Catalog.Factory.Provider.ToString(), "--connection", Catalog.Factory.ConnectionString,
                "--input", path, .. extra]);

        public async Task AssertUnchangedAsync() => Assert.Equal(_before, await FingerprintAsync());

        public ValueTask DisposeAsync() => Catalog.DisposeAsync();

        private async Task<string> FingerprintAsync()
        {
            await using var db = Catalog.Factory.CreateDbContext();
            var rows = await db.LightCurves.AsNoTracking().Select(l => new { l.Source!.ObjId, l.Source.UpdatedAtUtc, l.Band, l.PointCount, l.Data }).ToListAsync();
            return string.Join("\n", rows
                .Select(r => $"{r.ObjId}|{r.UpdatedAtUtc:O}|{r.Band}|{r.PointCount}|{Convert.ToHexString(SHA256.HashData(r.Data))}")
                .Order(StringComparer.Ordinal)) + $"\nsources: {await db.Sources.CountAsync()}";
        }
    }
}
