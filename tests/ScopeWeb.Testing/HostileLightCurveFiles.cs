using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ScopeWeb.Testing;

/// <summary>
/// Light-curve files as a hostile or unlucky user makes them (issue [6/12]), written by the tests themselves: absurd
/// times, gzip files cut short in their several ways, a small gzip that expands to tens of millions of rows, repeated
/// (object, band, time) rows.
/// </summary>
public static class HostileLightCurveFiles
{
    public const string Header = "object_id,mjd,band,mag,magerr";

    /// <summary>Gzip of <paramref name="text"/>, one member with its trailer.</summary>
    public static byte[] Gzip(string text, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, level, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The gzip of <paramref name="kept"/> + <paramref name="lost"/> as a copy cut short after <paramref name="kept"/> leaves
    /// it: the compressed bytes up to a flush point, no final block, no trailer. A reader that does not check decompresses
    /// exactly <paramref name="kept"/> and stops without complaint (so <c>0.05</c> cut after <c>0.0</c> reads as 0.0).
    /// </summary>
    public static byte[] GzipCutAfter(string kept, string lost)
    {
        using var buffer = new MemoryStream();
        using var gz = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true);
        gz.Write(Encoding.UTF8.GetBytes(kept));
        gz.Flush();
        var cut = buffer.ToArray();
        gz.Write(Encoding.UTF8.GetBytes(lost));
        return cut;
    }

    /// <summary>What GZipStream (which checks neither length nor completeness) makes of <paramref name="gzip"/>.</summary>
    public static string ReadWithoutChecks(byte[] gzip)
    {
        using var reader = new StreamReader(new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// <paramref name="rows"/> ordinary rows of <paramref name="objects"/> objects (g and r, ZTF-like values, times
    /// increasing), with the header: text for a "large file" that is then cut.
    /// </summary>
    public static string ManyRows(int rows, int objects = 100)
    {
        var sb = new StringBuilder(rows * 40).Append(Header).Append('\n');
        var perObject = Math.Max(1, rows / objects);
        for (var i = 0; i < rows; i++)
        {
            var obj = i / perObject;
            var k = i % perObject;
            var band = k % 2 == 0 ? "g" : "r";
            var mag = 17 + (0.8 * Math.Sin(k * 0.37)) + (0.001 * (i % 97));
            var err = 0.02 + (0.0001 * (i % 311));
            sb.Append(CultureInfo.InvariantCulture, $"ZTF18obj{obj:D5},{58200 + (k * 0.731):F6},{band},{mag:F4},{err:F4}\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// A small gzip that expands to <paramref name="rows"/> rows of one object (the 3.3 MB file of 55 M rows):
    /// one row repeated, compressed once per member of <paramref name="rowsPerMember"/> rows, the member written again
    /// and again (concatenated members are one gzip stream). Returns the file's size in bytes.
    /// </summary>
    public static long WriteGzipBomb(string path, string objId, long rows, int rowsPerMember = 100_000)
    {
        var row = $"{objId},58200.000000,g,17.0000,0.0500\n";
        var memberText = new StringBuilder(rowsPerMember * row.Length);
        for (var i = 0; i < rowsPerMember; i++)
        {
            memberText.Append(row);
        }

        var first = Gzip(Header + "\n" + memberText, CompressionLevel.SmallestSize);
        var member = Gzip(memberText.ToString(), CompressionLevel.SmallestSize);
        using var file = File.Create(path);
        file.Write(first);
        for (long written = rowsPerMember; written < rows; written += rowsPerMember)
        {
            file.Write(member);
        }

        return file.Length;
    }
}
