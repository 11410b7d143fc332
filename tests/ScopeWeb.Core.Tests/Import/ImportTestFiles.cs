using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Core.Tests.Import;

/// <summary>The import fixtures (Fixtures/Import), the shared real data sets, and a catalog fingerprint.</summary>
internal static class ImportTestFiles
{
    public static string? SharedData(string relativePath) => RepositoryPaths.SharedData(relativePath);

    public static ImportFile Fixture(string name) => ImportFile.FromPath(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Import", name));

    public static LightCurveImporter Importer(TestCatalog catalog, CatalogWriter? writer = null) =>
        new(catalog.Factory, writer ?? catalog.Writer);

    /// <summary>Every stored value of every source and light curve, so two snapshots are equal only if nothing changed.</summary>
    public static async Task<string> SnapshotAsync(TestCatalog catalog)
    {
        await using var db = catalog.Factory.CreateDbContext();
        var sources = await db.Sources.AsNoTracking().Include(s => s.LightCurves).ToListAsync();
        var sb = new StringBuilder();
        foreach (var s in sources.OrderBy(s => s.ObjId, StringComparer.Ordinal))
        {
            sb.AppendLine(FormattableString.Invariant(
                $"{s.ObjId}|{s.RaDeg}|{s.DecDeg}|{s.PeriodDays}|{s.KnownClass}|{s.Field}|{s.Ccd}|{s.Quad}|{s.Origin}|{s.DetectionCount}|{s.CreatedAtUtc:O}|{s.UpdatedAtUtc:O}"));
            foreach (var lc in s.LightCurves.OrderBy(l => l.Band, StringComparer.Ordinal))
            {
                sb.AppendLine(FormattableString.Invariant(
                    $"  {lc.Band}|{lc.PointCount}|{lc.FirstMjd}|{lc.LastMjd}|{Convert.ToHexString(SHA256.HashData(lc.Data))}|{lc.UpdatedAtUtc:O}"));
            }
        }

        return sb.ToString();
    }

    public static async Task<Source> LoadAsync(TestCatalog catalog, string objId)
    {
        await using var db = catalog.Factory.CreateDbContext();
        return await db.Sources.AsNoTracking().Include(s => s.LightCurves).SingleAsync(s => s.ObjId == objId);
    }

    /// <summary>Reports synchronously, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
