using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.Dmdt;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Cli.Features;

/// <summary>
/// <c>scope features --input LIGHTCURVES.csv --output FEATURES.csv [--dmdt]</c>: SCoPe's feature set for every object of
/// light-curve files (the columns <c>scope import-lightcurves</c> accepts), one output row per object.
/// </summary>
public static class FeaturesCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo[]>("--input") { Description = "Light-curve CSV (or .csv.gz); repeat for several files.", Required = true, AllowMultipleArgumentsPerToken = true };
        var metadata = new Option<FileInfo[]>("--metadata") { Description = "Per-object metadata CSV (ra, dec, period, class) copied to the output.", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--output") { Description = "Features CSV to write.", Required = true };
        var dmdt = new Option<bool>("--dmdt") { Description = "Add a dmdt column: the 26×26 image as JSON (SCoPe's dataset format)." };
        var minPoints = new Option<int>("--min-points") { Description = "Clean points a band needs (SCoPe: 50).", DefaultValueFactory = _ => 50 };
        var maxFrequency = new Option<double>("--max-frequency") { Description = "Highest trial frequency, 1/day (SCoPe's GPU grid: 288).", DefaultValueFactory = _ => PeriodSearchOptions.Catalog.MaxFrequencyPerDay };
        var samplesPerPeak = new Option<int>("--samples-per-peak") { Description = "Frequency grid oversampling (SCoPe: 10).", DefaultValueFactory = _ => PeriodSearchOptions.Catalog.SamplesPerPeak };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: one per core)." };
        var command = new Command("features", "Compute SCoPe light-curve features (statistics, period search, Fourier terms, dmdt) per object.")
        {
            input, metadata, output, dmdt, minPoints, maxFrequency, samplesPerPeak, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new FeatureExtractionOptions
            {
                Preprocessing = new PreprocessingOptions { MinPoints = parse.GetValue(minPoints) },
                PeriodSearch = PeriodSearchOptions.Catalog with
                {
                    MaxFrequencyPerDay = parse.GetValue(maxFrequency),
                    SamplesPerPeak = parse.GetValue(samplesPerPeak),
                },
                Dmdt = parse.GetValue(dmdt),
            };
            options.PeriodSearch.Validate();
            try
            {
                return await RunAsync(
                    parse.GetValue(input)!.Select(f => ImportFile.FromPath(f.FullName)).ToList(),
                    (parse.GetValue(metadata) ?? []).Select(f => ImportFile.FromPath(f.FullName)).ToList(),
                    parse.GetValue(output)!,
                    options,
                    parse.GetValue(threads),
                    ct).ConfigureAwait(false);
            }
            catch (ImportException ex)
            {
                await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    public static async Task<int> RunAsync(
        IReadOnlyList<ImportFile> inputs,
        IReadOnlyList<ImportFile> metadata,
        FileInfo output,
        FeatureExtractionOptions options,
        int threads,
        CancellationToken ct)
    {
        var batch = await Task.Run(() => LightCurveImporter.Parse(inputs, metadata, DateTime.UtcNow, null, ct), ct).ConfigureAwait(false);
        var sources = batch.Sources;
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Read {sources.Count:N0} objects ({batch.Points:N0} points) from {string.Join(", ", batch.Files)}.")).ConfigureAwait(false);

        var extractor = new FeatureExtractor(options);
        var results = new FeatureSet?[sources.Count];
        var failures = new string?[sources.Count];
        var clock = Stopwatch.StartNew();
        var done = 0;
        using var ticker = new Timer(_ => Progress(Volatile.Read(ref done), sources.Count, clock.Elapsed), null, 1000, 1000);
        await Task.Run(
            () => Parallel.For(0, sources.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, i =>
            {
                // One object's failure is reported and skipped; the others are still computed and written.
                try
                {
                    var bands = sources[i].LightCurves.ToDictionary(l => l.Band, l => l.ReadPhotometry(), StringComparer.Ordinal);
                    results[i] = extractor.Extract(bands);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures[i] = ex.Message;
                }

                Interlocked.Increment(ref done);
            }),
            ct).ConfigureAwait(false);
        Progress(done, sources.Count, clock.Elapsed);

        var written = 0;
        var skipped = new List<string>();
        // Written beside the target and moved over it at the end: a half-written features file would look complete.
        var partial = output.FullName + ".partial";
        try
        {
            await using (var writer = new StreamWriter(partial))
            await using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, leaveOpen: false))
            {
                string[] head = ["object_id", "ra", "dec", "band", "n_bands", "period_algorithm", .. FeatureSet.FeatureNames];
                foreach (var h in options.Dmdt ? [.. head, "dmdt"] : head)
                {
                    csv.WriteField(h);
                }

                await csv.EndRecordAsync(ct).ConfigureAwait(false);
                for (var i = 0; i < sources.Count; i++)
                {
                    if (results[i] is not { } f)
                    {
                        if (failures[i] is null)
                        {
                            skipped.Add(sources[i].ObjId);
                        }

                        continue;
                    }

                    csv.WriteField(sources[i].ObjId);
                    csv.WriteField(Number(sources[i].RaDeg));
                    csv.WriteField(Number(sources[i].DecDeg));
                    csv.WriteField(f.Band);
                    csv.WriteField(f.BandCount.ToString(CultureInfo.InvariantCulture));
                    csv.WriteField(f.PeriodAlgorithm);
                    foreach (var (_, value) in f.Values)
                    {
                        csv.WriteField(Number(value));
                    }

                    if (options.Dmdt)
                    {
                        csv.WriteField(DmdtHistogram.ToJson(f.Dmdt));
                    }

                    await csv.EndRecordAsync(ct).ConfigureAwait(false);
                    written++;
                }
            }

            File.Move(partial, output.FullName, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote features of {written:N0} objects to {output.FullName} in {clock.Elapsed.TotalSeconds:F1} s ({written / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} light curves/s)."));
        if (skipped.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{skipped.Count:N0} objects had fewer than {options.Preprocessing.MinPoints} clean points in every band and have no features: {string.Join(", ", skipped.Take(10))}{(skipped.Count > 10 ? ", …" : "")}"));
        }

        var failed = Enumerable.Range(0, sources.Count).Where(i => failures[i] is not null).ToList();
        foreach (var i in failed.Take(20))
        {
            await Console.Error.WriteLineAsync($"skipped {sources[i].ObjId}: its features failed: {failures[i]}").ConfigureAwait(false);
        }

        if (failed.Count > 20)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"… and {failed.Count - 20:N0} more objects whose features failed.")).ConfigureAwait(false);
        }

        // As the catalog's jobs quarantine a source and go on: the file holds every other object, stderr names the failures.
        return 0;
    }

    /// <summary>Round-trippable, invariant; NaN and missing values are empty cells (as pandas writes them).</summary>
    private static string Number(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static void Progress(int done, int total, TimeSpan elapsed)
    {
        var rate = done / Math.Max(elapsed.TotalSeconds, 1e-3);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done:N0}/{total:N0} objects, {rate:N0}/s, ETA {eta:mm\\:ss}"));
    }
}
