using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Benchmarks.Catalog;

/// <summary>
/// <c>scope-bench catalog-query</c>: the /sources page's queries (the same <see cref="SourceCatalog.SearchAsync"/> the
/// grid calls) against a catalog of <c>--count</c> simulated sources, reporting p50/p95/p99 per kind of query. The
/// catalog is a SQLite file in <c>--data-dir</c> (kept and reused by later runs) or, without it, in a temporary folder
/// deleted afterwards; <c>--provider Postgres --connection …</c> measures a PostgreSQL catalog instead.
/// </summary>
public static class CatalogQueryBench
{
    private static readonly string[] Tags = ["rrlyr", "ew"];
    private static readonly string[] Algorithms = ["dnn", "xgb"];

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Sources the catalog must hold (simulated if missing; 1,000,000 is a ~16 GB SQLite file).", DefaultValueFactory = _ => 1_000_000 };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of each kind of query.", DefaultValueFactory = _ => 40 };
        var dataDir = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = "Folder of the SQLite catalog (scopeweb.db), kept for later runs (default: a temporary folder, deleted at the end).",
        };
        var provider = new Option<DatabaseProvider>("--provider") { Description = "Catalog store: Sqlite or Postgres.", DefaultValueFactory = _ => DatabaseProvider.Sqlite };
        var connection = new Option<string?>("--connection") { Description = "Connection string (required for Postgres; default for Sqlite: scopeweb.db in the data folder)." };
        foreach (var option in new[] { count, repeat })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                {
                    r.AddError($"{r.Option.Name} must be positive.");
                }
            });
        }

        var command = new Command("catalog-query", "p95 latency of the /sources queries on a large catalog.") { count, repeat, dataDir, provider, connection };
        command.Validators.Add(r =>
        {
            if (r.GetValue(provider) == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(r.GetValue(connection)))
            {
                r.AddError("--provider Postgres needs --connection.");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var scratch = parse.GetValue(dataDir) is null && parse.GetValue(connection) is null ? Directory.CreateTempSubdirectory("scopeweb-bench-catalog-") : null;
            try
            {
                var options = new DatabaseOptions
                {
                    Provider = parse.GetValue(provider),
                    ConnectionString = parse.GetValue(connection),
                    DataDirectory = scratch?.FullName ?? parse.GetValue(dataDir)?.FullName ?? "data",
                };
                IDbContextFactory<CatalogDb> factory = new CatalogDbFactory(options.Provider, options.ResolveConnectionString());
                Console.Error.WriteLine(scratch is null
                    ? $"Catalog: {options.Provider} {(parse.GetValue(connection) is null ? options.ResolveConnectionString() : "(--connection)")}"
                    : $"Catalog: a temporary SQLite file in {scratch.FullName}, deleted at the end (--data-dir keeps it for later runs).");
                await using (var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false))
                {
                    await db.Database.MigrateAsync(ct).ConfigureAwait(false);
                }

                if (!await EnsureCatalogAsync(factory, new CatalogWriter(factory), parse.GetValue(count), parse.InvocationConfiguration.Error, ct).ConfigureAwait(false))
                {
                    return 1;
                }

                await EnsureScoresAndNotesAsync(factory, ct).ConfigureAwait(false);
                await RunAsync(new SourceCatalog(factory), factory, parse.GetValue(repeat), ct).ConfigureAwait(false);
                return 0;
            }
            finally
            {
                if (scratch is not null)
                {
                    // Pooled connections hold the file open.
                    SqliteConnection.ClearAllPools();
                    scratch.Delete(recursive: true);
                }
            }
        });
        return command;
    }

    /// <summary>Simulates the catalog when empty; false (error written) when it holds some sources but fewer than asked.</summary>
    private static async Task<bool> EnsureCatalogAsync(IDbContextFactory<CatalogDb> factory, CatalogWriter writer, int count, TextWriter error, CancellationToken ct)
    {
        int have;
        await using (var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            have = await db.Sources.CountAsync(ct).ConfigureAwait(false);
        }

        if (have >= count)
        {
            Console.Error.WriteLine($"Catalog holds {have:N0} sources.");
            return true;
        }

        if (have > 0)
        {
            await error.WriteLineAsync($"error: the catalog holds {have:N0} sources, fewer than --count {count:N0}; point --data-dir at an empty folder.").ConfigureAwait(false);
            return false;
        }

        Console.Error.WriteLine($"Simulating {count:N0} sources (one-off with --data-dir: later runs reuse the catalog)…");
        var sw = Stopwatch.StartNew();
        var progress = new Progress<int>(n =>
        {
            if (n % 20_000 == 0 || n == count)
            {
                var rate = n / sw.Elapsed.TotalSeconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n:N0}/{count:N0}  {rate:N0}/s  ETA {TimeSpan.FromSeconds((count - n) / Math.Max(rate, 1)):hh\\:mm\\:ss}"));
            }
        });
        await writer.WriteAsync(new LightCurveSimulator().Generate(count, 1), ExistingSourcePolicy.Reject, atomic: false, progress, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Scores for two tags and notes on 1% of sources, so the score and annotation filters have work to do.</summary>
    private static async Task EnsureScoresAndNotesAsync(IDbContextFactory<CatalogDb> factory, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (await db.Classifications.AnyAsync(ct).ConfigureAwait(false))
        {
            return;
        }

        Console.Error.WriteLine("Adding random scores for the score filters…");
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var rng = new Random(3);
        var ids = await db.Sources.Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(20_000))
        {
            foreach (var id in chunk)
            {
                foreach (var tag in Tags)
                {
                    foreach (var alg in Algorithms)
                    {
                        db.Classifications.Add(new Classification { SourceId = id, Tag = tag, Algorithm = alg, Score = rng.NextDouble(), ModelVersion = "bench" });
                    }
                }

                if (rng.NextDouble() < 0.01)
                {
                    db.Annotations.Add(new Annotation { SourceId = id, Origin = "bench", Key = "period", Value = "1.0", Author = "bench" });
                }
            }

            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            db.ChangeTracker.Clear();
        }
    }

    private static async Task RunAsync(SourceCatalog catalog, IDbContextFactory<CatalogDb> factory, int repeat, CancellationToken ct)
    {
        List<(double Ra, double Dec, int? Field)> positions;
        await using (var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            positions = (await db.Sources.OrderBy(s => s.Id).Take(5000).Select(s => new { s.RaDeg, s.DecDeg, s.Field }).ToListAsync(ct).ConfigureAwait(false))
                .Select(p => (p.RaDeg ?? 0, p.DecDeg ?? 0, p.Field)).ToList();
        }

        var rng = new Random(11);
        (double Ra, double Dec, int? Field) Pick() => positions[rng.Next(positions.Count)];
        var kinds = new (string Name, Func<SourceQuery> Make)[]
        {
            ("first page, sorted by id", () => new SourceQuery()),
            ("page 400, sorted by id", () => new SourceQuery { Page = 400 }),
            ("class = RRab", () => new SourceQuery { KnownClass = "RRab" }),
            ("class = EA, page 20", () => new SourceQuery { KnownClass = "EA", Page = 20 }),
            ("period 0.4–0.9 d, sorted by period", () => new SourceQuery { MinPeriodDays = 0.4, MaxPeriodDays = 0.9, SortBy = SourceSort.Period }),
            ("field = F", () => new SourceQuery { Field = Pick().Field }),
            ("cone 30″", () => { var p = Pick(); return new SourceQuery { RaDeg = p.Ra, DecDeg = p.Dec, RadiusArcsec = 30 }; }),
            ("cone 600″ + class", () => { var p = Pick(); return new SourceQuery { RaDeg = p.Ra, DecDeg = p.Dec, RadiusArcsec = 600, KnownClass = "EW" }; }),
            ("id prefix", () => new SourceQuery { ObjId = "ZTFJ1" + rng.Next(0, 10).ToString(CultureInfo.InvariantCulture) }),
            ("has annotation", () => new SourceQuery { HasAnnotation = true }),
            ("rrlyr dnn ≥ 0.9, by score", () => new SourceQuery { Tag = "rrlyr", Algorithm = "dnn", MinScore = 0.9, SortBy = SourceSort.Score, Descending = true }),
            ("period desc", () => new SourceQuery { SortBy = SourceSort.Period, Descending = true }),
        };

        var all = new List<double>();
        Console.WriteLine("| query | rows matched | p50 ms | p95 ms | p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, make) in kinds)
        {
            for (var i = 0; i < 3; i++)
            {
                await catalog.SearchAsync(make(), ct).ConfigureAwait(false);
            }

            var times = new List<double>();
            var matched = 0;
            for (var i = 0; i < repeat; i++)
            {
                var q = make();
                var sw = Stopwatch.StartNew();
                var page = await catalog.SearchAsync(q, ct).ConfigureAwait(false);
                times.Add(sw.Elapsed.TotalMilliseconds);
                matched = page.TotalCount;
            }

            all.AddRange(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {matched:N0} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} | {Percentile(times, 99):F1} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **all queries** | | {Percentile(all, 50):F1} | **{Percentile(all, 95):F1}** | {Percentile(all, 99):F1} |"));
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (p / 100.0 * (sorted.Length - 1));
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
