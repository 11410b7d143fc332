using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Core.Simulation;
using Search = ScopeWeb.Core.FeatureExtraction.PeriodSearch.PeriodSearch;

namespace ScopeWeb.Benchmarks.Features;

/// <summary>
/// <c>scope-bench period-search</c>: ScopeWeb's Lomb–Scargle against astropy's on the same light curves and grid (astropy
/// runs as a subprocess, tools/bench/astropy_ls.py, in the same run), the nested search's and the full feature set's
/// throughput on 200-point ZTF-like light curves on two threads, and period recovery on SDSS Stripe 82 RR Lyrae against
/// astropy on the best single band. Prints a Markdown table.
/// </summary>
public static class PeriodSearchBench
{
    private const int PointsPerLightCurve = 200;

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Simulated 200-point light curves for the throughput runs.", DefaultValueFactory = _ => 400 };
        var astropyCount = new Option<int>("--astropy-count") { Description = "Light curves timed against astropy (its exact method takes seconds each).", DefaultValueFactory = _ => 10 };
        var python = new Option<string>("--python") { Description = "Interpreter with numpy and astropy.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var sdss = new Option<bool>("--sdss") { Description = "Measure period recovery on ../shared/data/sdss_s82_rrlyrae beside the repository when present (--sdss false: skip).", DefaultValueFactory = _ => true };
        var threads = new Option<int>("--threads") { Description = "Threads for the throughput runs.", DefaultValueFactory = _ => 2 };
        var command = new Command("period-search", "Period search: speed against astropy, throughput, SDSS RR Lyrae recovery.")
        {
            count, astropyCount, python, sdss, threads,
        };
        command.SetAction(parse =>
        {
            Run(parse.GetValue(count), parse.GetValue(astropyCount), parse.GetValue(python)!, parse.GetValue(sdss), parse.GetValue(threads));
            return 0;
        });
        return command;
    }

    private static void Run(int count, int astropyCount, string python, bool sdss, int threads)
    {
        var script = BenchMachine.PeerScript("astropy_ls.py");
        var astropy = script is not null && File.Exists(script) && AstropyWorks(python);
        Console.Error.WriteLine(astropy ? $"astropy peer: {python} {script}" : $"astropy peer unavailable ({python} with astropy, tools/bench/astropy_ls.py); ScopeWeb-only numbers.");

        var sample = SimulatedLightCurves(count);
        var rows = new List<(string Measure, string Value, string Conditions)>();
        Console.Error.WriteLine($"{sample.Count} simulated light curves of {PointsPerLightCurve} points.");

        CompareWithAstropy(sample.Take(astropyCount).ToList(), astropy ? (python, script!) : null, rows);
        Throughput(sample, threads, rows);
        if (sdss)
        {
            SdssRecovery(astropy ? (python, script!) : null, rows);
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {BenchMachine.RuntimeSimd()}; load average {BenchMachine.LoadAverage()}.");
        Console.WriteLine();
        Console.WriteLine("| measure | value | conditions |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (measure, value, conditions) in rows)
        {
            Console.WriteLine($"| {measure} | {value} | {conditions} |");
        }
    }

    /// <summary>ScopeWeb's GLS scan and astropy's LombScargle on each light curve's primary band and SCoPe grid (48 /d, 10 samples per peak).</summary>
    private static void CompareWithAstropy(List<IReadOnlyList<PreparedLightCurve>> sample, (string Python, string Script)? astropy, List<(string, string, string)> rows)
    {
        var options = PeriodSearchOptions.Catalog;
        var bands = sample.Select(s => s.OrderByDescending(b => b.Count).First()).ToList();
        var ours = new List<(double Ms, double Period, int Frequencies)>();
        foreach (var band in bands)
        {
            var grid = FrequencyGrid.For(band.BaselineDays, options);
            GeneralizedLombScargle.Periodogram([band], grid);
            var best = double.PositiveInfinity;
            float[] power = [];
            for (var repeat = 0; repeat < 3; repeat++)
            {
                var sw = Stopwatch.StartNew();
                power = GeneralizedLombScargle.Periodogram([band], grid);
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }

            ours.Add((best, 1 / grid.FrequencyAt(Array.IndexOf(power, power.Max())), grid.Count));
        }

        var meanPoints = bands.Average(b => b.Count);
        var gridText = string.Create(CultureInfo.InvariantCulture, $"{bands.Count} LCs, one band ({meanPoints:F0} points), SCoPe grid 2/T–48 /d, 10 samples/peak, {ours.Average(o => o.Frequencies):N0} frequencies");
        rows.Add(("ScopeWeb GLS (SIMD scan), ms per LC", Format(ours.Average(o => o.Ms)), gridText + ", 1 thread"));
        if (astropy is null)
        {
            return;
        }

        var csv = Path.Combine(Path.GetTempPath(), $"scopeweb-bench-{Environment.ProcessId}.csv");
        try
        {
            WriteCsv(csv, bands.Select((b, i) => (i.ToString(CultureInfo.InvariantCulture), b)));
            var results = RunPeer(astropy.Value, csv, "--methods", "fast,cython", "--fmax", "48", "--spp", "10");
            foreach (var method in new[] { "fast", "cython" })
            {
                var timed = results.Where(r => r.Method == method).ToList();
                if (timed.Count == 0)
                {
                    continue;
                }

                var ms = timed.Average(r => r.Ms);
                var agree = timed.Count(r => Math.Abs(r.Period - ours[int.Parse(r.Id, CultureInfo.InvariantCulture)].Period) / r.Period < 1e-3);
                rows.Add(($"astropy LombScargle method='{method}', ms per LC", Format(ms), gridText + $", same run; best period agrees with ScopeWeb on {agree}/{timed.Count}"));
                rows.Add(($"speed-up ScopeWeb GLS vs astropy '{method}'", Format(ms / ours.Average(o => o.Ms)) + "×", "per light curve, same grid"));
            }
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static void Throughput(List<IReadOnlyList<PreparedLightCurve>> sample, int threads, List<(string, string, string)> rows)
    {
        foreach (var (name, options) in new[] { ("catalog preset, max 48 /d", PeriodSearchOptions.Catalog), ("SCoPe config, max 288 /d", new PeriodSearchOptions()) })
        {
            Search.SearchMany(sample.Take(10).ToList(), options, threads);
            var sw = Stopwatch.StartNew();
            var results = Search.SearchMany(sample, options, threads);
            var rate = sample.Count / sw.Elapsed.TotalSeconds;
            rows.Add(($"ScopeWeb nested ELS_ECE_EAOV search, LC/s", Format(rate), string.Create(CultureInfo.InvariantCulture,
                $"{sample.Count} simulated LCs × {PointsPerLightCurve} points (g+r[+i]), {threads} threads, {name}: scan {results[0].Grid.StepPerDay:G3} /d steps ({results.Average(r => r.Grid.Count):N0} frequencies), refined to 10 samples/peak")));
        }

        var extractor = new FeatureExtractor();
        var photometry = sample.Select(ToPhotometry).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.ForEach(photometry.Take(10), parallel, p => extractor.Extract(p));
        var timer = Stopwatch.StartNew();
        Parallel.ForEach(photometry, parallel, p => extractor.Extract(p));
        rows.Add(("Full feature set (FeatureExtractor), LC/s", Format(photometry.Count / timer.Elapsed.TotalSeconds),
            $"same {photometry.Count} LCs, {threads} threads, default FeatureExtractionOptions (catalog preset)"));
    }

    private static void SdssRecovery((string Python, string Script)? astropy, List<(string, string, string)> rows)
    {
        var dir = BenchMachine.SharedData("sdss_s82_rrlyrae");
        if (!File.Exists(Path.Combine(dir, "labels_periods.csv")) || !File.Exists(Path.Combine(dir, "light_curves.csv.gz")))
        {
            // Optional part of the run (--sdss, on by default): the throughput rows stand on their own.
            Console.Error.WriteLine($"SDSS Stripe 82 RR Lyrae data not found ({dir}); recovery not measured.");
            return;
        }

        var periods = File.ReadLines(Path.Combine(dir, "labels_periods.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(p => p[0], p => double.Parse(p[2], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var stars = ReadSdss(Path.Combine(dir, "light_curves.csv.gz")).Where(s => periods.ContainsKey(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var sw = Stopwatch.StartNew();
        var results = Search.SearchMany(stars.Select(s => s.Value).ToList(), PeriodSearchOptions.Catalog);
        var elapsed = sw.Elapsed.TotalSeconds;
        var ok = stars.Where((s, i) => Within(results[i].PeriodDays, periods[s.Key])).Count();
        rows.Add(("SDSS S82 RR Lyrae recovered (ScopeWeb, all 5 bands)", Percent(ok, stars.Count), string.Create(CultureInfo.InvariantCulture,
            $"within 1% of the catalogue period; nested search, catalog preset (48 /d); {stars.Count} stars in {elapsed:F1} s")));
        if (astropy is null)
        {
            return;
        }

        var csv = Path.Combine(Path.GetTempPath(), $"scopeweb-bench-sdss-{Environment.ProcessId}.csv");
        try
        {
            WriteCsv(csv, stars.SelectMany(s => s.Value.Select(b => ($"{s.Key}:{b.Band}", b))));
            var results2 = RunPeer(astropy.Value, csv, "--methods", "fast", "--fmax", "10", "--spp", "5");
            var byBand = results2.GroupBy(r => r.Id.Split(':')[1], StringComparer.Ordinal)
                .Select(g => (Band: g.Key, Ok: g.Count(r => Within(r.Period, periods[r.Id.Split(':')[0]])), Total: g.Count()))
                .OrderByDescending(x => x.Ok)
                .ToList();
            var best = byBand[0];
            rows.Add(("SDSS S82 RR Lyrae recovered (astropy, best single band)", Percent(best.Ok, best.Total),
                $"band {best.Band} (all: {string.Join(", ", byBand.Select(b => $"{b.Band} {Percent(b.Ok, b.Total)}"))}); LombScargle 'fast', 2/T–10 /d, 5 samples/peak"));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    /// <summary>Simulated sources with at least 200 clean points, thinned at random to 200 over their whole baseline.</summary>
    private static List<IReadOnlyList<PreparedLightCurve>> SimulatedLightCurves(int count)
    {
        var random = new Random(3);
        var sample = new List<IReadOnlyList<PreparedLightCurve>>(count);
        foreach (var source in new LightCurveSimulator().Generate(count * 4, 11))
        {
            var bands = source.LightCurves.Select(lc => LightCurvePreprocessor.Prepare(lc.Band, lc.ReadPhotometry(), new PreprocessingOptions { MinPoints = 5 }))
                .OfType<PreparedLightCurve>().ToList();
            var total = bands.Sum(b => b.Count);
            if (total < PointsPerLightCurve)
            {
                continue;
            }

            var keep = new HashSet<int>(Enumerable.Range(0, total).OrderBy(_ => random.Next()).Take(PointsPerLightCurve));
            var offset = 0;
            var thinned = new List<PreparedLightCurve>();
            foreach (var band in bands)
            {
                var indices = Enumerable.Range(0, band.Count).Where(i => keep.Contains(offset + i)).ToArray();
                offset += band.Count;
                if (indices.Length >= 5)
                {
                    thinned.Add(new PreparedLightCurve(band.Band, indices.Select(i => band.Mjd[i]).ToArray(), indices.Select(i => band.Mag[i]).ToArray(), indices.Select(i => band.MagErr[i]).ToArray()));
                }
            }

            sample.Add(thinned);
            if (sample.Count == count)
            {
                break;
            }
        }

        return sample;
    }

    private static Dictionary<string, Photometry> ToPhotometry(IReadOnlyList<PreparedLightCurve> bands) =>
        bands.ToDictionary(
            b => b.Band,
            b => new Photometry(b.Mjd, b.Mag.Select(m => (float)m).ToArray(), b.MagErr.Select(e => (float)e).ToArray(), new ushort[b.Count], new bool[b.Count]),
            StringComparer.Ordinal);

    private static Dictionary<string, IReadOnlyList<PreparedLightCurve>> ReadSdss(string path)
    {
        var rows = new Dictionary<string, Dictionary<string, List<(double Mjd, double Mag, double Err)>>>(StringComparer.Ordinal);
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        reader.ReadLine();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var p = line.Split(',');
            if (p.Length != 5)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: expected object_id,mjd,band,mag,magerr.");
            }

            var mag = double.Parse(p[3], CultureInfo.InvariantCulture);
            var err = double.Parse(p[4], CultureInfo.InvariantCulture);
            if (mag >= 90 || err >= 9)
            {
                continue;
            }

            if (!rows.TryGetValue(p[0], out var bands))
            {
                rows[p[0]] = bands = new(StringComparer.Ordinal);
            }

            if (!bands.TryGetValue(p[2], out var points))
            {
                bands[p[2]] = points = [];
            }

            points.Add((double.Parse(p[1], CultureInfo.InvariantCulture), mag, err));
        }

        return rows.ToDictionary(
            r => r.Key,
            r => (IReadOnlyList<PreparedLightCurve>)r.Value.Select(b =>
            {
                var sorted = b.Value.OrderBy(x => x.Mjd).ToArray();
                return new PreparedLightCurve(b.Key, sorted.Select(x => x.Mjd).ToArray(), sorted.Select(x => x.Mag).ToArray(), sorted.Select(x => x.Err).ToArray());
            }).ToList(),
            StringComparer.Ordinal);
    }

    private static void WriteCsv(string path, IEnumerable<(string Id, PreparedLightCurve Band)> curves)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("id,mjd,mag,magerr");
        foreach (var (id, band) in curves)
        {
            for (var i = 0; i < band.Count; i++)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id},{band.Mjd[i]:R},{band.Mag[i]:R},{band.MagErr[i]:R}"));
            }
        }
    }

    private static List<(string Id, string Method, double Ms, double Period)> RunPeer((string Python, string Script) peer, string csv, params string[] arguments)
    {
        var start = new ProcessStartInfo(peer.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(peer.Script);
        start.ArgumentList.Add("--input");
        start.ArgumentList.Add(csv);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {peer.Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var results = new List<(string, string, double, double)>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            using var json = JsonDocument.Parse(line);
            var r = json.RootElement;
            results.Add((r.GetProperty("id").GetString()!, r.GetProperty("method").GetString()!, r.GetProperty("ms").GetDouble(), r.GetProperty("best_period").GetDouble()));
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{peer.Script} failed (exit {process.ExitCode}): {stderr.Result}");
        }

        return results;
    }

    private static bool AstropyWorks(string python)
    {
        if (!File.Exists(python))
        {
            return false;
        }

        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import astropy.timeseries");
        using var process = Process.Start(start);
        if (process is null)
        {
            return false;
        }

        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static bool Within(double found, double truth) => Math.Abs(found - truth) / truth < 0.01;

    private static string Format(double value) => value.ToString(value >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);

    private static string Percent(int ok, int total) => string.Create(CultureInfo.InvariantCulture, $"{100.0 * ok / total:F1}% ({ok}/{total})");
}
