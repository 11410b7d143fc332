using System.Buffers.Binary;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Benchmarks.Classifiers;

/// <summary>
/// <c>scope-bench inference [--models DIR] [--rows 100000] [--peer]</c>: SCoPe's 22 tags × (XGBoost + ScopeNet DNN)
/// scored through ONNX Runtime on one core, against xgboost's and torch's own inference on the same models and rows in
/// the same run (tools/bench/inference_peers.py), plus one source through all 44 models (p50/p99). DIR (default
/// ../bench-data/inference beside the repository) is the output of tools/bench/make_inference_models.py; its models are
/// imported into DIR/scopeweb-models as <c>scope models import</c> does (<see cref="ModelFolderImport"/>) the first time,
/// and again when a source model changes. Prints a Markdown table for docs/benchmarks.md.
/// </summary>
public static partial class InferenceBench
{
    /// <summary>Largest allowed difference between our scores and the peers' on the same rows.</summary>
    private const double ScoreTolerance = 1e-5;

    /// <summary>Where make_inference_models.py writes by default: beside the repository, never into it.</summary>
    private const string DefaultModels = "bench-data/inference";

    public static Command Create()
    {
        var models = new Option<DirectoryInfo?>("--models")
        {
            Description = $"Output folder of tools/bench/make_inference_models.py (meta.json, features.npy, dmdt.npy, xgb/, dnn/); default: ../{DefaultModels} beside the repository.",
        };
        var rows = new Option<int>("--rows") { Description = "Rows scored by every model (the first N of features.npy).", DefaultValueFactory = _ => 100_000 };
        var peer = new Option<bool>("--peer") { Description = "Also run xgboost and torch (tools/bench/inference_peers.py) in the same run and compare." };
        var python = new Option<string>("--python") { Description = "Interpreter with numpy, xgboost and torch.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var latency = new Option<int>("--latency-iterations") { Description = "Single-source runs through all models (after 50 warm-up runs).", DefaultValueFactory = _ => 2000 };
        var dnnRows = new Option<int?>("--dnn-rows") { Description = "Rows scored by each DNN (default: --rows); rates are per row either way." };
        var peerDnnRows = new Option<int?>("--peer-dnn-rows") { Description = "Rows for torch's throughput run (default: the DNN rows)." };
        var callRows = new Option<int?>("--dnn-call-rows")
        {
            Description = "Rows per ScorePrepared call of a DNN (default: all rows in one call, which OnnxClassifier batches at MaxDmdtBatchRows); torch is batched the same.",
        };
        var modelFolder = new Option<DirectoryInfo?>("--model-folder") { Description = "ScopeWeb model folder to import into (default: <--models>/scopeweb-models)." };
        foreach (var option in new Option[] { rows, latency, dnnRows, peerDnnRows, callRows })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<object?>() is int value && value < 1)
                {
                    r.AddError($"{r.Option.Name} must be positive.");
                }
            });
        }

        var command = new Command("inference", "Classifier inference: 22 tags × (XGB + DNN) per core against xgboost and torch; single-source latency.")
        {
            models, rows, dnnRows, callRows, peer, peerDnnRows, python, latency, modelFolder,
        };
        command.SetAction(parse =>
        {
            var modelsDirectory = parse.GetValue(models) ?? new DirectoryInfo(BenchMachine.BesideRepository(DefaultModels));
            var meta = Path.Combine(modelsDirectory.FullName, "meta.json");
            if (!File.Exists(meta))
            {
                return BenchMachine.Missing(parse.InvocationConfiguration.Error, meta,
                    $"make the models first: /usr/bin/python3 tools/bench/make_inference_models.py {modelsDirectory.FullName}");
            }

            var settings = new Settings(
                modelsDirectory,
                parse.GetValue(rows),
                parse.GetValue(peer),
                parse.GetValue(python)!,
                parse.GetValue(latency),
                parse.GetValue(dnnRows),
                parse.GetValue(callRows),
                parse.GetValue(peerDnnRows),
                parse.GetValue(modelFolder));
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

    private sealed record Settings(
        DirectoryInfo Models, int Rows, bool Peer, string Python, int LatencyIterations, int? DnnRows, int? CallRows, int? PeerDnnRows, DirectoryInfo? ModelFolder)
    {
        /// <summary>Rows per ONNX Runtime call of a DNN: ours when given, else OnnxClassifier's own batch size for dmdt models.</summary>
        public int BatchRows => Math.Min(CallRows ?? OnnxClassifier.MaxDmdtBatchRows, OnnxClassifier.MaxDmdtBatchRows);
    }

    /// <summary>What make_inference_models.py wrote: tags in order, feature names, and the XGBoost tree counts.</summary>
    private sealed record BenchData(string Directory, IReadOnlyList<string> Tags, string[] Features, IReadOnlyList<int> TreeCounts, IReadOnlyList<int> Depths, string XgboostVersion, string TorchVersion)
    {
        public string XgbPath(string tag) => Path.Combine(Directory, "xgb", tag + ".json");

        public string DnnPath(string tag) => Path.Combine(Directory, "dnn", tag + ".onnx");

        public string StatsPath => Path.Combine(Directory, "feature_stats.json");
    }

    /// <summary>One model's timing and scores (of the first <see cref="Rows"/> rows).</summary>
    private sealed record Scored(LoadedModel Model, double Seconds, double PrepareSeconds, float[] Scores)
    {
        public int Rows => Scores.Length;
    }

    private static int Run(Settings settings, TextWriter output, TextWriter log)
    {
        var data = ReadMeta(settings.Models.FullName);
        var folder = settings.ModelFolder?.FullName ?? Path.Combine(data.Directory, "scopeweb-models");
        ImportModels(data, folder, log);

        using var registry = new ModelRegistry(folder, watch: false);
        if (registry.Errors.Count > 0)
        {
            throw new InvalidDataException("cannot load every model card:" + string.Concat(registry.Errors.Select(e => $"{Environment.NewLine}  {e.File}: {e.Message}")));
        }

        using var lease = registry.Acquire();
        var models = lease.Set.Models.Where(m => data.Tags.Contains(m.Card.Tag, StringComparer.Ordinal)).ToList();
        if (models.Count != 2 * data.Tags.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{folder}: expected {2 * data.Tags.Count} models (XGB and DNN for {data.Tags.Count} tags), loaded {models.Count}."));
        }

        var (raw, rowCount, width) = ReadNpyDouble(Path.Combine(data.Directory, "features.npy"), settings.Rows);
        if (width != data.Features.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{data.Directory}/features.npy: {width} columns, but meta.json lists {data.Features.Length} features."));
        }

        var (dmdt, dmdtRows, dmdtWidth) = ReadNpyFloat(Path.Combine(data.Directory, "dmdt.npy"), rowCount);
        if (dmdtRows != rowCount || dmdtWidth != OnnxClassifier.DmdtLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{data.Directory}/dmdt.npy: expected [{rowCount}, {OnnxClassifier.DmdtLength}], found [{dmdtRows}, {dmdtWidth}]."));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Scoring {rowCount:N0} rows with {models.Count} models, one thread (ONNX Runtime {OrtEnv.Instance().GetVersionString()})."));
        var columns = models.Select(m => ColumnsOf(m, data)).ToArray();
        var dnnRowCount = Math.Min(settings.DnnRows ?? rowCount, rowCount);
        var scored = models.Select((m, i) => ScoreAll(m, columns[i], raw, dmdt, m.Classifier.UsesDmdt ? dnnRowCount : rowCount, width, m.Classifier.UsesDmdt ? settings.CallRows : null, log)).ToList();
        log.WriteLine($"Single-source latency: {settings.LatencyIterations} runs through all {models.Count} models.");
        var latency = SingleSourceLatency(models, columns, raw, dmdt, rowCount, width, settings.LatencyIterations);

        PeerResult? peer = null;
        if (settings.Peer)
        {
            peer = RunPeer(settings, data, rowCount, scored, log);
        }

        Report(output, data, settings, scored, latency, peer);
        var failed = peer is not null && (peer.XgbDiff is not <= ScoreTolerance || peer.DnnDiff is not <= ScoreTolerance);
        if (failed)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: scores differ from the peers' by more than {ScoreTolerance:G} (see the table)."));
        }

        return failed ? 1 : 0;
    }

    /// <summary>Imports each tag's XGBoost JSON and DNN ONNX into the model folder unless an up-to-date card is there.</summary>
    private static void ImportModels(BenchData data, string folder, TextWriter log)
    {
        Directory.CreateDirectory(folder);
        var stats = ModelFolderImport.ReadStats(data.StatsPath);
        var imported = 0;
        foreach (var tag in data.Tags)
        {
            foreach (var (algorithm, source) in new[] { (ModelAlgorithm.Xgb, data.XgbPath(tag)), (ModelAlgorithm.Dnn, data.DnnPath(tag)) })
            {
                if (!File.Exists(source))
                {
                    throw new InvalidDataException($"{source}: file not found (meta.json lists tag '{tag}').");
                }

                if (ModelFolderImport.IsCurrent(ModelFolderImport.CardPath(folder, tag, algorithm), source))
                {
                    continue;
                }

                if (algorithm == ModelAlgorithm.Xgb)
                {
                    ModelFolderImport.Xgboost(source, tag, data.Features, stats, folder);
                }
                else
                {
                    ModelFolderImport.Dnn(source, tag, data.Features, stats, folder);
                }

                imported++;
            }
        }

        log.WriteLine(imported == 0 ? $"Models already imported in {folder}." : $"Imported {imported} models into {folder}.");
    }

    private static int[] ColumnsOf(LoadedModel model, BenchData data) =>
        [.. model.Card.FeatureNames.Select(name =>
        {
            var index = Array.IndexOf(data.Features, name);
            return index >= 0 ? index : throw new InvalidDataException($"{model.CardPath}: feature '{name}' is not a column of features.npy.");
        })];

    /// <summary>
    /// Prepares every row for the model (timed apart), then scores them on this thread: in one ScorePrepared call, or
    /// in calls of <paramref name="callRows"/> rows.
    /// </summary>
    private static Scored ScoreAll(LoadedModel model, int[] columns, double[] raw, float[] dmdt, int rows, int width, int? callRows, TextWriter log)
    {
        var classifier = model.Classifier;
        var featureCount = classifier.FeatureCount;
        var prepared = new float[rows * featureCount];
        var gathered = new double[featureCount];
        var started = Stopwatch.GetTimestamp();
        for (var r = 0; r < rows; r++)
        {
            var row = raw.AsSpan(r * width, width);
            for (var f = 0; f < featureCount; f++)
            {
                gathered[f] = row[columns[f]];
            }

            classifier.Preprocessor.Prepare(gathered, prepared.AsSpan(r * featureCount, featureCount));
        }

        var prepareSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var images = classifier.UsesDmdt ? dmdt.AsSpan(0, rows * OnnxClassifier.DmdtLength) : [];
        var scores = new float[rows];
        // One call of the size timed below first: ONNX Runtime plans and allocates its buffers per input shape.
        var warm = Math.Min(callRows ?? classifier.BatchRows, rows);
        classifier.ScorePrepared(prepared.AsSpan(0, warm * featureCount), classifier.UsesDmdt ? images[..(warm * OnnxClassifier.DmdtLength)] : [], scores.AsSpan(0, warm));
        var step = callRows ?? rows;
        started = Stopwatch.GetTimestamp();
        for (var start = 0; start < rows; start += step)
        {
            var count = Math.Min(step, rows - start);
            classifier.ScorePrepared(
                prepared.AsSpan(start * featureCount, count * featureCount),
                classifier.UsesDmdt ? images.Slice(start * OnnxClassifier.DmdtLength, count * OnnxClassifier.DmdtLength) : [],
                scores.AsSpan(start, count));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {model.ScoreColumn}: {rows / seconds:N0} rows/s"));
        return new Scored(model, seconds, prepareSeconds, scores);
    }

    /// <summary>One random row at a time through every model, as a per-alert caller would: gather, prepare, score.</summary>
    private static (double P50, double P99, int Iterations) SingleSourceLatency(
        List<LoadedModel> models, int[][] columns, double[] raw, float[] dmdt, int rows, int width, int iterations)
    {
        const int warmUp = 50;
        var random = new Random(7);
        var maxFeatures = models.Max(m => m.Classifier.FeatureCount);
        var gathered = new double[maxFeatures];
        var prepared = new float[maxFeatures];
        var score = new float[1];
        var times = new double[iterations];
        for (var i = -warmUp; i < iterations; i++)
        {
            var r = random.Next(rows);
            var started = Stopwatch.GetTimestamp();
            var row = raw.AsSpan(r * width, width);
            for (var m = 0; m < models.Count; m++)
            {
                var classifier = models[m].Classifier;
                var map = columns[m];
                for (var f = 0; f < map.Length; f++)
                {
                    gathered[f] = row[map[f]];
                }

                classifier.Preprocessor.Prepare(gathered.AsSpan(0, map.Length), prepared.AsSpan(0, map.Length));
                var image = classifier.UsesDmdt ? dmdt.AsSpan(r * OnnxClassifier.DmdtLength, OnnxClassifier.DmdtLength) : [];
                classifier.ScorePrepared(prepared.AsSpan(0, map.Length), image, score);
            }

            if (i >= 0)
            {
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        Array.Sort(times);
        return (Percentile(times, 0.50), Percentile(times, 0.99), iterations);
    }

    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    /// <summary>What the peers measured in this run, and how far their scores are from ours (max |difference|).</summary>
    private sealed record PeerResult(
        double XgbPredictSeconds, double XgbDMatrixSeconds, double XgbInplaceSeconds, double TorchSeconds, int TorchRows,
        double LatencyP50, double LatencyP99, double XgbDiff, double DnnDiff);

    private static PeerResult RunPeer(Settings settings, BenchData data, int rows, List<Scored> ours, TextWriter log)
    {
        var script = BenchMachine.PeerScript("inference_peers.py") ?? throw new InvalidDataException("cannot find the repository (ScopeWeb.sln) for tools/bench/inference_peers.py.");
        var scoresDir = Directory.CreateTempSubdirectory("scopeweb-inference-peer-");
        try
        {
            var start = new ProcessStartInfo(settings.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            List<string> arguments = [script, "--models", data.Directory, "--rows", rows.ToString(CultureInfo.InvariantCulture),
                "--latency-iterations", settings.LatencyIterations.ToString(CultureInfo.InvariantCulture), "--scores-dir", scoresDir.FullName];
            var dnnRows = settings.PeerDnnRows ?? ours.Where(s => s.Model.Classifier.UsesDmdt).Max(s => s.Rows);
            arguments.AddRange(["--dnn-rows", dnnRows.ToString(CultureInfo.InvariantCulture), "--batch", settings.BatchRows.ToString(CultureInfo.InvariantCulture)]);

            arguments.ForEach(start.ArgumentList.Add);
            log.WriteLine($"Peers: {settings.Python} {string.Join(' ', arguments)}");
            using var process = Process.Start(start) ?? throw new InvalidDataException($"could not start {settings.Python}.");
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<JsonElement>();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                log.WriteLine("  " + line);
                using var json = JsonDocument.Parse(line);
                lines.Add(json.RootElement.Clone());
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidDataException($"{script} failed (exit {process.ExitCode}): {stderr.Result}");
            }

            JsonElement Find(string variant) =>
                lines.Find(l => l.TryGetProperty("variant", out var v) && v.GetString() == variant) is { ValueKind: JsonValueKind.Object } found
                    ? found
                    : throw new InvalidDataException($"{script} printed no '{variant}' measurement.");

            var torch = Find("forward");
            var latency = Find("single-source latency");
            return new PeerResult(
                Find("predict").GetProperty("seconds").GetDouble(),
                Find("DMatrix").GetProperty("seconds").GetDouble(),
                Find("inplace_predict").GetProperty("seconds").GetDouble(),
                torch.GetProperty("seconds").GetDouble(),
                torch.GetProperty("rows").GetInt32(),
                latency.GetProperty("p50_ms").GetDouble(),
                latency.GetProperty("p99_ms").GetDouble(),
                MaxDifference(Path.Combine(scoresDir.FullName, "scores_xgb.npy"), data, ours, ModelAlgorithm.Xgb),
                MaxDifference(Path.Combine(scoresDir.FullName, "scores_dnn.npy"), data, ours, ModelAlgorithm.Dnn));
        }
        finally
        {
            scoresDir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Max |ours − peer's| over every tag and every row the peer scored ([tags × rows], meta.json's tag order). A NaN
    /// on one side only is an infinite difference; NaN on both sides agrees.
    /// </summary>
    private static double MaxDifference(string path, BenchData data, List<Scored> ours, ModelAlgorithm algorithm)
    {
        var (peer, tags, rows) = ReadNpyFloat(path, int.MaxValue);
        if (tags != data.Tags.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: {tags} rows of scores, expected one per tag ({data.Tags.Count})."));
        }

        var max = 0.0;
        for (var t = 0; t < tags; t++)
        {
            var mine = ours.Single(s => s.Model.Card.Algorithm == algorithm && s.Model.Card.Tag == data.Tags[t]).Scores;
            for (var r = 0; r < Math.Min(rows, mine.Length); r++)
            {
                float a = mine[r], b = peer[(t * rows) + r];
                var difference = float.IsNaN(a) || float.IsNaN(b) ? (float.IsNaN(a) && float.IsNaN(b) ? 0 : double.PositiveInfinity) : Math.Abs((double)a - b);
                max = Math.Max(max, difference);
            }
        }

        return max;
    }

    private static void Report(
        TextWriter output, BenchData data, Settings settings, List<Scored> scored, (double P50, double P99, int Iterations) latency, PeerResult? peer)
    {
        var c = CultureInfo.InvariantCulture;
        var tags = data.Tags.Count;
        var xgbModels = scored.Where(s => s.Model.Card.Algorithm == ModelAlgorithm.Xgb).ToList();
        var dnnModels = scored.Where(s => s.Model.Card.Algorithm == ModelAlgorithm.Dnn).ToList();

        // Seconds per source through every model of a kind (models may have scored different row counts).
        var xgb = xgbModels.Sum(s => s.Seconds / s.Rows);
        var dnn = dnnModels.Sum(s => s.Seconds / s.Rows);
        var xgbRows = xgbModels.Min(s => s.Rows);
        var dnnRows = dnnModels.Min(s => s.Rows);
        var trees = data.TreeCounts.Order().ToList();
        var batch = settings.CallRows is null
            ? string.Create(c, $"OnnxClassifier defaults: {OnnxClassifier.MaxDmdtBatchRows}-row batches for the DNNs, {OnnxClassifier.MaxBatchRows} for XGB")
            : string.Create(c, $"OnnxClassifier defaults; the DNNs' ScorePrepared called with {settings.BatchRows} rows at a time, the XGB models' with all rows");

        output.WriteLine(string.Create(c, $"Machine: {Environment.ProcessorCount} logical cores, {BenchMachine.RuntimeSimd()}; load average {BenchMachine.LoadAverage()}; {DateTime.UtcNow:yyyy-MM-dd}."));
        output.WriteLine(string.Create(c,
            $"Models: {tags} tags × (XGBoost: {trees[0]}–{trees[^1]} trees, median {trees[trees.Count / 2]}, {data.TreeCounts.Sum():N0} in all, max_depth {data.Depths.Min()}–{data.Depths.Max()}; ScopeNet DNN: {data.Features.Length} features + 26×26 dmdt)."));
        output.WriteLine(string.Create(c,
            $"Rows: XGB {xgbRows:N0}, DNN {dnnRows:N0}{(peer is not null && peer.TorchRows != dnnRows ? $" (torch {peer.TorchRows:N0})" : "")}. Every model on one thread. ScopeWeb: ONNX Runtime {OrtEnv.Instance().GetVersionString()} ({batch})."));
        if (peer is not null)
        {
            output.WriteLine(string.Create(c,
                $"Peers in the same run: xgboost {data.XgboostVersion} (nthread 1), torch {data.TorchVersion} (1 thread, eval, inference_mode, batches of {settings.BatchRows} rows)."));
        }

        output.WriteLine();
        output.WriteLine("| measure | ScopeWeb (ONNX Runtime) | peer, same run | ScopeWeb ÷ peer |");
        output.WriteLine("|---|---:|---:|---:|");

        void Row(string measure, string ours, string theirs = "", string ratio = "") => output.WriteLine($"| {measure} | {ours} | {theirs} | {ratio} |");
        string Rate(double perSecond) => perSecond.ToString(perSecond >= 100 ? "N0" : "F1", c);
        string Ratio(double value) => value.ToString(value >= 10 ? "F0" : "F1", c) + "×";
        string Ms(double value) => value.ToString("F2", c);

        if (peer is null)
        {
            Row($"XGB, {tags} models: sources/s per core", Rate(1 / xgb));
            Row($"DNN, {tags} models: sources/s per core", Rate(1 / dnn));
            Row($"all {2 * tags} models: sources/s per core", Rate(1 / (xgb + dnn)));
            Row($"one source through all {2 * tags} models: p50 / p99 ms", $"{Ms(latency.P50)} / {Ms(latency.P99)}");
        }
        else
        {
            var predict = peer.XgbPredictSeconds / xgbRows;
            var inplace = peer.XgbInplaceSeconds / xgbRows;
            var torch = peer.TorchSeconds / peer.TorchRows;
            var fastestXgb = Math.Min(predict, inplace);
            Row($"XGB, {tags} models: sources/s per core", Rate(1 / xgb), $"xgboost Booster.predict: {Rate(1 / predict)}", Ratio(predict / xgb));
            Row(string.Empty, string.Empty, $"xgboost inplace_predict: {Rate(1 / inplace)}", Ratio(inplace / xgb));
            Row($"DNN, {tags} models: sources/s per core", Rate(1 / dnn), string.Create(c, $"torch forward ({settings.BatchRows}-row batches): {Rate(1 / torch)}"), Ratio(torch / dnn));
            Row($"all {2 * tags} models: sources/s per core", Rate(1 / (xgb + dnn)), $"faster xgboost call + torch: {Rate(1 / (fastestXgb + torch))}", Ratio((fastestXgb + torch) / (xgb + dnn)));
            Row($"one source through all {2 * tags} models: p50 / p99 ms", $"{Ms(latency.P50)} / {Ms(latency.P99)}", $"{Ms(peer.LatencyP50)} / {Ms(peer.LatencyP99)}", $"{Ratio(peer.LatencyP50 / latency.P50)} / {Ratio(peer.LatencyP99 / latency.P99)}");
            Row(string.Create(c, $"max \\|score − peer's\\|, XGB ({tags} tags × {xgbRows:N0} rows)"), peer.XgbDiff.ToString("G2", c), "xgboost predict", Verdict(peer.XgbDiff));
            Row(string.Create(c, $"max \\|score − peer's\\|, DNN ({tags} tags × {Math.Min(dnnRows, peer.TorchRows):N0} rows)"), peer.DnnDiff.ToString("G2", c), "torch forward", Verdict(peer.DnnDiff));
            Row("xgboost: building a DMatrix from the rows", string.Empty, string.Create(c, $"{peer.XgbDMatrixSeconds * 1000:F1} ms (not in its rates)"));
        }

        Row($"model rows/s per core: XGB / DNN (mean over {tags} models)", $"{Rate(tags / xgb)} / {Rate(tags / dnn)}");
        Row("feature preparation (FeaturePreprocessor): rows/s per model card", Rate(scored.Sum(s => s.Rows) / scored.Sum(s => s.PrepareSeconds)));
        output.WriteLine();
        output.WriteLine(string.Create(c,
            $"Single source: {latency.Iterations} random rows, each gathered, prepared (imputation, scaling) and scored by every model in turn on one thread, after 50 warm-up runs; the peer does the same with numpy scaling, xgboost inplace_predict and torch forward."));

        static string Verdict(double difference) => difference <= ScoreTolerance ? $"≤ {ScoreTolerance:G} ✓" : $"> {ScoreTolerance:G} ✗";
    }

    private static BenchData ReadMeta(string directory)
    {
        var path = Path.Combine(directory, "meta.json");
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: not found; make the models first: /usr/bin/python3 tools/bench/make_inference_models.py {directory}");
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = json.RootElement;
            var models = root.GetProperty("models").EnumerateArray().ToList();
            return new BenchData(
                Path.GetFullPath(directory),
                [.. models.Select(m => m.GetProperty("tag").GetString()!)],
                [.. root.GetProperty("features").EnumerateArray().Select(f => f.GetString()!)],
                [.. models.Select(m => m.GetProperty("xgb_trees").GetInt32())],
                [.. models.Select(m => m.GetProperty("xgb_params").GetProperty("max_depth").GetInt32())],
                root.GetProperty("xgboost").GetString()!,
                root.GetProperty("torch").GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a make_inference_models.py meta.json: {ex.Message}", ex);
        }
    }

    private static (double[] Values, int Rows, int Columns) ReadNpyDouble(string path, int maxRows)
    {
        var (bytes, rows, columns) = ReadNpy(path, "<f8", sizeof(double), maxRows);
        return (MemoryMarshal.Cast<byte, double>(bytes).ToArray(), rows, columns);
    }

    private static (float[] Values, int Rows, int Columns) ReadNpyFloat(string path, int maxRows)
    {
        var (bytes, rows, columns) = ReadNpy(path, "<f4", sizeof(float), maxRows);
        return (MemoryMarshal.Cast<byte, float>(bytes).ToArray(), rows, columns);
    }

    /// <summary>
    /// The first <paramref name="maxRows"/> rows of a 2-D C-order .npy file (numpy's format: magic, version, header
    /// length, a Python-dict header with descr, fortran_order and shape, then the raw little-endian values).
    /// </summary>
    private static (byte[] Bytes, int Rows, int Columns) ReadNpy(string path, string descr, int itemSize, int maxRows)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: file not found.");
        }

        using var stream = File.OpenRead(path);
        var preamble = new byte[10];
        stream.ReadExactly(preamble);
        if (preamble[0] != 0x93 || Encoding.ASCII.GetString(preamble, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{path}: not a .npy file (no \\x93NUMPY magic).");
        }

        int headerLength;
        if (preamble[6] == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(8, 2));
        }
        else
        {
            var extra = new byte[2];
            stream.ReadExactly(extra);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian([preamble[8], preamble[9], extra[0], extra[1]]));
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var text = Encoding.Latin1.GetString(header);
        var match = NpyHeader().Match(text);
        if (!match.Success)
        {
            throw new InvalidDataException($"{path}: unsupported .npy header {text.Trim()}; expected a 2-D C-order '{descr}' array.");
        }

        if (match.Groups["descr"].Value != descr || match.Groups["fortran"].Value != "False")
        {
            throw new InvalidDataException($"{path}: the array is {match.Groups["descr"].Value}, fortran_order {match.Groups["fortran"].Value}; expected '{descr}' in C order.");
        }

        var totalRows = long.Parse(match.Groups["rows"].Value, CultureInfo.InvariantCulture);
        var columns = int.Parse(match.Groups["columns"].Value, CultureInfo.InvariantCulture);
        var rows = (int)Math.Min(totalRows, maxRows);
        var bytes = new byte[checked((long)rows * columns * itemSize)];
        stream.ReadExactly(bytes);
        return (bytes, rows, columns);
    }

    [GeneratedRegex(@"'descr':\s*'(?<descr>[^']+)',\s*'fortran_order':\s*(?<fortran>True|False),\s*'shape':\s*\((?<rows>\d+),\s*(?<columns>\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex NpyHeader();
}
