using System.Security.Cryptography;
using ScopeWeb.Core.Files;

namespace ScopeWeb.Core.Datasets;

/// <summary>A data set kept by the store: where it is, its SHA-256 and size.</summary>
public sealed record StoredDataset(string Path, string Sha256, long Bytes)
{
    public bool IsGzip => Path.EndsWith(".gz", StringComparison.Ordinal);
}

/// <summary>
/// The folder of tables users upload (training CSVs today). Each is saved under its content hash, so a run history that
/// names a file names bytes that never change, and uploading the same file twice keeps one copy.
/// </summary>
public sealed class DatasetStore
{
    public DatasetStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>
    /// Copies <paramref name="content"/> into the store as <c>&lt;first 16 hex of SHA-256&gt;.csv</c> (or <c>.csv.gz</c> when the
    /// bytes are gzip, whatever the upload was called). Nothing is left behind if the copy fails or is cancelled.
    /// </summary>
    public async Task<StoredDataset> SaveAsync(Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var folder = System.IO.Directory.CreateDirectory(Directory).FullName;
        var temp = System.IO.Path.Combine(folder, $"upload-{Guid.NewGuid():N}.tmp");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long bytes = 0;
            bool gzip;
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    bytes += n;
                }

                await target.FlushAsync(ct).ConfigureAwait(false);
                target.Position = 0;
                gzip = DataFile.IsGzip(target);
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var path = System.IO.Path.Combine(folder, sha[..16] + (gzip ? ".csv.gz" : ".csv"));
            File.Move(temp, path, overwrite: true);
            return new StoredDataset(path, sha, bytes);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
