using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ScopeWeb.Training;
using ScopeWeb.Training.Dnn;

namespace ScopeWeb.Benchmarks.Training;

/// <summary>
/// <c>scope-bench dnn-epoch [--rows 50000] [--features 40] [--threads 2,1] [--epochs 1] [--peer]</c>: one training epoch
/// of SCoPe's DNN (<see cref="DnnTrainer"/>, TorchSharp) with and without the dmdt branch on synthetic rows, against the
/// same network, data, batch size and thread count in PyTorch (tools/bench/torch_epoch.py, Debian's python3-torch) run
/// after ours in the same run. An epoch is what <see cref="DnnTrainingResult.EpochSeconds"/> times: every training batch
/// (shuffled) plus scoring the validation rows. Prints a Markdown table for docs/benchmarks.md.
/// </summary>
public static class DnnEpochBench
{
    private const int ValidationRows = 2048;
    private const int Seed = 42;

    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Training rows.", DefaultValueFactory = _ => 50_000 };
        var features = new Option<int>("--features") { Description = "Features per row (SCoPe v1 phenomenological: 40).", DefaultValueFactory = _ => 40 };
        var batch = new Option<int>("--batch-size") { Description = "Rows per optimizer step (SCoPe: 64).", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per configuration; the fastest is reported.", DefaultValueFactory = _ => 1 };
        var threads = new Option<string>("--threads") { Description = "Comma-separated torch thread counts.", DefaultValueFactory = _ => "2,1" };
        var variants = new Option<string>("--variants") { Description = "conv (both branches), dense (--conv_branch=false), or both.", DefaultValueFactory = _ => "conv,dense" };
        var peer = new Option<bool>("--peer") { Description = "Also time PyTorch (tools/bench/torch_epoch.py) in the same run and print the ratio." };
        var python = new Option<string>("--python") { Description = "Interpreter with numpy and torch.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var peerDefaultWait = new Option<bool>("--peer-default-wait-policy")
        {
            Description = "Run PyTorch with libgomp's default spin-waiting instead of the OMP_WAIT_POLICY ScopeWeb's torch runs with (passive unless set).",
        };
        foreach (var option in new[] { rows, features, batch, epochs })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                {
                    r.AddError($"{r.Option.Name} must be positive.");
                }
            });
        }

        var command = new Command("dnn-epoch", "DNN training: one ScopeNet epoch (with and without the dmdt branch) against PyTorch.")
        {
            rows, features, batch, epochs, threads, variants, peer, python, peerDefaultWait,
        };
        command.SetAction(parse =>
        {
            var settings = new Settings(
                parse.GetValue(rows),
                parse.GetValue(features),
                parse.GetValue(batch),
                parse.GetValue(epochs),
                ParseList(parse.GetValue(threads)!, "--threads").Select(t => int.Parse(t, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray(),
                ParseList(parse.GetValue(variants)!, "--variants"),
                parse.GetValue(peer),
                parse.GetValue(python)!,
                parse.GetValue(peerDefaultWait));
            if (settings.Variants.Any(v => v is not ("conv" or "dense")))
            {
                parse.InvocationConfiguration.Error.WriteLine("error: --variants takes conv and/or dense.");
                return 1;
            }

            return Run(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    private sealed record Settings(int Rows, int Features, int BatchSize, int Epochs, int[] Threads, string[] Variants, bool Peer, string Python, bool PeerDefaultWaitPolicy)
    {
        /// <summary>What ScopeWeb's torch runs with: the launch environment's OMP_WAIT_POLICY, else passive (OpenMpWaitPolicy).</summary>
        public static string WaitPolicy => Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE";
    }

    private sealed record Timing(string Variant, int Threads, double Seconds);

    private static string[] ParseList(string value, string option)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new ArgumentException($"{option} is empty.");
    }

    private static int Run(Settings settings, TextWriter output, TextWriter log)
    {
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Making {settings.Rows:N0} + {ValidationRows:N0} synthetic rows × {settings.Features} features + 26×26 dmdt."));
        var train = Synthetic(settings.Rows, settings.Features, Seed);
        var validation = Synthetic(ValidationRows, settings.Features, Seed + 1);
        var ours = new List<Timing>();
        var peer = new List<Timing>();
        var torchVersion = "";
        using var peerData = settings.Peer ? PeerData.Write(train, validation) : null;
        foreach (var variant in settings.Variants)
        {
            foreach (var threads in settings.Threads)
            {
                var options = new DnnTrainingOptions
                {
                    Epochs = settings.Epochs,
                    BatchSize = settings.BatchSize,
                    ConvBranch = variant == "conv",
                    Threads = threads,
                    Seed = Seed,
                };
                using (var result = DnnTrainer.Train(train, validation, options))
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"ScopeWeb {variant} threads={threads}: {string.Join(", ", result.EpochSeconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} s (validation AUC {result.Steps[^1].ValidationAuc:F3})"));
                    ours.Add(new Timing(variant, threads, result.EpochSeconds.Min()));
                }

                // The peer runs right after ours for the same configuration, so both see the same machine load.
                if (peerData is not null)
                {
                    var (timing, version) = RunPeer(settings, peerData.Folder, variant, threads, log);
                    peer.Add(timing);
                    torchVersion = version;
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}; load average {BenchMachine.LoadAverage()}. TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (libtorch 2.10.0 CPU){(settings.Peer ? $", PyTorch {torchVersion}" : "")}; OMP_WAIT_POLICY {Settings.WaitPolicy} for ScopeWeb{(settings.Peer ? settings.PeerDefaultWaitPolicy ? ", libgomp's default for PyTorch" : " and PyTorch" : "")}."));
        output.WriteLine();
        output.WriteLine("| network | threads | ScopeWeb (TorchSharp) s/epoch | PyTorch s/epoch | ratio ScopeWeb / PyTorch |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var timing in ours)
        {
            var network = timing.Variant == "conv" ? "ScopeNet, both branches" : "ScopeNet, --conv_branch=false";
            var match = peer.FirstOrDefault(p => p.Variant == timing.Variant && p.Threads == timing.Threads);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {network} | {timing.Threads} | {timing.Seconds:F2} | {(match is null ? "–" : match.Seconds.ToString("F2", CultureInfo.InvariantCulture))} | {(match is null ? "–" : (timing.Seconds / match.Seconds).ToString("F2", CultureInfo.InvariantCulture) + "×")} |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Rows:N0} training rows × {settings.Features} features + dmdt, batch {settings.BatchSize} ({(settings.Rows + settings.BatchSize - 1) / settings.BatchSize} steps), {ValidationRows:N0} validation rows scored per epoch; fastest of {settings.Epochs} epoch(s)."));
        return 0;
    }

    /// <summary>Runs tools/bench/torch_epoch.py for one configuration on the splits written to <paramref name="folder"/>.</summary>
    private static (Timing Timing, string TorchVersion) RunPeer(Settings settings, string folder, string variant, int threads, TextWriter log)
    {
        var script = BenchMachine.PeerScript("torch_epoch.py")
            ?? throw new InvalidOperationException("Cannot find the repository (ScopeWeb.sln) above the working directory; tools/bench/torch_epoch.py lives there.");
        var start = new ProcessStartInfo(settings.Python)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (!settings.PeerDefaultWaitPolicy)
        {
            // Same OpenMP waiting as our libtorch, so the ratio compares the implementations, not an environment variable.
            start.Environment["OMP_WAIT_POLICY"] = Settings.WaitPolicy;
        }
        foreach (var argument in new[]
        {
            script, "--data", folder, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--variants", variant,
            "--epochs", settings.Epochs.ToString(CultureInfo.InvariantCulture), "--batch-size", settings.BatchSize.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {settings.Python}.");
        var json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{settings.Python} {script} exited with code {process.ExitCode}.");
        }

        using var document = JsonDocument.Parse(json);
        var result = document.RootElement.GetProperty("results").EnumerateArray().Single();
        var seconds = result.GetProperty("epoch_seconds").EnumerateArray().Select(s => s.GetDouble()).ToList();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PyTorch  {variant} threads={threads}: {string.Join(", ", seconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} s"));
        return (new Timing(variant, threads, seconds.Min()), document.RootElement.GetProperty("torch_version").GetString()!);
    }

    /// <summary>The splits as little-endian float32 files plus meta.json, the input of tools/bench/torch_epoch.py; deleted on dispose.</summary>
    private sealed class PeerData : IDisposable
    {
        private PeerData(string folder) => Folder = folder;

        public string Folder { get; }

        public static PeerData Write(TrainingSplit train, TrainingSplit validation)
        {
            var data = new PeerData(Directory.CreateTempSubdirectory("scopeweb-dnn-epoch-").FullName);
            foreach (var (prefix, split) in new[] { ("train", train), ("validation", validation) })
            {
                WriteFloats(Path.Combine(data.Folder, prefix + "_features.f32"), split.Features);
                WriteFloats(Path.Combine(data.Folder, prefix + "_dmdt.f32"), split.Dmdt!);
                WriteFloats(Path.Combine(data.Folder, prefix + "_labels.f32"), split.Labels);
            }

            File.WriteAllText(Path.Combine(data.Folder, "meta.json"), JsonSerializer.Serialize(new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["rows"] = train.Rows,
                ["validation_rows"] = validation.Rows,
                ["feature_count"] = train.FeatureCount,
                ["seed"] = Seed,
            }));
            return data;
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// Standard-normal features with a label from a linear rule of the first three, and a dmdt image per row with a
    /// label-dependent blob over uniform noise, L2-normalised like SCoPe's. Values only matter for the loss to be sane.
    /// </summary>
    private static TrainingSplit Synthetic(int rows, int featureCount, int seed)
    {
        var random = new Random(seed);
        var features = new float[rows * featureCount];
        var labels = new float[rows];
        var dmdt = new float[rows * TrainingSplit.DmdtLength];
        for (var row = 0; row < rows; row++)
        {
            var x = features.AsSpan(row * featureCount, featureCount);
            for (var j = 0; j < featureCount; j++)
            {
                x[j] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }

            var positive = x[0] + (0.8 * x[Math.Min(1, featureCount - 1)]) > 0;
            labels[row] = positive ? 1f : 0f;
            var image = dmdt.AsSpan(row * TrainingSplit.DmdtLength, TrainingSplit.DmdtLength);
            var (centreDm, centreDt) = positive ? (7, 18) : (13, 5);
            double sumSquares = 0;
            for (var i = 0; i < image.Length; i++)
            {
                var (dm, dt) = Math.DivRem(i, 26);
                var value = (float)((2 * Math.Exp(-(((dm - centreDm) * (dm - centreDm)) + ((dt - centreDt) * (dt - centreDt))) / 6.0)) + random.NextDouble());
                image[i] = value;
                sumSquares += value * value;
            }

            var norm = (float)Math.Sqrt(sumSquares);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] /= norm;
            }
        }

        return new TrainingSplit(featureCount, features, labels, dmdt);
    }

    private static void WriteFloats(string path, float[] values)
    {
        using var stream = File.Create(path);
        stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
