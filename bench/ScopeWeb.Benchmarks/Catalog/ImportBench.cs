using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Benchmarks.Catalog;

/// <summary>
/// <c>scope-bench import [--input FILE] [--repeat N]</c>: light-curve import throughput. Each repeat parses the file
/// (parse-only), imports it into a fresh temporary SQLite catalog (new sources) and imports it again (the update
/// path). Prints the medians as a markdown table row for docs/benchmarks.md.
/// </summary>
public static class ImportBench
{
    private const string DefaultDataSet = "sdss_s82_rrlyrae/light_curves.csv.gz";

    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input", "-i")
        {
            Description = $"Light-curve CSV to import (default: ../shared/data/{DefaultDataSet} beside the repository when found, else a generated CSV of 200,000 points).",
        };
        var repeat = new Option<int>("--repeat", "-n")
        {
            Description = "Repeats; the medians are reported.",
            DefaultValueFactory = _ => 3,
        };
        repeat.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
            {
                r.AddError("--repeat must be between 1 and 100.");
            }
        });

        var command = new Command("import", "Benchmark the light-curve import (parse-only and end-to-end points/s).");
        command.Options.Add(input);
        command.Options.Add(repeat);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(input), parse.GetValue(repeat), parse.InvocationConfiguration, ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo? input, int repeats, InvocationConfiguration io, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        string? generatedDir = null;
        try
        {
            string path;
            if (input is not null)
            {
                if (!input.Exists)
                {
                    return BenchMachine.Missing(io.Error, input.FullName, "give --input a light-curve CSV.");
                }

                path = input.FullName;
            }
            else if (BenchMachine.SharedData(DefaultDataSet) is var shared && File.Exists(shared))
            {
                path = shared;
            }
            else
            {
                generatedDir = Directory.CreateTempSubdirectory("scope-bench-import-input-").FullName;
                path = Path.Combine(generatedDir, "generated_200k.csv");
                await GenerateCsvAsync(path, objects: 500, pointsPerBand: 200, ct).ConfigureAwait(false);
            }

            var file = ImportFile.FromPath(path);
            var parseRates = new List<double>();
            var createRates = new List<double>();
            var updateRates = new List<double>();
            LightCurveBatch? batch = null;
            for (var i = 0; i < repeats; i++)
            {
                var run = await RunOnceAsync(file, ct).ConfigureAwait(false);
                batch = run.Batch;
                parseRates.Add(run.ParseRate);
                createRates.Add(run.Created.PointsPerSecond);
                updateRates.Add(run.Updated.PointsPerSecond);
                await io.Error.WriteLineAsync(string.Create(c,
                    $"run {i + 1}/{repeats}: parse {run.ParseRate:N0} points/s, import (new) {run.Created.PointsPerSecond:N0} points/s in {run.Created.Elapsed.TotalSeconds:F2} s, re-import (update) {run.Updated.PointsPerSecond:N0} points/s in {run.Updated.Elapsed.TotalSeconds:F2} s")).ConfigureAwait(false);
            }

            var o = io.Output;
            await o.WriteLineAsync("| date | benchmark | input | points | sources | parse-only points/s | import, new sources, points/s | re-import, update, points/s | runs |").ConfigureAwait(false);
            await o.WriteLineAsync("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |").ConfigureAwait(false);
            await o.WriteLineAsync(string.Create(c,
                $"| {DateTime.UtcNow:yyyy-MM-dd} | scope-bench import | {file.Name} | {batch!.Points:N0} | {batch.Sources.Count:N0} | {Median(parseRates):N0} | {Median(createRates):N0} | {Median(updateRates):N0} | median of {repeats}, SQLite, {Environment.ProcessorCount} cores |")).ConfigureAwait(false);
            return 0;
        }
        catch (ImportException ex)
        {
            await io.Error.WriteLineAsync($"Benchmark input rejected: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            if (generatedDir is not null)
            {
                Directory.Delete(generatedDir, recursive: true);
            }
        }
    }

    private sealed record Run(LightCurveBatch Batch, double ParseRate, ImportResult Created, ImportResult Updated);

    private static async Task<Run> RunOnceAsync(ImportFile file, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("scope-bench-import-");
        try
        {
            // No pooling, so the temporary catalog file can be deleted afterwards.
            IDbContextFactory<CatalogDb> factory = new CatalogDbFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dir.FullName, "catalog.db")};Pooling=False");
            await using (var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false))
            {
                await db.Database.MigrateAsync(ct).ConfigureAwait(false);
            }

            var importer = new LightCurveImporter(factory, new CatalogWriter(factory));
            var clock = Stopwatch.StartNew();
            var batch = await importer.ParseAsync([file], ct: ct).ConfigureAwait(false);
            var parseRate = batch.Points / clock.Elapsed.TotalSeconds;
            var created = await importer.ImportAsync([file], ct: ct).ConfigureAwait(false);
            var updated = await importer.ImportAsync([file], ct: ct).ConfigureAwait(false);
            if (created.SourcesCreated != batch.Sources.Count || updated.SourcesUpdated != batch.Sources.Count)
            {
                throw new InvalidOperationException(
                    $"Benchmark check failed: {created.SourcesCreated} created and {updated.SourcesUpdated} updated, expected {batch.Sources.Count} each.");
            }

            return new Run(batch, parseRate, created, updated);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>A deterministic CSV of g and r light curves: sinusoids with noise around 15–20 mag, ZTF-like cadence.</summary>
    internal static async Task GenerateCsvAsync(string path, int objects, int pointsPerBand, CancellationToken ct)
    {
        var random = new Random(20261123);
        var writer = new StreamWriter(path);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync("object_id,mjd,band,mag,magerr,catflags".AsMemory(), ct).ConfigureAwait(false);
            var line = new System.Text.StringBuilder();
            for (var o = 0; o < objects; o++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"BENCH{o:D6}");
                var baseMag = 15 + (5 * random.NextDouble());
                var periodDays = 0.2 + (10 * random.NextDouble());
                foreach (var band in new[] { "g", "r" })
                {
                    var mjd = 58_200.0;
                    for (var p = 0; p < pointsPerBand; p++)
                    {
                        mjd += 0.5 + (3 * random.NextDouble());
                        var mag = baseMag + (0.4 * Math.Sin(2 * Math.PI * mjd / periodDays)) + (0.02 * (random.NextDouble() - 0.5));
                        line.Clear();
                        line.Append(CultureInfo.InvariantCulture, $"{id},{mjd:F6},{band},{mag:F4},{0.01 + (0.05 * random.NextDouble()):F4},0");
                        await writer.WriteLineAsync(line, ct).ConfigureAwait(false);
                    }
                }
            }
        }
    }
}
