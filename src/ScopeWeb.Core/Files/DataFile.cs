using System.IO.Compression;

namespace ScopeWeb.Core.Files;

/// <summary>
/// Opens the tables users hand to ScopeWeb (light curves, features, training sets): plain or gzip, told apart by the gzip
/// magic bytes 1F 8B rather than the name, since uploads and downloads are often renamed.
/// </summary>
public static class DataFile
{
    /// <summary>Opens <paramref name="path"/> for sequential reading, decompressing it when it is gzip.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static Stream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when a seekable stream starts with the gzip magic bytes; the position is put back.</summary>
    public static bool IsGzip(Stream seekable)
    {
        ArgumentNullException.ThrowIfNull(seekable);
        var start = seekable.Position;
        Span<byte> magic = stackalloc byte[2];
        var n = seekable.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        seekable.Position = start;
        return n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }
}
