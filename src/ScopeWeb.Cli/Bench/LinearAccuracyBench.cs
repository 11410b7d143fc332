using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Training;
using ScopeWeb.Core.Training.Data;

namespace ScopeWeb.Cli.Bench;

/// <summary>
/// <c>scope bench linear-accuracy</c>: the classifier stage on real labels. LINEAR's periodic variables (5 classes),
/// a stratified 30% test split; one one-vs-rest classifier per class (SCoPe's one model per tag), the class is the
/// arg-max of the scores. Reports accuracy and macro-F1 for the trees, the network and their mean (SCoPe keeps both
/// scores), and with <c>--peer</c> runs scikit-learn's random forest and xgboost on the same split in the same run.
/// </summary>
public static class LinearAccuracyBench
{
    private static readonly string[] Features = ["ug", "gi", "iK", "JK", "logP", "Ampl", "skew", "kurt", "magMed", "nObs"];

    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "linear_features_labeled.csv", DefaultValueFactory = _ => new FileInfo(Path.Combine("..", "shared", "data", "linear_periodic_features", "linear_features_labeled.csv")) };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var peer = new Option<bool>("--peer") { Description = "Also run tools/bench/linear_peers.py (sklearn random forest, xgboost) on the same split." };
        var maxDepth = new Option<int>("--max-depth") { DefaultValueFactory = _ => 5 };
        var eta = new Option<double>("--eta") { DefaultValueFactory = _ => 0.1 };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 200 };
        var algorithms = new Option<string>("--algorithms") { Description = "Comma-separated: xgb, dnn.", DefaultValueFactory = _ => "xgb,dnn" };
        var subsample = new Option<double>("--subsample") { DefaultValueFactory = _ => 0.8 };
        var earlyStopping = new Option<int>("--early-stopping-rounds") { DefaultValueFactory = _ => 30 };
        var features = new Option<string?>("--features") { Description = "Feature columns (default: all ten)." };
        var weightPerClass = new Option<bool>("--weight-per-class") { Description = "SCoPe's weight_per_class (rare classes weigh more)." };
        var internalTest = new Option<double>("--internal-test-size") { Description = "Share of the 70% each training run holds back as its own test split (the 30% is the real test).", DefaultValueFactory = _ => 0.02 };
        var validation = new Option<double>("--validation-size") { Description = "Share of the rest used for early stopping.", DefaultValueFactory = _ => 0.15 };
        var command = new Command("linear-accuracy", "One-vs-rest accuracy and macro-F1 on LINEAR's labelled periodic variables (stratified 30% test).")
        {
            data, seed, peer, maxDepth, eta, epochs, algorithms, subsample, earlyStopping, features, weightPerClass, internalTest, validation,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var file = parse.GetValue(data)!;
            var table = TrainingTable.ReadCsv(file.FullName);
            var classes = table.Text("class_name").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var (train, test) = StratifiedSplit(table.Text("class_name"), 0.3, parse.GetValue(seed));
            var trainTable = table.Subset(train, file.Name + " (70% train)");
            var testTable = table.Subset(test, file.Name + " (30% test)");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{file.Name}: {table.Rows:N0} rows, classes {string.Join(", ", classes)}; train {train.Length:N0}, test {test.Length:N0} (stratified, seed {parse.GetValue(seed)})")).ConfigureAwait(false);

            using var scratch = new TempFolder();
            var results = new Dictionary<string, float[][]>(StringComparer.Ordinal);
            var chosen = parse.GetValue(features) is { } f ? f.Split(',', StringSplitOptions.TrimEntries) : Features;
            foreach (var algorithm in parse.GetValue(algorithms)!.Split(',', StringSplitOptions.TrimEntries))
            {
                var clock = Stopwatch.StartNew();
                var scores = new float[classes.Length][];
                for (var c = 0; c < classes.Length; c++)
                {
                    var parameters = new TrainingParameters
                    {
                        Tag = "c" + c.ToString(CultureInfo.InvariantCulture),
                        Algorithm = algorithm,
                        Dataset = file.FullName,
                        Label = "class_name=" + classes[c],
                        Features = chosen,
                        Seed = parse.GetValue(seed),
                        ConvBranch = false,
                        Epochs = parse.GetValue(epochs),
                        Patience = 20,
                        MaxDepth = parse.GetValue(maxDepth),
                        Eta = parse.GetValue(eta),
                        Subsample = parse.GetValue(subsample),
                        ColsampleByTree = parse.GetValue(subsample),
                        EarlyStoppingRounds = parse.GetValue(earlyStopping),
                        WeightPerClass = parse.GetValue(weightPerClass),
                        TestSize = parse.GetValue(internalTest),
                        Stratify = true,
                        ValidationSize = parse.GetValue(validation),
                    };
                    var outcome = ModelTraining.Train(parameters, trainTable, scratch.Path, ct: ct);
                    using var classifier = OnnxClassifier.Load(outcome.CardPath);
                    scores[c] = classifier.Score(Rows(testTable, chosen));
                }

                results[algorithm] = scores;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{algorithm}: {classes.Length} one-vs-rest models trained in {clock.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);
            }

            if (results.ContainsKey("xgb") && results.ContainsKey("dnn"))
            {
                results["mean of xgb and dnn"] = [.. Enumerable.Range(0, classes.Length).Select(c => results["xgb"][c].Zip(results["dnn"][c], (a, b) => (a + b) / 2).ToArray())];
            }

            var truth = testTable.Text("class_name").Select(t => Array.IndexOf(classes, t)).ToArray();
            await output.WriteLineAsync("| classifier | accuracy | macro-F1 |").ConfigureAwait(false);
            await output.WriteLineAsync("|---|---:|---:|").ConfigureAwait(false);
            foreach (var (name, scores) in results)
            {
                var predicted = Enumerable.Range(0, truth.Length).Select(i => Enumerable.Range(0, classes.Length).MaxBy(c => scores[c][i])).ToArray();
                var (accuracy, macroF1) = Score(truth, predicted, classes.Length);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| ScopeWeb {name} | {accuracy:F4} | {macroF1:F4} |")).ConfigureAwait(false);
            }

            if (parse.GetValue(peer))
            {
                var splitFile = Path.Combine(scratch.Path, "split.json");
                await File.WriteAllTextAsync(splitFile, JsonSerializer.Serialize(new { train, test, features = Features }), ct).ConfigureAwait(false);
                var psi = new ProcessStartInfo("/usr/bin/python3", ["tools/bench/linear_peers.py", file.FullName, splitFile]) { RedirectStandardOutput = true };
                using var process = Process.Start(psi)!;
                await output.WriteAsync(await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static List<IReadOnlyDictionary<string, double>> Rows(TrainingTable table, IReadOnlyList<string> features)
    {
        var columns = features.ToDictionary(f => f, table.Numbers, StringComparer.Ordinal);
        return [.. Enumerable.Range(0, table.Rows).Select(r => (IReadOnlyDictionary<string, double>)features.ToDictionary(f => f, f => columns[f][r], StringComparer.Ordinal))];
    }

    /// <summary>Per class, a seeded shuffle and the first round(fraction × n) rows to the test set (as sklearn's stratify).</summary>
    private static (int[] Train, int[] Test) StratifiedSplit(IReadOnlyList<string> labels, double testFraction, int seed)
    {
        var rng = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rows = group.ToArray();
            rng.Shuffle(rows);
            var n = (int)Math.Round(testFraction * rows.Length, MidpointRounding.AwayFromZero);
            test.AddRange(rows[..n]);
            train.AddRange(rows[n..]);
        }

        train.Sort();
        test.Sort();
        return ([.. train], [.. test]);
    }

    private static (double Accuracy, double MacroF1) Score(int[] truth, int[] predicted, int classes)
    {
        var correct = truth.Zip(predicted).Count(p => p.First == p.Second);
        var f1 = Enumerable.Range(0, classes).Select(c =>
        {
            var tp = truth.Zip(predicted).Count(p => p.First == c && p.Second == c);
            var fp = truth.Zip(predicted).Count(p => p.First != c && p.Second == c);
            var fn = truth.Zip(predicted).Count(p => p.First == c && p.Second != c);
            return tp == 0 ? 0.0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
        }).Average();
        return ((double)correct / truth.Length, f1);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("scope-linear-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
