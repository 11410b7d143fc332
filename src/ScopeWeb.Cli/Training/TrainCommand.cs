using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Training;
using ScopeWeb.Training.Data;

namespace ScopeWeb.Cli.Training;

/// <summary>
/// <c>scope train</c>: SCoPe's <c>./scope.py train</c> with its option spellings (<c>--tag=vnv --path_dataset=…
/// --batch_size=64 --epochs=100 --scale_features=min_max --patience=30 --random_state=42 --conv_branch=true --save
/// --threshold=0.7 --verbose=1 --gpu=1</c>; hyphenated spellings work too), plus <c>--algorithm dnn|xgb</c>,
/// <c>--label</c>, <c>--features</c> and <c>--output-dir</c>. Every run is recorded in the run history, owned by this
/// process while it trains (a heartbeat; the training page can cancel it: exit code <see cref="CancelledExitCode"/>);
/// without <c>--save</c> it is recorded as not saved, with nothing to promote.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit code of a run cancelled while it trained (as a shell reports Ctrl+C).</summary>
    public const int CancelledExitCode = 130;

    public static Command Create()
    {
        var tag = new Option<string>("--tag") { Description = "Classifier tag (SCoPe's, e.g. vnv, rrlyr, ew; or your own with --label).", Required = true };
        var dataset = new Option<string>("--path_dataset", "--path-dataset") { Description = "Training CSV (SCoPe format) or 'catalog' for the catalog's labelled sources.", DefaultValueFactory = _ => TrainingParameters.CatalogDataset };
        var algorithm = new Option<string>("--algorithm") { Description = "dnn (ScopeNet, TorchSharp) or xgb (gradient-boosted trees, LightGBM).", DefaultValueFactory = _ => "dnn" };
        var label = new Option<string?>("--label") { Description = "Label column, or COLUMN=VALUE for one class of a categorical column (default: the tag's SCoPe label)." };
        var features = new Option<string?>("--features") { Description = "Features a,b,c in input order, or a set: phenomenological, ontological, catalog." };
        var batchSize = new Option<int>("--batch_size", "--batch-size") { DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 100 };
        var patience = new Option<int>("--patience") { Description = "Early stopping and LR reduction patience (epochs).", DefaultValueFactory = _ => 20 };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 3e-4 };
        var seed = new Option<int>("--random_state", "--random-state") { Description = "Seed of the split, the initial weights and the shuffling.", DefaultValueFactory = _ => 42 };
        var scale = new Option<string>("--scale_features", "--scale-features") { Description = "min_max, median_std or none.", DefaultValueFactory = _ => "min_max" };
        var featureStats = new Option<string?>("--feature_stats", "--feature-stats") { Description = "JSON table of scaling statistics per feature (SCoPe's config feature_stats); default: computed from the data." };
        var threshold = new Option<double>("--threshold") { Description = "A row is positive when its label is above this.", DefaultValueFactory = _ => 0.7 };
        var balance = new Option<double?>("--balance") { Description = "Down-sample the training majority to at most this × the minority." };
        var weightPerClass = new Option<bool>("--weight_per_class", "--weight-per-class") { Description = "Weight classes by frequency." };
        var conv = new Option<bool>("--conv_branch", "--conv-branch") { Description = "Use the dmdt branch (needs a dmdt column).", DefaultValueFactory = _ => true };
        var dense = new Option<bool>("--dense_branch", "--dense-branch") { DefaultValueFactory = _ => true };
        var testSize = new Option<double>("--test_size", "--test-size") { DefaultValueFactory = _ => 0.1 };
        var valSize = new Option<double>("--val_size", "--val-size") { DefaultValueFactory = _ => 0.1 };
        var maxDepth = new Option<int>("--max_depth", "--max-depth") { DefaultValueFactory = _ => 3 };
        var eta = new Option<double>("--eta") { DefaultValueFactory = _ => 0.3 };
        var subsample = new Option<double>("--subsample") { DefaultValueFactory = _ => 0.6 };
        var colsample = new Option<double>("--colsample_bytree", "--colsample-bytree") { DefaultValueFactory = _ => 0.6 };
        var rounds = new Option<int>("--num_boost_round", "--num-boost-round") { DefaultValueFactory = _ => 999 };
        var earlyStopping = new Option<int>("--early_stopping_rounds", "--early-stopping-rounds") { DefaultValueFactory = _ => 10 };
        var save = new Option<bool>("--save") { Description = "Keep the model (ONNX + card) in --output-dir; without it the run only reports metrics." };
        var outputDir = new Option<DirectoryInfo>("--output-dir") { Description = "Where --save writes models.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("models", "trained")) };
        var promote = new Option<bool>("--promote") { Description = "Also put the model into the registry folder (--models), replacing the tag's model." };
        var models = new Option<DirectoryInfo>("--models") { Description = "Registry folder for --promote.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var verbose = new Option<int>("--verbose") { Description = "1 prints every epoch or round." };
        var gpu = new Option<int?>("--gpu") { Description = "Accepted for SCoPe scripts; this build trains on the CPU." };
        var preTrained = new Option<string?>("--pre_trained_model", "--pre-trained-model") { Description = "Not supported: training always starts from SCoPe's initialisation." };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0 = all cores)." };

        var command = new Command("train", "Train a SCoPe classifier (DNN or gradient-boosted trees) and export it to ONNX with its model card.")
        {
            tag, dataset, algorithm, label, features, batchSize, epochs, patience, lr, seed, scale, featureStats, threshold, balance, weightPerClass, conv, dense,
            testSize, valSize, maxDepth, eta, subsample, colsample, rounds, earlyStopping, save, outputDir, promote, models, verbose, gpu, preTrained, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var featureText = parse.GetValue(features);
            var parameters = new TrainingParameters
            {
                Tag = parse.GetValue(tag)!,
                Algorithm = parse.GetValue(algorithm)!,
                Dataset = parse.GetValue(dataset)!,
                Label = parse.GetValue(label),
                Features = featureText is null || ScopeTags.FeatureSet(featureText) is not null ? null : featureText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                FeatureSet = featureText is not null && ScopeTags.FeatureSet(featureText) is not null ? featureText : null,
                BatchSize = parse.GetValue(batchSize),
                Epochs = parse.GetValue(epochs),
                Patience = parse.GetValue(patience),
                LearningRate = parse.GetValue(lr),
                Seed = parse.GetValue(seed),
                ScaleFeatures = parse.GetValue(scale)!,
                FeatureStatsPath = parse.GetValue(featureStats),
                Threshold = parse.GetValue(threshold),
                Balance = parse.GetValue(balance),
                WeightPerClass = parse.GetValue(weightPerClass),
                ConvBranch = parse.GetValue(conv),
                DenseBranch = parse.GetValue(dense),
                TestSize = parse.GetValue(testSize),
                ValidationSize = parse.GetValue(valSize),
                MaxDepth = parse.GetValue(maxDepth),
                Eta = parse.GetValue(eta),
                Subsample = parse.GetValue(subsample),
                ColsampleByTree = parse.GetValue(colsample),
                MaxRounds = parse.GetValue(rounds),
                EarlyStoppingRounds = parse.GetValue(earlyStopping),
                Threads = parse.GetValue(threads),
            };
            if (parse.GetValue(preTrained) is { } pre)
            {
                await error.WriteLineAsync($"error: --pre_trained_model={pre}: starting from a pre-trained model is not supported; train from scratch (same seed, same model).").ConfigureAwait(false);
                return 2;
            }

            if (parse.GetValue(gpu) is { } g)
            {
                await output.WriteLineAsync($"--gpu={g.ToString(CultureInfo.InvariantCulture)}: unused, this build trains on the CPU (libtorch-cpu, LightGBM CPU).").ConfigureAwait(false);
            }

            var problems = parameters.Validate();
            if (problems.Count > 0)
            {
                await error.WriteLineAsync("error: " + string.Join(" ", problems)).ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(parse, parameters, parse.GetValue(save), parse.GetValue(outputDir)!, parse.GetValue(promote), parse.GetValue(models)!, parse.GetValue(verbose), output, error, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult parse, TrainingParameters parameters, bool save, DirectoryInfo outputDir, bool promote, DirectoryInfo models, int verbose,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var host = await CliHost.StartAsync(parse, ct, b =>
        {
            b.Configuration["Models:Directory"] = models.FullName;
            b.AddTraining(backgroundWorker: false);
        }).ConfigureAwait(false);
        var lifecycle = host.Services.GetRequiredService<TrainingRunLifecycle>();
        var scratch = save || promote ? null : Directory.CreateTempSubdirectory("scope-train-");
        try
        {
            var table = await lifecycle.LoadTableAsync(parameters.Dataset, ct).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{parameters.Tag} ({parameters.Algorithm}): {table.Rows:N0} rows from {table.SourceName} ({table.DataHash[..Math.Min(19, table.DataHash.Length)]}…), seed {parameters.Seed}")).ConfigureAwait(false);
            var run = await lifecycle.CreateOwnedAsync(parameters, "cli", saved: save || promote, ct).ConfigureAwait(false);
            var progress = new ConsoleProgress(output, verbose > 0);
            var outcome = await lifecycle.TrainAsync(
                run.Id, parameters, table, scratch?.FullName ?? outputDir.FullName, progress, "Cancelled from the command line.", ct).ConfigureAwait(false);
            progress.Finish();
            await output.WriteLineAsync(Report(outcome)).ConfigureAwait(false);
            if (promote)
            {
                var promoted = await lifecycle.PromoteAsync(run.Id, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"promoted: {promoted}").ConfigureAwait(false);
            }

            await output.WriteLineAsync(save || promote ? $"saved: {outcome.CardPath}" : "not saved (add --save to keep the model)").ConfigureAwait(false);
            await output.WriteLineAsync($"run {run.Id.ToString(CultureInfo.InvariantCulture)} recorded").ConfigureAwait(false);
            return 0;
        }
        catch (TrainingRunCancelledException ex)
        {
            // Cancelled through the catalog (the training page); recorded as cancelled by the lifecycle.
            await error.WriteLineAsync($"cancelled: run {ex.RunId.ToString(CultureInfo.InvariantCulture)}: {ex.Reason}").ConfigureAwait(false);
            return CancelledExitCode;
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or ArgumentException or TrainingRunRecordingException)
        {
            // The run (when it was recorded) is failed with this message by the lifecycle, or was taken over by another process.
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        finally
        {
            scratch?.Delete(recursive: true);
        }
    }

    /// <summary>The metrics SCoPe's stats JSON holds, per split, and the export check.</summary>
    public static string Report(TrainingOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"model {outcome.Card.Tag}_{outcome.Card.Algorithm.ToString().ToLowerInvariant()} {outcome.Card.Version}: {outcome.Data.LabelDescription}, train/val/test {outcome.Data.Train.Rows:N0}/{outcome.Data.Validation.Rows:N0}/{outcome.Data.Test.Rows:N0} rows, {outcome.History.Count} steps in {outcome.Elapsed.TotalSeconds:F1} s"),
            "split       accuracy  precision  recall   f1       roc_auc",
        };
        foreach (var (name, m) in new[] { ("train", outcome.Metrics.Train), ("validation", outcome.Metrics.Validation), ("test", outcome.Metrics.Test) })
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name,-11} {m.Accuracy,8:F4}  {m.Precision,9:F4}  {m.Recall,6:F4}   {m.F1,6:F4}   {m.RocAuc,7:F4}"));
        }

        var t = outcome.Metrics.Test;
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"test confusion (threshold 0.5): TP {t.TruePositives}  FP {t.FalsePositives}  TN {t.TrueNegatives}  FN {t.FalseNegatives}"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"ONNX export equals the trainer to {outcome.OnnxMaxAbsDifference:E2} (max |difference| on the test split)"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Epoch lines with --verbose=1, else one updating line.</summary>
    private sealed class ConsoleProgress(TextWriter output, bool verbose) : IProgress<TrainingStep>
    {
        private readonly DateTime _start = DateTime.UtcNow;

        public void Report(TrainingStep s)
        {
            var elapsed = DateTime.UtcNow - _start;
            var eta = TimeSpan.FromSeconds(elapsed.TotalSeconds / s.Step * (s.MaxSteps - s.Step));
            var line = string.Create(CultureInfo.InvariantCulture,
                $"step {s.Step}/{s.MaxSteps}  loss {s.TrainLoss:F4}  val_loss {s.ValidationLoss:F4}  val_auc {s.ValidationAuc:F4}  lr {s.LearningRate:G3}  (at most {eta.TotalSeconds:F0} s left)");
            if (verbose)
            {
                output.WriteLine(line);
            }
            else if (!Console.IsOutputRedirected)
            {
                output.Write("\r" + line + "   ");
            }
        }

        public void Finish()
        {
            if (!verbose && !Console.IsOutputRedirected)
            {
                output.WriteLine();
            }
        }
    }
}
