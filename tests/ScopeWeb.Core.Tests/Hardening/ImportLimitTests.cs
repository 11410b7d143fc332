using System.Diagnostics;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;
using static ScopeWeb.Testing.HostileLightCurveFiles;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Case 2 of issue [6/12]: a 3.3 MB gzip expanding to 55 M rows of one object took 8 GB and ended in SQLite's "string or
/// blob too big". The limits on points per object and on decompressed text stop such a file early, in bounded memory.
/// </summary>
public class ImportLimitTests
{
    private const long BombRows = 55_000_000;

    public static TheoryData<DatabaseProvider> Providers => CatalogWithPriorImport.Providers;

    [Fact]
    public void A_small_gzip_of_55_million_rows_of_one_object_stops_at_the_points_per_object_limit_in_bounded_memory()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("bomb.csv.gz");
        var bytes = WriteGzipBomb(path, "ZTF24bomb", BombRows);
        Assert.True(bytes < 8_000_000, $"the bomb is small: {bytes:N0} bytes");
        var clock = Stopwatch.StartNew();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<ImportException>(() =>
            LightCurveImporter.Parse([ImportFile.FromPath(path)], [], new ImportOptions(), DateTime.UnixEpoch, null, CancellationToken.None));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(
            "bomb.csv.gz: row 1000001 (line 1000002), column \"object_id\": object \"ZTF24bomb\" has more than 1,000,000 points, the most one object may have in an import "
            + "(Import:MaxPointsPerObject, --max-points-per-object; ZTF light curves have a few thousand a band)",
            ex.Message);
        // 55 M points would take ~3.5 GB in lists alone; stopping at 1 M keeps it to the list of one object.
        Assert.True(allocated < 400L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task The_bomb_imports_nothing_and_leaves_the_catalog_unchanged(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        var path = c.Folder.File("bomb.csv.gz");
        WriteGzipBomb(path, "bad-1", BombRows);

        var ex = await Assert.ThrowsAsync<ImportException>(() => c.Importer().ImportAsync([ImportFile.FromPath(path)]));

        Assert.StartsWith("bomb.csv.gz: row 1000001 (line 1000002), column \"object_id\": object \"bad-1\" has more than 1,000,000 points", ex.Message, StringComparison.Ordinal);
        await c.AssertUnchangedAsync();
    }

    [Fact]
    public void The_decompressed_size_limit_stops_reading_at_the_limit()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("bomb.csv.gz");
        WriteGzipBomb(path, "ZTF24bomb", BombRows);
        var options = new ImportOptions { MaxPointsPerObject = 50_000_000, MaxDecompressedMegabytes = 16 };
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<ImportException>(() =>
            LightCurveImporter.Parse([ImportFile.FromPath(path)], [], options, DateTime.UnixEpoch, null, CancellationToken.None));

        Assert.StartsWith(
            "bomb.csv.gz: the import has read more than 16 MB of CSV text (after decompression) by this file (Import:MaxDecompressedMegabytes, --max-decompressed-mb",
            ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.Row);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 200L * 1024 * 1024);
    }

    [Fact]
    public void The_decompressed_size_limit_counts_every_file_of_the_import_and_refuses_a_large_plain_file_before_reading_it()
    {
        using var folder = new ScratchFolder();
        var first = ImportRangeTests.Write(folder, "first.csv", ManyRows(20_000));
        var second = ImportRangeTests.Write(folder, "second.csv", ManyRows(20_000));
        var options = new ImportOptions { MaxDecompressedMegabytes = 1 };

        var ex = Assert.Throws<ImportException>(() =>
            LightCurveImporter.Parse([first, second], [], options, DateTime.UnixEpoch, null, CancellationToken.None));

        // Each file is ~0.8 MB: the first fits, the second would take the import past 1 MB.
        Assert.StartsWith("second.csv: the file is 0.8 MB of CSV text, more than the 1 MB one import may read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_apply_to_the_points_of_an_object_over_all_its_files()
    {
        using var folder = new ScratchFolder();
        var g = ImportRangeTests.Write(folder, "g.csv", $"{Header}\no-1,58000,g,17,0.02\no-1,58001,g,17,0.02\n");
        var r = ImportRangeTests.Write(folder, "r.csv", $"{Header}\no-2,58000,r,17,0.02\no-1,58000,r,17,0.02\n");

        var ex = Assert.Throws<ImportException>(() =>
            LightCurveImporter.Parse([g, r], [], new ImportOptions { MaxPointsPerObject = 2 }, DateTime.UnixEpoch, null, CancellationToken.None));

        Assert.StartsWith("r.csv: row 2 (line 3), column \"object_id\": object \"o-1\" has more than 2 points", ex.Message, StringComparison.Ordinal);
    }
}
