namespace ScopeWeb.Core.Files;

/// <summary>
/// Opens the tables users hand to ScopeWeb (light curves, features, training sets): plain or gzip, told apart by the gzip
/// magic bytes 1F 8B rather than the name, since uploads and downloads are often renamed. Gzip is read through
/// <see cref="VerifiedGzipStream"/>: a file cut short or with a damaged trailer is an <see cref="InvalidDataException"/>
/// naming the file, never a shorter table.
/// </summary>
public static class DataFile
{
    private const string DamageKey = "ScopeWeb.DataFile.Damage";

    /// <summary>Opens <paramref name="path"/> for sequential reading, decompressing it when it is gzip.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <param name="path">The file.</param>
    /// <param name="name">What errors call it (default: <paramref name="path"/>), e.g. an upload's own name rather than its temporary path.</param>
    /// <exception cref="InvalidDataException">While reading: gzip data cut short, a CRC-32 or length mismatch, damaged data.</exception>
    public static Stream OpenRead(string path, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return IsGzip(file) ? new VerifiedGzipStream(file, name ?? path) : file;
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

    /// <summary>
    /// What is wrong with a damaged file, without its name, when <paramref name="ex"/> reports one (gzip data cut short,
    /// a trailer that does not match); null for any other exception.
    /// </summary>
    public static string? Damage(Exception ex) => (ex as InvalidDataException)?.Data[DamageKey] as string;

    /// <summary>The exception for a damaged file: <c>name: problem</c>, the problem kept for <see cref="Damage"/>.</summary>
    internal static InvalidDataException Damaged(string name, string problem, Exception? inner = null)
    {
        // InvalidDataException is sealed: the problem travels in Data, and every reader that already reports
        // InvalidDataException (predict, training tables) shows the message as it is.
        var ex = new InvalidDataException(name + ": " + problem, inner);
        ex.Data[DamageKey] = problem;
        return ex;
    }
}
