using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Cli.Simulation;

/// <summary>
/// <c>scope simulate [--count N] [--seed S] [--append]</c>: fills the catalog with the simulator's labelled ZTF
/// light curves. Without options it makes the same catalog the web app makes on first start.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var count = new Option<int?>("--count")
        {
            Description = "Number of sources to simulate (default: Catalog:SimulatedSourcesOnFirstStart, 3000).",
        };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--count must be at least 1.");
            }
        });
        var seed = new Option<int?>("--seed")
        {
            Description = "Seed: the same count and seed give the same sources (default: Catalog:SimulationSeed, 42).",
        };
        var append = new Option<bool>("--append")
        {
            Description = "Add to a catalog that already holds sources (new positions; ids already present are skipped).",
        };

        var command = new Command("simulate", "Fill the catalog with simulated ZTF light curves (g, r and some i) of known class and period.")
        {
            count,
            seed,
            append,
        };
        command.SetAction((parse, ct) => RunAsync(parse, count, seed, append, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, Option<int?> countOption, Option<int?> seedOption, Option<bool> appendOption, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        using var host = await CliHost.StartAsync(parse, ct).ConfigureAwait(false);
        var services = host.Services;
        var catalogOptions = services.GetRequiredService<IOptions<CatalogOptions>>().Value;
        var count = parse.GetValue(countOption) ?? (catalogOptions.SimulatedSourcesOnFirstStart > 0 ? catalogOptions.SimulatedSourcesOnFirstStart : 3000);
        var seed = parse.GetValue(seedOption) ?? catalogOptions.SimulationSeed;
        var append = parse.GetValue(appendOption);
        var dbFactory = services.GetRequiredService<IDbContextFactory<CatalogDb>>();
        var time = services.GetRequiredService<TimeProvider>();

        long existing;
        await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            existing = await db.Sources.LongCountAsync(ct).ConfigureAwait(false);
        }

        if (existing > 0 && !append)
        {
            await error.WriteLineAsync(Invariant(
                $"The catalog already holds {existing:N0} sources, so nothing was simulated. Use --append to add {count:N0} simulated sources to it, or point --connection/--data-dir at an empty catalog.")).ConfigureAwait(false);
            return 1;
        }

        var simulator = new LightCurveSimulator(new SimulationSettings(), time);
        var skipped = new SkipCounter();
        var sources = existing == 0
            ? simulator.Generate(count, seed)
            : SkipExisting(
                // Continue the seed's sequence after the sources already present so positions are new; a few spare
                // sources replace any whose id is taken.
                simulator.Generate((int)Math.Min(int.MaxValue, count + (count / 10L) + 1000), seed, firstIndex: existing),
                dbFactory,
                Math.Min(1000, count),
                skipped).Take(count);

        var writer = services.GetRequiredService<CatalogWriter>();
        var progress = new ConsoleProgress(error, count, time);
        await error.WriteLineAsync(Invariant($"Simulating {count:N0} sources (seed {seed}){(existing > 0 ? Invariant($" after the {existing:N0} already in the catalog") : "")}…")).ConfigureAwait(false);
        int written;
        try
        {
            written = await writer.WriteAsync(sources, ExistingSourcePolicy.Reject, atomic: false, progress, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync(Invariant($"Stopped. {progress.Written:N0} sources were written (each batch is committed).")).ConfigureAwait(false);
            return 130;
        }

        progress.Finish();
        var seconds = progress.Elapsed.TotalSeconds;
        await output.WriteLineAsync(Invariant(
            $"Simulated {written:N0} sources into the catalog in {seconds:F1} s ({written / Math.Max(seconds, 1e-3):N0} sources/s); it now holds {existing + written:N0}.")).ConfigureAwait(false);
        if (skipped.Count > 0)
        {
            await output.WriteLineAsync(Invariant($"Skipped {skipped.Count:N0} simulated ids that were already in the catalog.")).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Drops sources whose object id the catalog already has, checking <paramref name="idsPerQuery"/> ids per query.</summary>
    private static IEnumerable<Source> SkipExisting(IEnumerable<Source> sources, IDbContextFactory<CatalogDb> dbFactory, int idsPerQuery, SkipCounter skipped)
    {
        foreach (var chunk in sources.Chunk(idsPerQuery))
        {
            HashSet<string> taken;
            var ids = chunk.Select(s => s.ObjId).ToArray();
            using (var db = dbFactory.CreateDbContext())
            {
                taken = db.Sources.AsNoTracking().Where(s => ids.Contains(s.ObjId)).Select(s => s.ObjId).ToHashSet(StringComparer.Ordinal);
            }

            foreach (var source in chunk)
            {
                if (taken.Contains(source.ObjId))
                {
                    skipped.Count++;
                    continue;
                }

                yield return source;
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class SkipCounter
    {
        public int Count { get; set; }
    }

    /// <summary>Progress on stderr about once a second: written, rate and time left.</summary>
    private sealed class ConsoleProgress(TextWriter error, int total, TimeProvider time) : IProgress<int>
    {
        private readonly long _start = time.GetTimestamp();
        private TimeSpan _lastReport = TimeSpan.Zero;
        private int _written;

        public int Written => Volatile.Read(ref _written);
        public TimeSpan Elapsed => time.GetElapsedTime(_start);

        public void Report(int value)
        {
            Volatile.Write(ref _written, value);
            var elapsed = Elapsed;
            if (elapsed - _lastReport >= TimeSpan.FromSeconds(1) && value < total)
            {
                _lastReport = elapsed;
                Write(value, elapsed);
            }
        }

        public void Finish() => Write(Written, Elapsed);

        private void Write(int written, TimeSpan elapsed)
        {
            var rate = written / Math.Max(elapsed.TotalSeconds, 1e-3);
            var left = rate > 0 ? TimeSpan.FromSeconds((total - written) / rate) : TimeSpan.Zero;
            error.WriteLine(Invariant(
                $"  {written:N0} / {total:N0} sources ({100.0 * written / total:F1}%), {rate:N0} sources/s, {FormatDuration(elapsed)} elapsed, ETA {FormatDuration(left)}"));
        }

        private static string FormatDuration(TimeSpan t) => t.TotalHours >= 1
            ? Invariant($"{(int)t.TotalHours}h{t.Minutes:00}m")
            : Invariant($"{t.Minutes}m{t.Seconds:00}s");
    }
}
