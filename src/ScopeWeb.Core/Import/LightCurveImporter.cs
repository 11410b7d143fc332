using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Import;

/// <summary>
/// Imports light curves from CSV files (plain or gzip) into the catalog. Every file is parsed and validated before
/// anything is written, then all sources go to the catalog in one transaction: a bad row, a damaged file, a limit
/// reached, a failed write or a cancellation leaves the catalog as it was. Re-importing a file replaces the bands it
/// carries (idempotent). Accepted headers: <see cref="ImportColumns"/>; row rules: <see cref="LightCurveFileReader"/>;
/// ranges, limits and repeated times: <see cref="ImportOptions"/>.
/// </summary>
public sealed partial class LightCurveImporter(
    IDbContextFactory<CatalogDb> dbFactory,
    CatalogWriter writer,
    TimeProvider? time = null,
    ILogger<LightCurveImporter>? logger = null,
    IOptions<ImportOptions>? options = null)
{
    private const int MaxOriginLength = 256;
    private const int ObjIdsInResult = 20;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>The rules this importer applies (the <c>Import</c> section, or the defaults).</summary>
    public ImportOptions Options => options?.Value ?? new ImportOptions();

    /// <summary>Parses, validates and writes <paramref name="files"/>, with per-object values from <paramref name="metadata"/>.</summary>
    public async Task<ImportResult> ImportAsync(
        IReadOnlyList<ImportFile> files,
        IReadOnlyList<ImportFile>? metadata = null,
        IProgress<ImportProgress>? progress = null,
        CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        LightCurveBatch batch;
        try
        {
            batch = await ParseAsync(files, metadata, progress, ct).ConfigureAwait(false);
        }
        catch (ImportException ex)
        {
            LogRejected(_logger, ex.Message);
            throw;
        }

        var result = await WriteAsync(batch, progress, clock, ct).ConfigureAwait(false);
        LogImported(_logger, result.PointsImported, result.SourcesCreated, result.SourcesUpdated, string.Join(", ", result.Files), result.PointsPerSecond);
        if (result.Duplicates is { ExactCollapsed: > 0 } or { Conflicting: > 0 })
        {
            LogRepeats(_logger, result.Duplicates.ExactCollapsed, result.Duplicates.Conflicting, result.Duplicates.Policy,
                string.Join(", ", result.Duplicates.ByFile.Select(f => $"{f.FileName}: {f.ExactCollapsed} exact, {f.Conflicting} conflicting")));
        }

        return result;
    }

    /// <summary>
    /// Reads and validates every file into sources, writing nothing. Parsing runs on the thread pool, so a
    /// caller on a UI thread stays responsive. Throws <see cref="ImportException"/> at the first bad row.
    /// </summary>
    public Task<LightCurveBatch> ParseAsync(
        IReadOnlyList<ImportFile> files,
        IReadOnlyList<ImportFile>? metadata = null,
        IProgress<ImportProgress>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("At least one light-curve file is required.", nameof(files));
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var rules = Options;
        return Task.Run(() => Parse(files, metadata ?? [], rules, now, progress, ct), ct);
    }

    /// <summary>
    /// Reads and validates light-curve files into sources without a catalog (e.g. <c>scope features</c>), with the
    /// default <see cref="ImportOptions"/>. Throws <see cref="ImportException"/> naming file, row and column at the first bad row.
    /// </summary>
    public static LightCurveBatch Parse(
        IReadOnlyList<ImportFile> files,
        IReadOnlyList<ImportFile> metadataFiles,
        DateTime nowUtc,
        IProgress<ImportProgress>? progress,
        CancellationToken ct) =>
        Parse(files, metadataFiles, new ImportOptions(), nowUtc, progress, ct);

    /// <summary>
    /// Reads and validates light-curve files into sources without a catalog, with <paramref name="options"/>' ranges,
    /// limits and duplicate policy. Throws <see cref="ImportException"/> naming file, row and column at the first bad row.
    /// </summary>
    public static LightCurveBatch Parse(
        IReadOnlyList<ImportFile> files,
        IReadOnlyList<ImportFile> metadataFiles,
        ImportOptions options,
        DateTime nowUtc,
        IProgress<ImportProgress>? progress,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(metadataFiles);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var acc = new LightCurveAccumulator();
        var budget = new ImportTextBudget(options.MaxDecompressedBytes);
        var reader = new LightCurveFileReader(acc, options, budget);
        for (var i = 0; i < files.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            reader.Read(files[i], i, (name, rows) => progress?.Report(new ImportProgress(
                ImportStage.Parsing, name, rows, acc.Points / Math.Max(clock.Elapsed.TotalSeconds, 1e-6), 0, 0)), ct);
        }

        var metadata = new Dictionary<string, SourceMetadata>(StringComparer.Ordinal);
        foreach (var file in metadataFiles)
        {
            foreach (var (id, values) in MetadataFileReader.Read(file, budget, ct))
            {
                metadata.TryAdd(id, values);
            }
        }

        var fileNames = files.Select(f => f.Name).ToArray();
        var tally = new RepeatTally(fileNames);
        var now = nowUtc;
        var matched = 0;
        long points = 0;
        long upperLimits = 0;
        var sources = new List<Source>(acc.Objects.Count);
        foreach (var obj in acc.Objects)
        {
            ct.ThrowIfCancellationRequested();
            if (metadata.TryGetValue(obj.ObjId, out var meta))
            {
                matched++;
            }

            sources.Add(ToSource(obj, meta, acc.Bands, options.Duplicates, tally, now, ref points, ref upperLimits));
        }

        if (options.Duplicates == DuplicatePolicy.Reject && tally.Conflicting > 0)
        {
            throw tally.RejectError();
        }

        return new LightCurveBatch(
            fileNames, sources, acc.RowsRead, points, upperLimits, acc.SentinelRowsSkipped, matched, tally.ToCounts(options.Duplicates), clock.Elapsed);
    }

    /// <summary>A metadata file's values win over those on light-curve rows: it is the curated per-object catalogue.</summary>
    private static Source ToSource(
        ParsedObject obj,
        SourceMetadata? meta,
        IReadOnlyList<string> bands,
        DuplicatePolicy duplicates,
        RepeatTally tally,
        DateTime now,
        ref long points,
        ref long upperLimits)
    {
        var origin = "import:" + obj.FileName;
        var source = new Source
        {
            ObjId = obj.ObjId,
            RaDeg = meta?.RaDeg ?? obj.RaDeg,
            DecDeg = meta?.DecDeg ?? obj.DecDeg,
            PeriodDays = meta?.PeriodDays ?? obj.PeriodDays,
            KnownClass = meta?.KnownClass ?? obj.KnownClass,
            Field = meta?.Field ?? obj.Field,
            Ccd = meta?.Ccd ?? obj.Ccd,
            Quad = meta?.Quad ?? obj.Quad,
            Origin = origin.Length <= MaxOriginLength ? origin : origin[..MaxOriginLength],
            CreatedAtUtc = now,
        };

        for (var b = 0; b < obj.PointsByBand.Length; b++)
        {
            if (obj.PointsByBand[b] is { Count: > 0 } read)
            {
                var photometry = RepeatedEpochs.Build(read, duplicates, tally, obj.ObjId, bands[b]);
                points += photometry.Count;
                upperLimits += photometry.Count - photometry.DetectionCount;
                source.LightCurves.Add(LightCurve.From(bands[b], photometry, now));
            }
        }

        source.LightCurves.Sort((x, y) => string.CompareOrdinal(x.Band, y.Band));
        return source;
    }

    /// <summary>Writes a parsed batch in one transaction (existing sources keep their scores and notes; their supplied bands are replaced).</summary>
    public Task<ImportResult> WriteAsync(LightCurveBatch batch, IProgress<ImportProgress>? progress = null, CancellationToken ct = default) =>
        WriteAsync(batch, progress, Stopwatch.StartNew(), ct);

    private async Task<ImportResult> WriteAsync(LightCurveBatch batch, IProgress<ImportProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var total = batch.Sources.Count;
        var existing = await CountExistingAsync(batch.Sources, ct).ConfigureAwait(false);
        var lastFile = batch.Files[^1];
        progress?.Report(new ImportProgress(ImportStage.Writing, lastFile, batch.RowsRead, 0, 0, total));
        var written = new Progress(w => progress?.Report(new ImportProgress(ImportStage.Writing, lastFile, batch.RowsRead, 0, w, total)));
        await writer.WriteAsync(batch.Sources, ExistingSourcePolicy.ReplaceBands, atomic: true, written, ct).ConfigureAwait(false);

        return new ImportResult(
            batch.Files,
            batch.RowsRead,
            batch.Points,
            batch.UpperLimits,
            batch.SentinelRowsSkipped,
            SourcesCreated: total - existing,
            SourcesUpdated: existing,
            batch.MetadataMatched,
            batch.Sources.Take(ObjIdsInResult).Select(s => s.ObjId).ToArray(),
            batch.ParseElapsed,
            clock.Elapsed)
        {
            Duplicates = batch.Duplicates,
        };
    }

    private async Task<int> CountExistingAsync(IReadOnlyList<Source> sources, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var count = 0;
        foreach (var chunk in sources.Select(s => s.ObjId).Chunk(2000))
        {
            count += await db.Sources.AsNoTracking().CountAsync(s => chunk.Contains(s.ObjId), ct).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>Reports synchronously on the writer's thread (<see cref="Progress{T}"/> would post, and reorder, reports).</summary>
    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    [LoggerMessage(LogLevel.Information, "Imported {Points} light-curve points ({Created} sources created, {Updated} updated) from {Files} at {PointsPerSecond:F0} points/s")]
    private static partial void LogImported(ILogger logger, long points, int created, int updated, string files, double pointsPerSecond);

    [LoggerMessage(LogLevel.Information, "Repeated (object, band, time) rows: {Exact} exact repeats collapsed, {Conflicting} conflicting ({Policy}); {ByFile}")]
    private static partial void LogRepeats(ILogger logger, long exact, long conflicting, DuplicatePolicy policy, string byFile);

    [LoggerMessage(LogLevel.Warning, "Light-curve import rejected: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
