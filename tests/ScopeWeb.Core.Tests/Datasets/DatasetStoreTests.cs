using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ScopeWeb.Core.Datasets;

namespace ScopeWeb.Core.Tests.Datasets;

public class DatasetStoreTests
{
    [Fact]
    public async Task The_same_bytes_uploaded_twice_are_one_file_named_by_their_hash()
    {
        using var folder = new ScratchFolder();
        var store = new DatasetStore(Path.Combine(folder.Path, "datasets"));
        var bytes = Encoding.UTF8.GetBytes("obj_id,amp,vnv\na,1,1\n");

        var first = await store.SaveAsync(new MemoryStream(bytes));
        var second = await store.SaveAsync(new MemoryStream(bytes));

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(sha, first.Sha256);
        Assert.Equal(first.Path, second.Path);
        Assert.Equal(sha[..16] + ".csv", Path.GetFileName(first.Path));
        Assert.Equal(bytes.Length, first.Bytes);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(first.Path));
        Assert.Single(Directory.GetFiles(store.Directory));
    }

    [Fact]
    public async Task Gzip_bytes_are_stored_as_csv_gz_whatever_the_upload_was_called()
    {
        using var folder = new ScratchFolder();
        var store = new DatasetStore(folder.Path);
        var compressed = new MemoryStream();
        await using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes("obj_id,amp\na,1\n"));
        }

        compressed.Position = 0;
        var stored = await store.SaveAsync(compressed);

        Assert.EndsWith(".csv.gz", stored.Path, StringComparison.Ordinal);
        Assert.True(stored.IsGzip);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_nothing_behind()
    {
        using var folder = new ScratchFolder();
        var store = new DatasetStore(folder.Path);
        using var cts = new CancellationTokenSource();
        var source = new CancelAfterFirstRead(new MemoryStream(new byte[1 << 20]), cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SaveAsync(source, cts.Token));

        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    /// <summary>A client that goes away after the first chunk.</summary>
    private sealed class CancelAfterFirstRead(Stream inner, CancellationTokenSource cts) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            await cts.CancelAsync();
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
