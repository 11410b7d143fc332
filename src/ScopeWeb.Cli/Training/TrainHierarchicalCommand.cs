using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Training;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Cli.Training;

/// <summary>
/// <c>scope train-hierarchical</c>: an ALeRCE-style hierarchical classifier (top-level groups, then one classifier per
/// group; leaf probability = top × child) trained from the catalog's classes or a CSV's class column, written as one ONNX
/// model with its card (<c>&lt;tag&gt;_hierarchical</c>), and optionally promoted into the registry folder.
/// </summary>
public static class TrainHierarchicalCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--path_dataset", "--path-dataset")
        {
            Description = "Training CSV with a class column, or 'catalog' for the catalog's labelled sources.",
            DefaultValueFactory = _ => TrainingParameters.CatalogDataset,
        };
        var classColumn = new Option<string>("--class-column", "--class_column")
        {
            Description = "Column holding each row's class.",
            DefaultValueFactory = _ => CatalogTrainingSet.ClassColumn,
        };
        var taxonomy = new Option<string?>("--taxonomy")
        {
            Description = "Groups and their classes, 'Periodic:RRab,RRc;Stochastic:AGN,YSO;Transient:SNIa' (default: the simulator's "
                + "classes in ALeRCE's Periodic / Stochastic / Transient groups, without the classes the data has fewer than 3 rows of). "
                + "Rows of other classes are left out.",
        };
        var features = new Option<string?>("--features") { Description = "Features a,b,c in input order, or a set: phenomenological, ontological, catalog (default)." };
        var tag = new Option<string>("--tag") { Description = "Registry tag; the score column is <tag>_hierarchical.", DefaultValueFactory = _ => "lc_classifier" };
        var seed = new Option<int>("--random_state", "--random-state") { Description = "Seed of the split and of LightGBM's sampling.", DefaultValueFactory = _ => 42 };
        var testSize = new Option<double>("--test_size", "--test-size") { Description = "Fraction of each class held out for the test metrics.", DefaultValueFactory = _ => 0.1 };
        var valSize = new Option<double>("--val_size", "--val-size") { Description = "Fraction of each class's rest used for early stopping.", DefaultValueFactory = _ => 0.1 };
        var scale = new Option<string>("--scale_features", "--scale-features") { Description = "min_max, median_std or none.", DefaultValueFactory = _ => "min_max" };
        var maxDepth = new Option<int>("--max_depth", "--max-depth") { DefaultValueFactory = _ => 3 };
        var eta = new Option<double>("--eta") { DefaultValueFactory = _ => 0.3 };
        var rounds = new Option<int>("--num_boost_round", "--num-boost-round")
        {
            Description = "Boosting rounds of each binary model.",
            DefaultValueFactory = _ => HierarchicalTrainingOptions.DefaultGbdt.MaxRounds,
        };
        var earlyStopping = new Option<int>("--early_stopping_rounds", "--early-stopping-rounds")
        {
            Description = "Stop a binary model when its validation AUC has not improved for this many rounds (0 = off, the default: AUC saturates at once on separable classes).",
            DefaultValueFactory = _ => HierarchicalTrainingOptions.DefaultGbdt.EarlyStoppingRounds,
        };
        var threads = new Option<int>("--threads") { Description = "LightGBM threads (0 = all cores)." };
        var outputDir = new Option<DirectoryInfo>("--output-dir") { Description = "Where the ONNX model and its card are written.", Required = true };
        var promote = new Option<bool>("--promote") { Description = "Also put the model into the registry folder (--models), replacing the tag's hierarchical model." };
        var models = new Option<DirectoryInfo>("--models") { Description = "Registry folder for --promote.", DefaultValueFactory = _ => new DirectoryInfo("models") };

        var command = new Command("train-hierarchical", "Train an ALeRCE-style hierarchical classifier (top level × per-group classifiers) and export it to ONNX with its model card.")
        {
            dataset, classColumn, taxonomy, features, tag, seed, testSize, valSize, scale, maxDepth, eta, rounds, earlyStopping, threads, outputDir, promote, models,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            HierarchicalTrainingOptions options;
            try
            {
                var featureText = parse.GetValue(features);
                options = new HierarchicalTrainingOptions
                {
                    Tag = parse.GetValue(tag)!,
                    ClassColumn = parse.GetValue(classColumn)!,
                    Taxonomy = parse.GetValue(taxonomy) is { } text ? HierarchicalTaxonomy.Parse(text, "--taxonomy") : HierarchicalTaxonomy.Simulator,
                    // The default taxonomy adapts to the data (the catalog has no supernova features); a given one is strict.
                    SkipMissingClasses = parse.GetValue(taxonomy) is null,
                    Features = featureText is null
                        ? ScopeTags.CatalogFeatures
                        : ScopeTags.FeatureSet(featureText) ?? featureText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                    Seed = parse.GetValue(seed),
                    TestSize = parse.GetValue(testSize),
                    ValidationSize = parse.GetValue(valSize),
                    Scaling = Scaling(parse.GetValue(scale)!),
                    Gbdt = HierarchicalTrainingOptions.DefaultGbdt with
                    {
                        MaxDepth = parse.GetValue(maxDepth),
                        LearningRate = parse.GetValue(eta),
                        MaxRounds = parse.GetValue(rounds),
                        EarlyStoppingRounds = parse.GetValue(earlyStopping),
                        Threads = parse.GetValue(threads),
                    },
                };
            }
            catch (InvalidDataException ex)
            {
                await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(parse, options, parse.GetValue(dataset)!, parse.GetValue(outputDir)!, parse.GetValue(promote), parse.GetValue(models)!, ct)
                .ConfigureAwait(false);
        });
        return command;
    }

    private static ScalingMethod Scaling(string text) => text.ToLowerInvariant() switch
    {
        "min_max" => ScalingMethod.MinMax,
        "median_std" => ScalingMethod.MedianStd,
        "none" => ScalingMethod.None,
        _ => throw new InvalidDataException($"--scale_features={text}: expected min_max, median_std or none."),
    };

    private static async Task<int> RunAsync(
        ParseResult parse, HierarchicalTrainingOptions options, string dataset, DirectoryInfo outputDir, bool promote, DirectoryInfo models, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        using var host = await CliHost.StartAsync(parse, ct, b =>
        {
            b.Configuration["Models:Directory"] = models.FullName;
            b.AddTraining(backgroundWorker: false);
        }).ConfigureAwait(false);
        var lifecycle = host.Services.GetRequiredService<TrainingRunLifecycle>();
        try
        {
            var table = await lifecycle.LoadTableAsync(dataset, ct).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{options.Tag}_hierarchical: {table.Rows:N0} rows from {table.SourceName}, taxonomy {HierarchicalTaxonomy.Format(options.Taxonomy)}, {options.Features.Count} features, seed {options.Seed}"))
                .ConfigureAwait(false);
            var progress = new SynchronousProgress<HierarchicalBinaryModel>(model => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{model.Index}/{model.Count}] {model.Level} {model.Class}: {model.Result.BestRound} rounds, val AUC {model.Result.BestValidationAuc:F4}")));
            var run = await lifecycle.CreateOwnedAsync(options, dataset, "cli", ct).ConfigureAwait(false);
            var outcome = await lifecycle.TrainHierarchicalAsync(run.Id, options, table, outputDir.FullName, progress, "Cancelled from the command line.", ct)
                .ConfigureAwait(false);
            await output.WriteLineAsync(Report(outcome)).ConfigureAwait(false);
            await output.WriteLineAsync($"saved: {outcome.CardPath}").ConfigureAwait(false);
            if (promote)
            {
                var promoted = await lifecycle.PromoteAsync(run.Id, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"promoted: {promoted}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"run {run.Id.ToString(CultureInfo.InvariantCulture)} recorded").ConfigureAwait(false);
            return 0;
        }
        catch (TrainingRunCancelledException ex)
        {
            // Cancelled through the catalog (the training page); recorded as cancelled by the lifecycle.
            await error.WriteLineAsync($"cancelled: run {ex.RunId.ToString(CultureInfo.InvariantCulture)}: {ex.Reason}").ConfigureAwait(false);
            return TrainCommand.CancelledExitCode;
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or ArgumentException or TrainingRunRecordingException)
        {
            // The run (when it was recorded) is failed with this message by the lifecycle, or was taken over by another process.
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Test-split accuracy, macro-F1, per-class precision and recall, and the confusion matrix.</summary>
    public static string Report(HierarchicalOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var c = CultureInfo.InvariantCulture;
        var test = outcome.TestLeaves;
        var lines = new List<string>
        {
            string.Create(c, $"model {ModelRegistry.ScoreColumn(outcome.Card)} {outcome.Card.Version}: {outcome.Card.Classes!.Count} classes in {outcome.Card.Groups!.Count} groups, "
                + $"train/val/test {outcome.Train.Rows:N0}/{outcome.Validation.Rows:N0}/{outcome.Test.Rows:N0} rows, {outcome.Models.Count} binary models in {outcome.Elapsed.TotalSeconds:F1} s"),
        };
        if (outcome.SkippedClasses.Count > 0)
        {
            lines.Add("skipped (fewer than 3 rows): " + string.Join(", ", outcome.SkippedClasses.Select(p => string.Create(c, $"{p.Key} {p.Value}"))));
        }

        if (outcome.LeftOut.Count > 0)
        {
            lines.Add("left out (not classified): " + string.Join(", ", outcome.LeftOut.Select(p => string.Create(c, $"{(p.Key.Length == 0 ? "(empty)" : p.Key)} {p.Value}"))));
        }

        lines.Add(string.Create(c, $"test: accuracy {test.Accuracy:F4}, macro-F1 {test.MacroF1:F4}, top-level accuracy {outcome.TestTop.Accuracy:F4} (validation accuracy {outcome.ValidationLeaves.Accuracy:F4})"));
        var width = Math.Max(5, test.Classes.Max(name => name.Length));
        lines.Add(string.Create(c, $" k {"class".PadRight(width)}  support  precision  recall   f1"));
        for (var k = 0; k < test.Classes.Count; k++)
        {
            var s = test.PerClass[k];
            lines.Add(string.Create(c, $"{k,2} {s.Name.PadRight(width)}  {s.Support,7}  {s.Precision,9:F4}  {s.Recall,6:F4}   {s.F1:F4}"));
        }

        lines.Add("test confusion matrix (rows: true class k, columns: predicted class k):");
        var cell = Math.Max(4, test.Confusion.Max(row => row.Max()).ToString(c).Length + 1);
        lines.Add("".PadRight(width + 3) + string.Concat(Enumerable.Range(0, test.Classes.Count).Select(k => k.ToString(c).PadLeft(cell))));
        for (var k = 0; k < test.Classes.Count; k++)
        {
            lines.Add(string.Create(c, $"{k,2} {test.Classes[k].PadRight(width)}") + string.Concat(test.Confusion[k].Select(n => n.ToString(c).PadLeft(cell))));
        }

        lines.Add(string.Create(c, $"ONNX export equals LightGBM's probabilities (product rule) to {outcome.OnnxMaxAbsDifference:E2} (max |difference| on the test split)"));
        return string.Join(Environment.NewLine, lines);
    }
}
