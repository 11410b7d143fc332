using System.IO.Compression;
using System.Text;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Files;
using ScopeWeb.Core.Import;
using static ScopeWeb.Testing.HostileLightCurveFiles;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Case 3 of issue [6/12]: a gzip cut mid-value imported its shortened value, one without its trailer imported without
/// a word, a large one cut in half was called a column-count error. DataFile (the one gzip opener of import, features,
/// training tables and predict) now checks every member's CRC-32 and length and that the data do not stop short.
/// </summary>
public class GzipIntegrityTests
{
    private const string Kept = Header + "\ncut-1,58000.0,g,17.00,0.05\ncut-1,58001.0,g,17.10,0.0";
    private const string Lost = "5\ncut-1,58002.0,g,17.20,0.05\n";

    public static TheoryData<DatabaseProvider> Providers => CatalogWithPriorImport.Providers;

    [Fact]
    public void The_cut_file_is_the_issue_s_file_an_unchecked_reader_sees_0_0_where_0_05_was_written()
    {
        var cut = GzipCutAfter(Kept, Lost);

        Assert.Equal(Kept, ReadWithoutChecks(cut));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_gzip_cut_mid_value_is_refused_as_truncated_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        var file = c.Write("cut_mid_value.csv.gz", GzipCutAfter(Kept, Lost));

        var ex = await Assert.ThrowsAsync<ImportException>(() => c.Importer().ImportAsync([file]));

        Assert.StartsWith("cut_mid_value.csv.gz: the gzip data is truncated: the file ends inside compressed member 1", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.Row);
        await c.AssertUnchangedAsync();
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_gzip_missing_its_trailer_is_refused_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        var whole = Gzip(Kept + Lost);
        var file = c.Write("no_trailer.csv.gz", whole[..^8]);
        Assert.Equal(Kept + Lost, ReadWithoutChecks(whole[..^8]));

        var ex = await Assert.ThrowsAsync<ImportException>(() => c.Importer().ImportAsync([file]));

        Assert.Equal(
            "no_trailer.csv.gz: gzip member 1 does not end with its trailer (the CRC-32 and length after the compressed data): the file is truncated or damaged",
            ex.Message);
        await c.AssertUnchangedAsync();
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_large_gzip_cut_in_half_is_refused_as_truncated_not_as_a_column_count_error(DatabaseProvider provider)
    {
        await using var c = await CatalogWithPriorImport.CreateAsync(provider);
        var whole = Gzip(ManyRows(200_000));
        var half = whole[..(whole.Length / 2)];
        var file = c.Write("large_cut_in_half.csv.gz", half);
        // What the importer used to see: a last row cut mid-way ("the row has 3 fields, the header 5").
        Assert.NotEqual(5, ReadWithoutChecks(half).Split('\n')[^1].Split(',').Length);

        var ex = await Assert.ThrowsAsync<ImportException>(() => c.Importer().ImportAsync([file]));

        Assert.StartsWith("large_cut_in_half.csv.gz: the gzip data is truncated: the file ends inside compressed member 1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fields", ex.Message, StringComparison.Ordinal);
        await c.AssertUnchangedAsync();
    }

    [Theory]
    [InlineData(8, "gzip member 1 fails its CRC-32 check (the trailer says")]
    [InlineData(4, "gzip member 1 fails its length check (the trailer says")]
    public void A_damaged_trailer_is_refused_naming_the_check(int fromEnd, string expected)
    {
        using var folder = new ScratchFolder();
        var bytes = Gzip(Kept + Lost);
        bytes[^fromEnd] ^= 0x01;
        var file = ImportRangeTests.Write(folder, "damaged.csv.gz", "");
        File.WriteAllBytes(file.Path, bytes);

        var ex = Assert.Throws<ImportException>(() => ImportRangeTests.Parse(file));

        Assert.StartsWith("damaged.csv.gz: " + expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concatenated_members_read_as_one_file_and_a_cut_in_the_second_is_still_caught()
    {
        using var folder = new ScratchFolder();
        var first = Gzip(Header + "\nm-1,58000,g,17.0,0.02\n");
        var second = Gzip("m-1,58001,g,17.1,0.02\nm-2,58000,r,18.0,0.03\n");
        var whole = ImportRangeTests.Write(folder, "members.csv.gz", "");
        File.WriteAllBytes(whole.Path, [.. first, .. second]);
        var cut = ImportRangeTests.Write(folder, "members_cut.csv.gz", "");
        File.WriteAllBytes(cut.Path, [.. first, .. second[..^3]]);

        Assert.Equal(3, ImportRangeTests.Parse(whole).Points);
        var ex = Assert.Throws<ImportException>(() => ImportRangeTests.Parse(cut));
        Assert.StartsWith("members_cut.csv.gz: gzip member 2 does not end with its trailer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_after_the_last_member_that_are_not_gzip_are_refused()
    {
        using var folder = new ScratchFolder();
        var file = ImportRangeTests.Write(folder, "padded.csv.gz", "");
        File.WriteAllBytes(file.Path, [.. Gzip(Kept + Lost), 0, 0, 0, 0]);

        var ex = Assert.Throws<ImportException>(() => ImportRangeTests.Parse(file));

        Assert.StartsWith("padded.csv.gz: unexpected data after gzip member 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_fields_name_extra_comment_and_header_crc_are_skipped()
    {
        // RFC 1952 header with FEXTRA, FNAME, FCOMMENT and FHCRC, then the deflate data and trailer of a plain gzip.
        var plain = Gzip(Kept + Lost);
        byte[] header = [0x1F, 0x8B, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, (byte)'n', 0, (byte)'c', 0, 0xAB, 0xCD];
        using var folder = new ScratchFolder();
        var path = folder.File("fields.csv.gz");
        File.WriteAllBytes(path, [.. header, .. plain.AsSpan(10)]);

        using var reader = new StreamReader(DataFile.OpenRead(path), Encoding.UTF8);

        Assert.Equal(Kept + Lost, reader.ReadToEnd());
    }

    [Fact]
    public void Every_reader_of_DataFile_gets_the_error_naming_the_file_and_never_a_quiet_end()
    {
        using var folder = new ScratchFolder();
        var path = folder.File("features.csv.gz");
        File.WriteAllBytes(path, GzipCutAfter(Kept, Lost));
        using var stream = DataFile.OpenRead(path);
        var buffer = new byte[1 << 16];

        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            while (stream.Read(buffer) > 0)
            {
            }
        });

        Assert.StartsWith(path + ": the gzip data is truncated", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("the gzip data is truncated", DataFile.Damage(ex), StringComparison.Ordinal);
        // Asking again does not turn the damage into an end of data.
        Assert.Throws<InvalidDataException>(() => stream.Read(buffer));
    }

    [Fact]
    public async Task Large_and_multi_member_files_decompress_exactly_as_GZipStream_does()
    {
        using var folder = new ScratchFolder();
        var text = ManyRows(100_000);
        var path = folder.File("large.csv.gz");
        await File.WriteAllBytesAsync(path, [.. Gzip(text, CompressionLevel.Fastest), .. Gzip(text, CompressionLevel.SmallestSize)]);

        await using var stream = DataFile.OpenRead(path);
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.Equal(text + text, await reader.ReadToEndAsync());
    }
}
