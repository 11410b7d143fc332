using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ScopeWeb.Training;
using ScopeWeb.Training.Gbdt;
using ScopeWeb.Training.Metrics;

namespace ScopeWeb.Benchmarks.Training;

/// <summary>
/// <c>scope-bench gbdt-train [--rows 50000] [--features 40] [--rounds 200] [--threads 2,1] [--peer]</c>: gradient-boosted
/// trees training time with SCoPe's XGB parameters, ScopeWeb's LightGBM (C API) against xgboost's hist method
/// (tools/bench/xgb_train.py, same data written as .npy, same run). Fixed round count without early stopping for the
/// timing; then one SCoPe-style run with early stopping on each side; then the ONNX export check. Validation AUC of
/// both sides is computed here with one function (<see cref="RocAuc"/>). Prints a Markdown table for docs/benchmarks.md.
/// </summary>
public static class GbdtTrainBench
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Training rows.", DefaultValueFactory = _ => 50_000 };
        var validationRows = new Option<int>("--validation-rows") { Description = "Validation rows (AUC every round).", DefaultValueFactory = _ => 10_000 };
        var features = new Option<int>("--features") { Description = "Features per row (≥ 12; 8 of them 5 % NaN).", DefaultValueFactory = _ => 40 };
        var rounds = new Option<int>("--rounds") { Description = "Boosting rounds of the timed runs (no early stopping).", DefaultValueFactory = _ => 200 };
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts to time.", DefaultValueFactory = _ => "2,1" };
        var repeat = new Option<int>("--repeat") { Description = "Trainings per thread count and side; the fastest is reported.", DefaultValueFactory = _ => 1 };
        var peer = new Option<bool>("--peer") { Description = "Also train with xgboost (tools/bench/xgb_train.py) in the same run." };
        var python = new Option<string>("--python") { Description = "Interpreter with numpy and xgboost.", DefaultValueFactory = _ => "/usr/bin/python3" };
        foreach (var option in new[] { rows, validationRows, rounds, repeat })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                {
                    r.AddError($"{r.Option.Name} must be positive.");
                }
            });
        }

        features.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 12)
            {
                r.AddError("--features must be at least 12 (the label uses the first 12).");
            }
        });

        var command = new Command("gbdt-train", "GBDT training: LightGBM (C API) against xgboost hist, SCoPe's XGB parameters, same data and run.")
        {
            rows, validationRows, features, rounds, threads, repeat, peer, python,
        };
        command.SetAction(parse =>
        {
            var threadCounts = ParseThreads(parse.GetValue(threads)!);
            if (threadCounts is null)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: --threads must be comma-separated positive integers, e.g. 2,1.");
                return 1;
            }

            var settings = new Settings(
                parse.GetValue(rows), parse.GetValue(validationRows), parse.GetValue(features), parse.GetValue(rounds), threadCounts,
                parse.GetValue(repeat), parse.GetValue(peer), parse.GetValue(python)!);
            try
            {
                return Run(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            }
            catch (InvalidDataException ex)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: " + ex.Message);
                return 1;
            }
        });
        return command;
    }

    private sealed record Settings(int Rows, int ValidationRows, int Features, int Rounds, int[] Threads, int Repeat, bool Peer, string Python);

    private sealed record PeerRun(int Threads, double Seconds, double DmatrixSeconds, int Rounds, int BestRound, double EvalAuc, double Auc, string Version);

    private static int Run(Settings settings, TextWriter output, TextWriter log)
    {
        var train = MakeData(settings.Rows, settings.Features, seed: 1);
        var validation = MakeData(settings.ValidationRows, settings.Features, seed: 2);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: {train.Rows:N0} train + {validation.Rows:N0} validation rows × {train.FeatureCount} features, {train.Positives * 100.0 / train.Rows:F1} % positive, 8 features 5 % NaN"));

        // Loads lib_lightgbm and warms the JIT outside the timings.
        GbdtTrainer.Train(MakeData(2000, settings.Features, 3), MakeData(500, settings.Features, 4), new GbdtTrainingOptions { MaxRounds = 3, EarlyStoppingRounds = 0, Threads = 1 });

        var rows = new List<(string Measure, string Ours, string Peer, string Conditions)>();
        var folder = settings.Peer ? Directory.CreateTempSubdirectory("scopeweb-gbdt-bench-") : null;
        var best = new Dictionary<int, GbdtTrainingResult>();
        var peerBest = new Dictionary<int, PeerRun>();
        GbdtTrainingResult early;
        PeerRun? peerEarly = null;
        try
        {
            if (folder is not null)
            {
                WriteNpy(Path.Combine(folder.FullName, "train_x.npy"), train.Features, train.Rows, train.FeatureCount);
                WriteNpy(Path.Combine(folder.FullName, "train_y.npy"), train.Labels, train.Rows, null);
                WriteNpy(Path.Combine(folder.FullName, "val_x.npy"), validation.Features, validation.Rows, validation.FeatureCount);
                WriteNpy(Path.Combine(folder.FullName, "val_y.npy"), validation.Labels, validation.Rows, null);
            }

            // Repeats alternate between the two sides, so a change in the machine's other load hits both alike.
            for (var repeat = 0; repeat < settings.Repeat; repeat++)
            {
                foreach (var threads in settings.Threads)
                {
                    var result = GbdtTrainer.Train(train, validation, new GbdtTrainingOptions { MaxRounds = settings.Rounds, EarlyStoppingRounds = 0, Threads = threads });
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LightGBM {threads} thread(s): {result.Elapsed.TotalSeconds:F2} s, {result.BestRound} rounds"));
                    if (!best.TryGetValue(threads, out var kept) || result.Elapsed < kept.Elapsed)
                    {
                        best[threads] = result;
                    }
                }

                if (folder is not null)
                {
                    foreach (var run in RunPeer(settings, folder.FullName, validation, log, "--threads", string.Join(',', settings.Threads), "--rounds", Text(settings.Rounds), "--label", "timed"))
                    {
                        if (!peerBest.TryGetValue(run.Threads, out var kept) || run.Seconds < kept.Seconds)
                        {
                            peerBest[run.Threads] = run;
                        }
                    }
                }
            }

            early = GbdtTrainer.Train(train, validation, new GbdtTrainingOptions { Threads = settings.Threads[0] });
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LightGBM early stopping: best round {early.BestRound} of {early.History.Count}, {early.Elapsed.TotalSeconds:F2} s"));
            if (folder is not null)
            {
                peerEarly = RunPeer(settings, folder.FullName, validation, log,
                    "--threads", Text(settings.Threads[0]), "--rounds", "999", "--early-stopping", "10", "--label", "early")[0];
            }
        }
        finally
        {
            folder?.Delete(recursive: true);
        }

        var timed = settings.Threads.Select(t => (Threads: t, Result: best[t])).ToList();
        var peerTimed = folder is null ? null : settings.Threads.Select(t => peerBest[t]).ToList();
        var data = string.Create(CultureInfo.InvariantCulture, $"{train.Rows:N0} × {train.FeatureCount}, 8 features 5 % NaN");
        foreach (var (threads, result) in timed)
        {
            var peer = peerTimed?.SingleOrDefault(p => p.Threads == threads);
            rows.Add(($"train {settings.Rounds} rounds, {threads} thread{(threads == 1 ? string.Empty : "s")}, s", Seconds(result.Elapsed.TotalSeconds),
                peer is null ? "–" : Seconds(peer.Seconds),
                $"{data}; data set construction included (xgboost: DMatrix {(peer is null ? "–" : Seconds(peer.DmatrixSeconds))} s); every round evaluates the training and validation sets (ours: train logloss, validation logloss + AUC; xgboost: train and validation AUC, as SCoPe)"));
        }

        var last = timed[0].Result;
        var lastPeer = peerTimed?.FirstOrDefault();
        rows.Add(($"validation AUC after {settings.Rounds} rounds", Auc(RocAuc.Compute(last.PredictWithLightGbm(validation), validation.Labels)),
            lastPeer is null ? "–" : Auc(lastPeer.Auc), string.Create(CultureInfo.InvariantCulture,
                $"{validation.Rows:N0} validation rows, same AUC code (RocAuc) for both{(lastPeer is null ? string.Empty : $"; xgboost's own eval {lastPeer.EvalAuc:F4}")}")));
        if (timed.Count > 1 && peerTimed is not null)
        {
            foreach (var (threads, result) in timed)
            {
                var peer = peerTimed.Single(p => p.Threads == threads);
                rows.Add(($"speed-up LightGBM vs xgboost, {threads} thread{(threads == 1 ? string.Empty : "s")}", string.Create(CultureInfo.InvariantCulture, $"{peer.Seconds / result.Elapsed.TotalSeconds:F2}×"), string.Empty, "xgboost seconds / LightGBM seconds"));
            }
        }

        rows.Add(($"SCoPe mode (early stopping 10, max 999), {settings.Threads[0]} threads: best round / trained", $"{early.BestRound} / {early.History.Count}",
            peerEarly is null ? "–" : $"{peerEarly.BestRound} / {peerEarly.Rounds}", "rounds kept / rounds trained"));
        rows.Add(("SCoPe mode: s", Seconds(early.Elapsed.TotalSeconds), peerEarly is null ? "–" : Seconds(peerEarly.Seconds), "whole run incl. data set construction"));
        rows.Add(("SCoPe mode: validation AUC of the kept model", Auc(RocAuc.Compute(early.PredictWithLightGbm(validation), validation.Labels)),
            peerEarly is null ? "–" : Auc(peerEarly.Auc), "same AUC code for both"));

        var onnx = Path.Combine(Path.GetTempPath(), $"scopeweb-gbdt-bench-{Environment.ProcessId}.onnx");
        try
        {
            var clock = Stopwatch.StartNew();
            var maxDifference = GbdtOnnxExport.Export(early, validation, onnx);
            rows.Add(("ONNX export + check, ms", Text(Math.Round(clock.Elapsed.TotalMilliseconds)), string.Empty, string.Create(CultureInfo.InvariantCulture,
                $"SCoPe-mode model ({early.BestRound} trees), {validation.Rows:N0} check rows scored by ONNX Runtime and LightGBM, max abs difference {maxDifference:G3}")));
        }
        finally
        {
            File.Delete(onnx);
        }

        var peerName = peerTimed?.FirstOrDefault()?.Version is { } version ? $"xgboost {version} (hist)" : "xgboost (hist, not run)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores; load average {BenchMachine.LoadAverage()}; OMP_WAIT_POLICY={OpenMpWaitPolicy()} for both."));
        output.WriteLine();
        output.WriteLine($"| measure | ScopeWeb (LightGBM 4.7.0 C API) | {peerName} | conditions |");
        output.WriteLine("|---|---:|---:|---|");
        foreach (var (measure, ours, peerValue, conditions) in rows)
        {
            output.WriteLine($"| {measure} | {ours} | {peerValue} | {conditions} |");
        }

        return 0;
    }

    /// <summary>
    /// A nonlinear binary problem: the label mixes an interaction, a sine, a square, a threshold step and linear terms of
    /// the first 12 features plus noise; the rest are noise. Features 4–11 are 5 % NaN (the label uses their true values);
    /// feature 3 is an integer in 0..4.
    /// </summary>
    private static TrainingSplit MakeData(int rows, int featureCount, int seed)
    {
        var random = new Random(seed);
        var features = new float[rows * featureCount];
        var labels = new float[rows];
        var x = new double[featureCount];
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < featureCount; f++)
            {
                x[f] = Gaussian(random);
            }

            x[3] = random.Next(5);
            var margin = (1.2 * x[0] * x[1]) + Math.Sin(2 * x[2]) + (0.4 * (x[3] - 2)) + (0.5 * x[4] * x[4]) - 0.5 + (0.7 * x[5]) - (0.5 * x[6])
                + (x[7] > 0.5 ? 0.8 : 0) + (0.3 * x[8] * x[9]) + (0.4 * Math.Abs(x[10])) - (0.3 * x[11]) - 0.6 + (0.6 * Gaussian(random));
            labels[r] = margin > 0 ? 1f : 0f;
            for (var f = 0; f < featureCount; f++)
            {
                features[(r * featureCount) + f] = f is >= 4 and <= 11 && random.NextDouble() < 0.05 ? float.NaN : (float)x[f];
            }
        }

        return new TrainingSplit(featureCount, features, labels);
    }

    private static List<PeerRun> RunPeer(Settings settings, string folder, TrainingSplit validation, TextWriter log, params string[] arguments)
    {
        var script = BenchMachine.PeerScript("xgb_train.py") ?? throw new InvalidDataException("cannot find the repository (ScopeWeb.sln) for tools/bench/xgb_train.py.");
        var start = new ProcessStartInfo(settings.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(folder);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The same OpenMP wait policy as ScopeWeb's LightGBM (passive unless the environment says otherwise), so neither
        // side's threads spin at barriers while the other work on the machine wants the cores.
        start.Environment["OMP_WAIT_POLICY"] = OpenMpWaitPolicy();
        using var process = Process.Start(start) ?? throw new InvalidDataException($"could not start {settings.Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var runs = new List<PeerRun>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            using var json = JsonDocument.Parse(line);
            var r = json.RootElement;
            var predictions = ReadNpyFloat(r.GetProperty("predictions").GetString()!, validation.Rows);
            var run = new PeerRun(
                r.GetProperty("threads").GetInt32(), r.GetProperty("seconds").GetDouble(), r.GetProperty("dmatrix_seconds").GetDouble(),
                r.GetProperty("rounds").GetInt32(), r.GetProperty("best_round").GetInt32(), r.GetProperty("eval_auc").GetDouble(),
                RocAuc.Compute(predictions, validation.Labels), r.GetProperty("xgboost").GetString()!);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"xgboost {run.Threads} thread(s): {run.Seconds:F2} s, {run.BestRound} of {run.Rounds} rounds"));
            runs.Add(run);
        }

        process.WaitForExit();
        if (process.ExitCode != 0 || runs.Count == 0)
        {
            throw new InvalidDataException($"{script} failed (exit {process.ExitCode}): {stderr.Result}");
        }

        return runs;
    }

    /// <summary>Writes a little-endian float32 .npy (format 1.0), 1-D when <paramref name="columns"/> is null.</summary>
    private static void WriteNpy(string path, float[] values, int rows, int? columns)
    {
        var shape = columns is null ? $"({rows},)" : $"({rows}, {columns})";
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        var total = 10 + header.Length + 1;
        header += new string(' ', ((total + 63) / 64 * 64) - total) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>Reads the 1-D little-endian float32 .npy that xgb_train.py writes (np.save of a float32 vector).</summary>
    private static float[] ReadNpyFloat(string path, int expected)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || bytes[1] != (byte)'N')
        {
            throw new InvalidDataException($"{path}: not a .npy file.");
        }

        var major = bytes[6];
        var headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : (int)BitConverter.ToUInt32(bytes, 8);
        var offset = (major == 1 ? 10 : 12) + headerLength;
        var header = Encoding.ASCII.GetString(bytes, major == 1 ? 10 : 12, headerLength);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || (bytes.Length - offset) / 4 != expected)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: expected {expected} little-endian float32 values, header {header.Trim()}."));
        }

        var values = new float[expected];
        Buffer.BlockCopy(bytes, offset, values, 0, expected * 4);
        return values;
    }

    private static string OpenMpWaitPolicy() => Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } policy ? policy : "PASSIVE";

    private static int[]? ParseThreads(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
            {
                return null;
            }
        }

        return values.Length == 0 ? null : values;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Auc(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
