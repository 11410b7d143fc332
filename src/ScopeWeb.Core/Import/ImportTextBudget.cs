using System.Globalization;

namespace ScopeWeb.Core.Import;

/// <summary>
/// The CSV text one import may read, after decompression, over all its files (<see cref="ImportOptions.MaxDecompressedMegabytes"/>).
/// Counted as the bytes are read, so a small gzip that expands a thousandfold stops at the limit, not at the end of memory.
/// </summary>
internal sealed class ImportTextBudget(long maxBytes)
{
    private long _used;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Bytes read so far by this import.</summary>
    public long Used => _used;

    /// <summary>
    /// Wraps a file's stream so that every byte read counts. A plain file larger than what is left fails here, before
    /// a byte of it is read.
    /// </summary>
    public Stream Meter(Stream stream, string fileName)
    {
        if (stream is FileStream plain && plain.Length > MaxBytes - _used)
        {
            throw Exceeded(fileName, plain.Length);
        }

        return new MeteredStream(stream, this, fileName);
    }

    private void Count(int bytes, string fileName)
    {
        _used += bytes;
        if (_used > MaxBytes)
        {
            throw Exceeded(fileName, null);
        }
    }

    private ImportException Exceeded(string fileName, long? fileBytes)
    {
        var c = CultureInfo.InvariantCulture;
        var limit = string.Create(c, $"{MaxBytes / (1024 * 1024):N0} MB");
        var what = fileBytes is { } n
            ? string.Create(c, $"the file is {n / (1024.0 * 1024.0):N1} MB of CSV text, more than the {limit} one import may read")
            : string.Create(c, $"the import has read more than {limit} of CSV text (after decompression) by this file");
        return new ImportException(
            fileName, null, null, null,
            what + " (Import:MaxDecompressedMegabytes, --max-decompressed-mb: everything is checked before anything is written, so it is all held in memory); " +
            "import the data in smaller files or raise the limit");
    }

    /// <summary>Read-only pass-through that counts.</summary>
    private sealed class MeteredStream(Stream inner, ImportTextBudget budget, string fileName) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            budget.Count(n, fileName);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
