using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Web.Components.Pages.Import;

/// <summary>
/// /import: uploads light-curve CSVs (and a metadata CSV) to temporary files, then runs
/// <see cref="LightCurveImporter"/> off the circuit's thread, showing its progress and then the summary or the error.
/// </summary>
public sealed partial class ImportPage
{
    /// <summary>Largest file accepted from the browser (the SDSS and BTS sets are ~1 MB gzipped).</summary>
    private const long MaxFileBytes = 512L * 1024 * 1024;

    private const int MaxFiles = 20;

    private (ImportColumn Column, string Note)[] ColumnNotes =>
    [
        (ImportColumn.ObjectId, "required"),
        (ImportColumn.Time, string.Create(CultureInfo.InvariantCulture,
            $"required; MJD {Rules.MinMjd}–{Rules.MaxMjd}, or a full (H)JD (≥ 2,400,000.5), converted")),
        (ImportColumn.Band, "required; g r i u z y, ZTF fid 1 2 3 = g r i, R = r"),
        (ImportColumn.Mag, string.Create(CultureInfo.InvariantCulture,
            $"required unless the file has a limiting magnitude; {Rules.MinMag} to {Rules.MaxMag} (≥ 90: no-measurement sentinel, skipped)")),
        (ImportColumn.MagErr, string.Create(CultureInfo.InvariantCulture, $"required with mag; 0 to {Rules.MaxMagErr} (≥ 9: sentinel, skipped)")),
        (ImportColumn.CatFlags, "optional; 0 = clean"),
        (ImportColumn.LimitingMag, "optional; empty mag + limit = upper limit"),
        (ImportColumn.UpperLimit, "optional; true = the mag is a limit"),
        (ImportColumn.RaDeg, "optional"),
        (ImportColumn.DecDeg, "optional"),
        (ImportColumn.PeriodDays, "optional"),
        (ImportColumn.KnownClass, "optional"),
        (ImportColumn.Field, "optional"),
        (ImportColumn.Ccd, "optional"),
        (ImportColumn.Quad, "optional"),
    ];

    private MudFileUpload<IReadOnlyList<IBrowserFile>>? _lightCurveUpload;
    private MudFileUpload<IBrowserFile>? _metadataUpload;
    private IReadOnlyList<IBrowserFile> _lightCurveFiles = [];
    private IBrowserFile? _metadataFile;
    private CancellationTokenSource? _cts;
    private bool _running;
    private string _status = "";
    private double? _percent;
    private ImportResult? _result;
    private string? _error;

    [Inject]
    private LightCurveImporter Importer { get; set; } = default!;

    [Inject]
    private ILogger<ImportPage> Logger { get; set; } = default!;

    private ImportOptions Rules => Importer.Options;

    private void OnLightCurvesChosen(IReadOnlyList<IBrowserFile>? files)
    {
        _lightCurveFiles = files ?? [];
        _error = null;
    }

    private void OnMetadataChosen(IBrowserFile? file)
    {
        _metadataFile = file;
        _error = null;
    }

    private async Task RemoveLightCurveFileAsync(IBrowserFile file)
    {
        if (_lightCurveUpload is not null)
        {
            await _lightCurveUpload.RemoveFileAsync(file);
        }

        _lightCurveFiles = _lightCurveFiles.Where(f => !ReferenceEquals(f, file)).ToList();
    }

    private async Task RemoveMetadataFileAsync()
    {
        if (_metadataUpload is not null)
        {
            await _metadataUpload.ClearAsync();
        }

        _metadataFile = null;
    }

    private void Cancel() => _cts?.Cancel();

    private async Task ImportAsync()
    {
        _running = true;
        _result = null;
        _error = null;
        _percent = null;
        _cts = new CancellationTokenSource();
        var ct = _cts.Token;
        var staging = Directory.CreateTempSubdirectory("scopeweb-upload-");
        try
        {
            var inputs = new List<ImportFile>();
            foreach (var file in _lightCurveFiles.ToArray())
            {
                inputs.Add(await StageAsync(file, staging, inputs.Count, ct));
            }

            var metadata = _metadataFile is { } m ? new[] { await StageAsync(m, staging, inputs.Count, ct) } : [];
            _status = "Reading the files…";
            _percent = null;
            var progress = new CircuitProgress(this);
            // Parsing is CPU-bound: run the whole import on the thread pool and marshal progress back with InvokeAsync.
            _result = await Task.Run(() => Importer.ImportAsync(inputs, metadata, progress, ct), ct);
            // Imported: start afresh. After an error the files stay chosen, to retry once the cause is fixed.
            await ClearChosenFilesAsync();
        }
        catch (ImportException ex)
        {
            _error = ex.Message;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _error = "The import was cancelled.";
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // E.g. a file larger than MaxFileBytes, or a broken upload.
            _error = ex.Message;
        }
#pragma warning disable CA1031 // The circuit must survive any failure; the user sees it and the log keeps it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogImportFailed(Logger, ex);
            _error = $"The import failed: {ex.Message}";
        }
        finally
        {
            _running = false;
            _cts.Dispose();
            _cts = null;
            DeleteStaging(staging);
        }
    }

    private async Task ClearChosenFilesAsync()
    {
        if (_lightCurveUpload is not null)
        {
            await _lightCurveUpload.ClearAsync();
        }

        await RemoveMetadataFileAsync();
        _lightCurveFiles = [];
    }

    private void DeleteStaging(DirectoryInfo staging)
    {
        try
        {
            staging.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is not worth failing the page for; the log says where it is.
            LogStagingNotDeleted(Logger, staging.FullName, ex);
        }
    }

    /// <summary>Copies a browser file to a temporary file (the importer reads files), reporting the upload.</summary>
    private async Task<ImportFile> StageAsync(IBrowserFile file, DirectoryInfo staging, int index, CancellationToken ct)
    {
        // The temporary name is ours; messages and the sources' origin keep the browser's file name.
        var path = Path.Combine(staging.FullName, index.ToString(CultureInfo.InvariantCulture) + ".upload");
        var upload = file.OpenReadStream(MaxFileBytes, ct);
        await using (upload.ConfigureAwait(false))
        {
            var target = File.Create(path);
            await using (target.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                long copied = 0;
                int n;
                while ((n = await upload.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    copied += n;
                    var done = copied;
                    await InvokeAsync(() =>
                    {
                        _status = $"Uploading {file.Name}: {FormatBytes(done)} of {FormatBytes(file.Size)}";
                        _percent = file.Size > 0 ? 100.0 * done / file.Size : null;
                        StateHasChanged();
                    }).ConfigureAwait(false);
                }
            }
        }

        return new ImportFile(path, file.Name);
    }

    private void OnProgress(ImportProgress p)
    {
        if (p.Stage == ImportStage.Parsing)
        {
            _status = string.Create(CultureInfo.InvariantCulture,
                $"Reading {p.FileName}: {Count(p.RowsRead)} rows so far ({Count((long)p.PointsPerSecond)} points/s)");
            _percent = null;
        }
        else
        {
            _status = $"Writing sources: {Count(p.SourcesWritten)} of {Count(p.SourcesTotal)}";
            _percent = p.SourcesTotal > 0 ? 100.0 * p.SourcesWritten / p.SourcesTotal : null;
        }

        StateHasChanged();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string DuplicateHandling(DuplicatePolicy policy) => policy switch
    {
        DuplicatePolicy.Reject => "refused",
        DuplicatePolicy.Merge => "merged",
        _ => "kept",
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F1} MB"),
    };

    private static string SourceHref(string objId) => "sources/" + Uri.EscapeDataString(objId);

    public async ValueTask DisposeAsync()
    {
        // Leaving the page cancels a running import; its transaction rolls back.
        if (_cts is { } cts)
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not delete the upload folder {Path}")]
    private static partial void LogStagingNotDeleted(ILogger logger, string path, Exception ex);

    [LoggerMessage(LogLevel.Error, "Light-curve import from the web page failed")]
    private static partial void LogImportFailed(ILogger logger, Exception ex);

    /// <summary>Hands importer progress (reported on pool threads) to the circuit's dispatcher.</summary>
    private sealed class CircuitProgress(ImportPage page) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => _ = page.InvokeAsync(() => page.OnProgress(value));
    }
}
