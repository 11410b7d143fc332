using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScopeWeb.Core.Catalog;

/// <summary>How a write treats a source whose object id is already in the catalog.</summary>
public enum ExistingSourcePolicy
{
    /// <summary>Fail: the caller promised new sources (simulation into an empty catalog).</summary>
    Reject,

    /// <summary>Keep the source and its scores/notes; replace the light curves of the bands supplied.</summary>
    ReplaceBands,
}

/// <summary>Writes sources with their light curves in batches. One transaction for the whole write when atomic.</summary>
public sealed class CatalogWriter(IDbContextFactory<CatalogDb> dbFactory, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public int BatchSize { get; init; } = 2000;

    /// <summary>
    /// Writes <paramref name="sources"/>. With <paramref name="atomic"/> everything is one transaction, so a failure
    /// leaves the catalog as it was; otherwise each batch commits (no source is ever split across batches).
    /// Returns the number of sources written.
    /// </summary>
    public async Task<int> WriteAsync(
        IEnumerable<Source> sources,
        ExistingSourcePolicy policy,
        bool atomic,
        IProgress<int>? progress = null,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = atomic ? await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
        var written = 0;
        foreach (var batch in sources.Chunk(BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            if (atomic)
            {
                await WriteBatchAsync(db, batch, policy, ct).ConfigureAwait(false);
            }
            else
            {
                await using var batchTx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await WriteBatchAsync(db, batch, policy, ct).ConfigureAwait(false);
                await batchTx.CommitAsync(ct).ConfigureAwait(false);
            }

            db.ChangeTracker.Clear();
            written += batch.Length;
            progress?.Report(written);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        return written;
    }

    private async Task WriteBatchAsync(CatalogDb db, Source[] batch, ExistingSourcePolicy policy, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var ids = batch.Select(s => s.ObjId).ToArray();
        var existing = await db.Sources.Where(s => ids.Contains(s.ObjId))
            .Include(s => s.LightCurves)
            .ToDictionaryAsync(s => s.ObjId, StringComparer.Ordinal, ct).ConfigureAwait(false);

        if (existing.Count > 0 && policy == ExistingSourcePolicy.Reject)
        {
            throw new InvalidOperationException($"Source {existing.Keys.First()} is already in the catalog.");
        }

        var fresh = new List<Source>(batch.Length);
        foreach (var source in batch)
        {
            if (existing.TryGetValue(source.ObjId, out var current))
            {
                Merge(db, current, source, now);
                continue;
            }

            source.CreatedAtUtc = source.CreatedAtUtc == default ? now : source.CreatedAtUtc;
            source.UpdatedAtUtc = now;
            source.DetectionCount = CountDetections(source.LightCurves);
            fresh.Add(source);
        }

        await InsertAsync(db, fresh, ct).ConfigureAwait(false);
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// New sources go in through two prepared commands instead of the change tracker: a source and its
    /// light curves are two or three rows, and EF's per-entity bookkeeping made it the bottleneck of a
    /// million-source simulation. The SQL is the same on SQLite and PostgreSQL (quoted EF column names).
    /// </summary>
    private static async Task InsertAsync(CatalogDb db, List<Source> sources, CancellationToken ct)
    {
        if (sources.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Catalog writes run inside a transaction.");
        await using var insertSource = connection.CreateCommand();
        insertSource.Transaction = transaction;
        insertSource.CommandText =
            "INSERT INTO sources (\"ObjId\", \"RaDeg\", \"DecDeg\", \"Field\", \"Ccd\", \"Quad\", \"PeriodDays\", \"KnownClass\", \"Origin\", \"DetectionCount\", \"CreatedAtUtc\", \"UpdatedAtUtc\") "
            + "VALUES (@objId, @ra, @dec, @field, @ccd, @quad, @period, @class, @origin, @detections, @created, @updated) RETURNING \"Id\"";
        var sp = AddParameters(insertSource, "objId", "ra", "dec", "field", "ccd", "quad", "period", "class", "origin", "detections", "created", "updated");
        await using var insertCurve = connection.CreateCommand();
        insertCurve.Transaction = transaction;
        insertCurve.CommandText =
            "INSERT INTO light_curves (\"SourceId\", \"Band\", \"PointCount\", \"FirstMjd\", \"LastMjd\", \"Data\", \"UpdatedAtUtc\") "
            + "VALUES (@source, @band, @points, @first, @last, @data, @updated)";
        var cp = AddParameters(insertCurve, "source", "band", "points", "first", "last", "data", "updated");

        foreach (var s in sources)
        {
            Set(sp[0], s.ObjId);
            Set(sp[1], s.RaDeg);
            Set(sp[2], s.DecDeg);
            Set(sp[3], s.Field);
            Set(sp[4], s.Ccd);
            Set(sp[5], s.Quad);
            Set(sp[6], s.PeriodDays);
            Set(sp[7], s.KnownClass);
            Set(sp[8], s.Origin);
            Set(sp[9], s.DetectionCount);
            Set(sp[10], s.CreatedAtUtc);
            Set(sp[11], s.UpdatedAtUtc);
            s.Id = Convert.ToInt64(await insertSource.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var lc in s.LightCurves)
            {
                lc.SourceId = s.Id;
                lc.UpdatedAtUtc = lc.UpdatedAtUtc == default ? s.UpdatedAtUtc : lc.UpdatedAtUtc;
                Set(cp[0], lc.SourceId);
                Set(cp[1], lc.Band);
                Set(cp[2], lc.PointCount);
                Set(cp[3], lc.FirstMjd);
                Set(cp[4], lc.LastMjd);
                Set(cp[5], lc.Data);
                Set(cp[6], lc.UpdatedAtUtc);
                await insertCurve.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            // Rarer children (scores, notes, features) go through the change tracker, saved with the batch.
            foreach (var c in s.Classifications)
            {
                c.SourceId = s.Id;
                c.Source = null;
                db.Classifications.Add(c);
            }

            foreach (var a in s.Annotations)
            {
                a.SourceId = s.Id;
                a.Source = null;
                db.Annotations.Add(a);
            }

            if (s.Features is { } f)
            {
                f.SourceId = s.Id;
                f.Source = null;
                db.Features.Add(f);
            }
        }
    }

    private static DbParameter[] AddParameters(DbCommand command, params string[] names)
    {
        var parameters = new DbParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "@" + names[i];
            command.Parameters.Add(parameters[i]);
        }

        return parameters;
    }

    private static void Set(DbParameter parameter, object? value) => parameter.Value = value ?? DBNull.Value;

    private static void Merge(CatalogDb db, Source current, Source incoming, DateTime now)
    {
        foreach (var lc in incoming.LightCurves)
        {
            var old = current.LightCurves.FirstOrDefault(l => l.Band == lc.Band);
            if (old is null)
            {
                // Found by DetectChanges through the navigation; adding it to the set too would list it twice.
                lc.UpdatedAtUtc = now;
                current.LightCurves.Add(lc);
            }
            else
            {
                old.PointCount = lc.PointCount;
                old.FirstMjd = lc.FirstMjd;
                old.LastMjd = lc.LastMjd;
                old.Data = lc.Data;
                old.UpdatedAtUtc = now;
                db.Entry(old).State = EntityState.Modified;
            }
        }

        current.RaDeg = incoming.RaDeg ?? current.RaDeg;
        current.DecDeg = incoming.DecDeg ?? current.DecDeg;
        current.Field = incoming.Field ?? current.Field;
        current.Ccd = incoming.Ccd ?? current.Ccd;
        current.Quad = incoming.Quad ?? current.Quad;
        current.PeriodDays = incoming.PeriodDays ?? current.PeriodDays;
        current.KnownClass = incoming.KnownClass ?? current.KnownClass;
        current.DetectionCount = CountDetections(current.LightCurves);
        current.UpdatedAtUtc = now;
        db.Entry(current).State = EntityState.Modified;
    }

    private static int CountDetections(IEnumerable<LightCurve> curves) =>
        curves.Sum(l => l.Data.Length > 0 ? LightCurves.PhotometryCodec.CountDetections(l.Data) : 0);
}
