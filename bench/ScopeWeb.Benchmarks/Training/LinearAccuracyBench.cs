using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Training;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Benchmarks.Training;

/// <summary>
/// <c>scope-bench linear-accuracy</c>: the classifier stage on real labels. LINEAR's periodic variables (5 classes),
/// a stratified 30% test split; one one-vs-rest classifier per class (SCoPe's one model per tag), the class is the
/// arg-max of the scores. Reports accuracy and macro-F1 for the trees, the network and their mean (SCoPe keeps both
/// scores), for one or several split seeds, and with <c>--peer</c> runs scikit-learn's random forest and xgboost on the
/// same splits in the same run. <c>--tuning</c> never touches the test split: it scores a stratified 30% carved out of
/// the training part instead, so settings can be chosen without looking at the test rows.
/// </summary>
public static class LinearAccuracyBench
{
    private static readonly string[] Features = ["ug", "gi", "iK", "JK", "logP", "Ampl", "skew", "kurt", "magMed", "nObs"];

    /// <summary>Share of each class held out as test rows (of the training part with --tuning).</summary>
    private const double TestFraction = 0.3;

    /// <summary>LINEAR's labelled periodic variables in the shared data folder beside the repository.</summary>
    private const string DefaultData = "linear_periodic_features/linear_features_labeled.csv";

    /// <summary>Colours over wider baselines, computed from the row's own adjacent colours (u−i, g−K, u−K).</summary>
    private static readonly (string Name, string[] Sum)[] DerivedColours =
        [("ui", ["ug", "gi"]), ("gK", ["gi", "iK"]), ("uK", ["ug", "gi", "iK"])];

    public static Command Create()
    {
        var data = new Option<FileInfo?>("--data") { Description = $"LINEAR's labelled features, linear_features_labeled.csv (default: ../shared/data/{DefaultData} beside the repository)." };
        var seeds = new Option<string>("--seeds", "--seed") { Description = "Comma-separated split seeds; each is a separate stratified 70/30 split.", DefaultValueFactory = _ => "42" };
        var peer = new Option<bool>("--peer") { Description = "Also run tools/bench/linear_peers.py (random forest, xgboost, RBF SVM, their mean, kernel logistic regression) on the same split and features." };
        var python = new Option<string>("--python") { Description = "Interpreter with numpy, scikit-learn and xgboost for --peer (Debian's python3-sklearn, python3-xgboost).", DefaultValueFactory = _ => "/usr/bin/python3" };
        var testData = new Option<FileInfo?>("--test-data") { Description = "Score this file (same columns, e.g. rows kept back from --data) with models trained on all of --data, instead of splitting --data." };
        var tuning = new Option<bool>("--tuning") { Description = "Score a stratified 30% of the training part instead of the test split (for choosing settings)." };
        var algorithms = new Option<string>("--algorithms") { Description = "Comma-separated: xgb, dnn.", DefaultValueFactory = _ => "xgb,dnn" };
        var maxDepth = new Option<int>("--max-depth") { Description = "Trees: maximum depth.", DefaultValueFactory = _ => 5 };
        var eta = new Option<double>("--eta") { Description = "Trees: learning rate.", DefaultValueFactory = _ => 0.1 };
        var subsample = new Option<double>("--subsample") { Description = "Trees: row subsample and column sample per tree (both).", DefaultValueFactory = _ => 0.8 };
        var maxRounds = new Option<int>("--max-rounds") { Description = "Trees: most boosting rounds.", DefaultValueFactory = _ => 999 };
        var earlyStopping = new Option<int>("--early-stopping-rounds") { Description = "Trees: rounds without improvement before stopping; 0 = off (all --max-rounds kept).", DefaultValueFactory = _ => 30 };
        var stoppingMetric = new Option<string>("--early-stopping-metric") { Description = "auc (SCoPe) or logloss (default here: calibrated scores for the arg-max).", DefaultValueFactory = _ => "logloss" };
        var epochs = new Option<int>("--epochs") { Description = "DNN: most epochs.", DefaultValueFactory = _ => 200 };
        var patience = new Option<int>("--patience") { Description = "DNN: epochs without validation improvement before stopping.", DefaultValueFactory = _ => 30 };
        var learningRate = new Option<double>("--learning-rate") { Description = "DNN Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var scaling = new Option<string>("--scale-features") { Description = "DNN scaling: min_max or median_std.", DefaultValueFactory = _ => "min_max" };
        var features = new Option<string?>("--features") { Description = "Feature columns (default: all ten)." };
        var bimodality = new Option<bool>("--bimodality") { Description = "Add Sarle's bimodality coefficient (skew² + 1) / (kurt + 3) of the light curve (default on; --bimodality false for the ten catalogue features alone).", DefaultValueFactory = _ => true };
        var derived = new Option<bool>("--derived-colours") { Description = "Add u−i, g−K and u−K (sums of the row's adjacent colours)." };
        var weightPerClass = new Option<bool>("--weight-per-class") { Description = "SCoPe's weight_per_class (rare classes weigh more)." };
        var internalTest = new Option<double>("--internal-test-size") { Description = "Share of the 70% each training run holds back as its own test split (the 30% is the real test).", DefaultValueFactory = _ => 0.02 };
        var targets = new Option<FileInfo?>("--targets") { Description = "allLINEARfinal_targets.dat.gz: join columns of it by LINEAR object id (see --target-columns)." };
        var targetColumns = new Option<string>("--target-columns") { Description = "Which joined columns become features: any of gr, ri, iz, std, rms, Lchi2, and the ratios std_rms (std/rms), ampl_std (Ampl/std), ampl_rms (Ampl/rms).", DefaultValueFactory = _ => "gr,ri,iz,std,rms,Lchi2" };
        var xgbWeights = new Option<string?>("--xgb-weights") { Description = "Also report weighted means w·XGB + (1−w)·DNN for these w (comma-separated), e.g. 0.6,0.7,0.8." };
        var refit = new Option<bool>("--refit") { Description = "Trees: retrain on training + validation rows for the early-stopped number of rounds." };
        var modelSeeds = new Option<int>("--model-seeds") { Description = "Models per tag, each with its own random state, their scores averaged (SCoPe's loop trains every tag with ten).", DefaultValueFactory = _ => 1 };
        var validation = new Option<double>("--validation-size") { Description = "Share of the rest used for early stopping.", DefaultValueFactory = _ => 0.15 };
        var command = new Command("linear-accuracy", "One-vs-rest accuracy and macro-F1 on LINEAR's labelled periodic variables (stratified 30% test).")
        {
            data, testData, seeds, peer, python, tuning, refit, modelSeeds, targets, targetColumns, xgbWeights, algorithms, maxDepth, eta, subsample, maxRounds, earlyStopping, stoppingMetric,
            epochs, patience, learningRate, scaling, features, bimodality, derived, weightPerClass, internalTest, validation,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var output = parse.InvocationConfiguration.Output;
                var file = parse.GetValue(data) ?? new FileInfo(BenchMachine.SharedData(DefaultData));
                var independent = parse.GetValue(testData);
                foreach (var (given, option) in new[] { (file, "--data"), (independent, "--test-data"), (parse.GetValue(targets), "--targets") })
                {
                    if (given is { Exists: false })
                    {
                        return BenchMachine.Missing(parse.InvocationConfiguration.Error, given.FullName, $"give {option} FILE.");
                    }
                }

                var peerScript = parse.GetValue(peer) ? BenchMachine.PeerScript("linear_peers.py") : null;
                if (parse.GetValue(peer) && (peerScript is null || !File.Exists(peerScript)))
                {
                    return BenchMachine.Missing(parse.InvocationConfiguration.Error, peerScript ?? "tools/bench/linear_peers.py", "--peer needs the repository's peer script.");
                }

                var table = TrainingTable.ReadCsv(file.FullName);
                var trainRows = table.Rows;
                if (independent is not null)
                {
                    if (parse.GetValue(tuning))
                    {
                        throw new ArgumentException("--tuning and --test-data exclude each other: --tuning never scores held-back rows.");
                    }

                    // One table, the held-back rows after the training rows, so both get the same joined columns and the peers one split file.
                    table = Concatenate(table, TrainingTable.ReadCsv(independent.FullName));
                }

                var chosen = parse.GetValue(features) is { } f ? f.Split(',', StringSplitOptions.TrimEntries) : Features;
                if (parse.GetValue(bimodality))
                {
                    table = WithBimodality(table);
                    chosen = [.. chosen, BimodalityColumn];
                }

                if (parse.GetValue(derived))
                {
                    table = WithDerivedColours(table);
                    chosen = [.. chosen, .. DerivedColours.Select(d => d.Name)];
                }

                if (parse.GetValue(targets) is { } targetsFile)
                {
                    var wanted = parse.GetValue(targetColumns)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    if (wanted.FirstOrDefault(w => !TargetFields.ContainsKey(w) && !TargetRatios.Contains(w)) is { } unknown)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync(
                            $"error: --target-columns: unknown column '{unknown}' (known: {string.Join(", ", TargetFields.Keys.Concat(TargetRatios))}).").ConfigureAwait(false);
                        return 2;
                    }

                    table = WithTargetColumns(table, targetsFile.FullName, wanted);
                    chosen = [.. chosen, .. wanted];
                }

                var classes = table.Text("class_name").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                var splitSeeds = parse.GetValue(seeds)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                var summary = new Dictionary<string, List<(double Accuracy, double MacroF1)>>(StringComparer.Ordinal);
                void Record(string name, double accuracy, double macroF1)
                {
                    if (!summary.TryGetValue(name, out var list))
                    {
                        summary[name] = list = [];
                    }

                    list.Add((accuracy, macroF1));
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{file.Name}{(independent is null ? "" : $" (train) + {independent.Name} (test)")}: {table.Rows:N0} rows, classes {string.Join(", ", classes)}; features {string.Join(", ", chosen)}")).ConfigureAwait(false);
                await output.WriteLineAsync("| seed | classifier | accuracy | macro-F1 |").ConfigureAwait(false);
                await output.WriteLineAsync("|---:|---|---:|---:|").ConfigureAwait(false);
                foreach (var seed in splitSeeds)
                {
                    var (train, test) = independent is null
                        ? TestSplit(table.Text("class_name"), classes, seed)
                        : ([.. Enumerable.Range(0, trainRows)], [.. Enumerable.Range(trainRows, table.Rows - trainRows)]);
                    if (parse.GetValue(tuning))
                    {
                        // The test rows are dropped; a 30% of the training part (another seed) plays their role.
                        var trainLabels = table.Subset(train, "train").Text("class_name");
                        var (innerTrain, innerTest) = TestSplit(trainLabels, classes, seed + 1000);
                        (train, test) = ([.. innerTrain.Select(i => train[i])], [.. innerTest.Select(i => train[i])]);
                    }

                    var trainTable = table.Subset(train, file.Name + " (train)");
                    var testTable = table.Subset(test, file.Name + " (test)");
                    using var scratch = new TempFolder();
                    var results = new Dictionary<string, float[][]>(StringComparer.Ordinal);
                    foreach (var algorithm in parse.GetValue(algorithms)!.Split(',', StringSplitOptions.TrimEntries))
                    {
                        var scores = new float[classes.Length][];
                        for (var c = 0; c < classes.Length; c++)
                        {
                            for (var k = 0; k < parse.GetValue(modelSeeds); k++)
                            {
                                var parameters = new TrainingParameters
                                {
                                    Tag = "c" + c.ToString(CultureInfo.InvariantCulture),
                                    Algorithm = algorithm,
                                    Dataset = file.FullName,
                                    Label = "class_name=" + classes[c],
                                    Features = chosen,
                                    Seed = seed + (1000 * k),
                                    ConvBranch = false,
                                    Epochs = parse.GetValue(epochs),
                                    Patience = parse.GetValue(patience),
                                    LearningRate = parse.GetValue(learningRate),
                                    ScaleFeatures = parse.GetValue(scaling)!,
                                    MaxDepth = parse.GetValue(maxDepth),
                                    Eta = parse.GetValue(eta),
                                    Subsample = parse.GetValue(subsample),
                                    ColsampleByTree = parse.GetValue(subsample),
                                    MaxRounds = parse.GetValue(maxRounds),
                                    EarlyStoppingRounds = parse.GetValue(earlyStopping),
                                    EarlyStoppingMetric = parse.GetValue(stoppingMetric)!,
                                    WeightPerClass = parse.GetValue(weightPerClass),
                                    TestSize = parse.GetValue(internalTest),
                                    Stratify = true,
                                    ValidationSize = parse.GetValue(validation),
                                    Threads = 1,
                                    RefitWithValidation = parse.GetValue(refit),
                                };
                                var outcome = ModelTraining.Train(parameters, trainTable, scratch.Path, ct: ct);
                                using var classifier = OnnxClassifier.Load(outcome.CardPath);
                                var modelScores = classifier.Score(Rows(testTable, chosen));
                                scores[c] ??= new float[modelScores.Length];
                                for (var i = 0; i < modelScores.Length; i++)
                                {
                                    scores[c][i] += modelScores[i] / parse.GetValue(modelSeeds);
                                }
                            }
                        }

                        results[algorithm] = scores;
                    }

                    if (results.ContainsKey("xgb") && results.ContainsKey("dnn"))
                    {
                        results["mean of xgb and dnn"] = [.. Enumerable.Range(0, classes.Length).Select(c => results["xgb"][c].Zip(results["dnn"][c], (a, b) => (a + b) / 2).ToArray())];
                        foreach (var w in (parse.GetValue(xgbWeights) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                            .Select(t => float.Parse(t, CultureInfo.InvariantCulture)))
                        {
                            results[string.Create(CultureInfo.InvariantCulture, $"{w:0.##}·xgb + {1 - w:0.##}·dnn")] =
                                [.. Enumerable.Range(0, classes.Length).Select(c => results["xgb"][c].Zip(results["dnn"][c], (a, b) => (w * a) + ((1 - w) * b)).ToArray())];
                        }
                    }

                    var truth = testTable.Text("class_name").Select(t => Array.IndexOf(classes, t)).ToArray();
                    foreach (var (name, scores) in results)
                    {
                        var metrics = MulticlassMetrics.Compute(classes, truth, MulticlassMetrics.ArgMax(RowMajor(scores, truth.Length), classes.Length));
                        var (accuracy, macroF1) = (metrics.Accuracy, metrics.MacroF1);
                        Record("ScopeWeb " + name, accuracy, macroF1);
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {seed} | ScopeWeb {name} | {accuracy:F4} | {macroF1:F4} |")).ConfigureAwait(false);
                    }

                    if (parse.GetValue(peer))
                    {
                        var splitFile = Path.Combine(scratch.Path, "split.json");
                        // The peers read the table as the bench sees it (joined and derived columns included) and get the same features.
                        var peerData = Path.Combine(scratch.Path, "table.csv");
                        await using (var writer = new StreamWriter(peerData))
                        {
                            table.WriteCsv(writer);
                        }

                        await File.WriteAllTextAsync(splitFile, JsonSerializer.Serialize(new { train, test, features = chosen }), ct).ConfigureAwait(false);
                        var psi = new ProcessStartInfo(parse.GetValue(python)!, [peerScript!, peerData, splitFile]) { RedirectStandardOutput = true };
                        using var process = Process.Start(psi)!;
                        var lines = (await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                        await process.WaitForExitAsync(ct).ConfigureAwait(false);
                        if (process.ExitCode != 0)
                        {
                            // Its traceback went to our stderr.
                            throw new InvalidDataException($"{parse.GetValue(python)} {peerScript} failed (exit {process.ExitCode}).");
                        }

                        foreach (var line in lines)
                        {
                            // "| name | accuracy | macro-F1 |"
                            var cells = line.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                            Record(cells[0], double.Parse(cells[1], CultureInfo.InvariantCulture), double.Parse(cells[2], CultureInfo.InvariantCulture));
                            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {seed} {line}")).ConfigureAwait(false);
                        }
                    }
                }

                if (splitSeeds.Length > 1)
                {
                    await output.WriteLineAsync().ConfigureAwait(false);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"| classifier ({splitSeeds.Length} seeds) | accuracy mean ± sd | min | macro-F1 mean ± sd | min |")).ConfigureAwait(false);
                    await output.WriteLineAsync("|---|---:|---:|---:|---:|").ConfigureAwait(false);
                    foreach (var (name, list) in summary)
                    {
                        var (am, asd) = MeanSd(list.Select(r => r.Accuracy));
                        var (fm, fsd) = MeanSd(list.Select(r => r.MacroF1));
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"| {name} | {am:F4} ± {asd:F4} | {list.Min(r => r.Accuracy):F4} | {fm:F4} ± {fsd:F4} | {list.Min(r => r.MacroF1):F4} |")).ConfigureAwait(false);
                    }
                }

                return 0;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
            {
                // Bad files or options: the message names the file, row or option; no stack trace.
                await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static TrainingTable Concatenate(TrainingTable first, TrainingTable second)
    {
        var missing = first.ColumnNames.Where(c => !second.HasColumn(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{second.SourceName}: missing column(s) {string.Join(", ", missing)} that {first.SourceName} has.");
        }

        var columns = first.ColumnNames.ToDictionary(c => c, c => (string[])[.. first.Text(c), .. second.Text(c)], StringComparer.Ordinal);
        return new TrainingTable(first.SourceName + " + " + second.SourceName, first.ColumnNames, columns, first.DataHash + "+" + second.DataHash);
    }

    private static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        var mean = v.Average();
        return (mean, v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }

    private const string BimodalityColumn = "bimodality";

    /// <summary>
    /// Sarle's bimodality coefficient of the magnitudes, from the row's own skewness and excess kurtosis. Any distribution has
    /// kurt + 3 ≥ skew² + 1, with equality for a two-valued one, so the ratio nears 1 for an Algol (at maximum light nearly all
    /// the time, brief deep eclipses) and stays near 0.4 for a sinusoid-like contact binary or RR Lyrae: the Algol/contact
    /// distinction the two moments carry only jointly, which axis-aligned tree splits and min-max-scaled inputs find poorly.
    /// </summary>
    private static TrainingTable WithBimodality(TrainingTable table)
    {
        var skew = table.Numbers("skew");
        var kurt = table.Numbers("kurt");
        return WithColumns(table, [BimodalityColumn], (_, r) => ((skew[r] * skew[r]) + 1) / (kurt[r] + 3), "+bimodality");
    }

    private static TrainingTable WithDerivedColours(TrainingTable table)
    {
        var parts = DerivedColours.ToDictionary(d => d.Name, d => d.Sum.Select(table.Numbers).ToArray(), StringComparer.Ordinal);
        return WithColumns(table, [.. DerivedColours.Select(d => d.Name)], (name, r) => parts[name].Sum(p => p[r]), "+colours");
    }

    /// <summary>The table with numeric columns appended; a non-finite value is written as missing.</summary>
    private static TrainingTable WithColumns(TrainingTable table, IReadOnlyList<string> names, Func<string, int, double> value, string hashSuffix)
    {
        var columns = table.ColumnNames.ToDictionary(c => c, c => table.Text(c).ToArray(), StringComparer.Ordinal);
        foreach (var name in names)
        {
            columns[name] = [.. Enumerable.Range(0, table.Rows).Select(r => value(name, r) is var v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")];
        }

        return new TrainingTable(table.SourceName, [.. table.ColumnNames, .. names], columns, table.DataHash + hashSuffix);
    }

    /// <summary>Columns of allLINEARfinal_targets (Ivezić 2011) joined by object id: name and 0-based whitespace field.</summary>
    private static readonly Dictionary<string, int> TargetFields = new(StringComparer.Ordinal)
    {
        ["gr"] = 7,
        ["ri"] = 8,
        ["iz"] = 9,
        ["std"] = 12,
        ["rms"] = 13,
        ["Lchi2"] = 14,
    };

    private static readonly string[] TargetRatios = ["std_rms", "ampl_std", "ampl_rms"];

    private static TrainingTable WithTargetColumns(TrainingTable table, string path, IReadOnlyList<string> wanted)
    {
        using var stream = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var byId = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            byId[fields[0]] = fields;
        }

        var ids = table.Text("LINEARobjectID");
        var amplitude = table.Numbers("Ampl");
        double Field(int row, string name)
        {
            // An object missing from the targets file gets a missing value rather than being dropped.
            return byId.TryGetValue(ids[row], out var f) ? double.Parse(f[TargetFields[name]], CultureInfo.InvariantCulture) : double.NaN;
        }

        double Value(string name, int row) => name switch
        {
            // Eclipses are brief dips: they inflate the standard deviation far more than the interquartile scatter, so these
            // ratios measure how much of the light curve sits at maximum light (Algols) or varies all the time (contact binaries).
            "std_rms" => Field(row, "std") / Field(row, "rms"),
            "ampl_std" => amplitude[row] / Field(row, "std"),
            "ampl_rms" => amplitude[row] / Field(row, "rms"),
            _ => Field(row, name),
        };

        return WithColumns(table, wanted, Value, "+targets:" + string.Join(',', wanted));
    }

    private static List<IReadOnlyDictionary<string, double>> Rows(TrainingTable table, IReadOnlyList<string> features)
    {
        var columns = features.ToDictionary(f => f, table.Numbers, StringComparer.Ordinal);
        return [.. Enumerable.Range(0, table.Rows).Select(r => (IReadOnlyDictionary<string, double>)features.ToDictionary(f => f, f => columns[f][r], StringComparer.Ordinal))];
    }

    /// <summary>
    /// A stratified 70/30 split: the training library's <see cref="StratifiedSplit"/> (⌈30%⌉ of each class to the test
    /// rows, one seeded shuffle over the classes in name order), without validation rows; each model's own training run
    /// carves its early-stopping rows out of the 70%.
    /// </summary>
    private static (int[] Train, int[] Test) TestSplit(IReadOnlyList<string> labels, string[] classes, int seed)
    {
        var classOfRow = labels.Select(l => Array.IndexOf(classes, l)).ToArray();
        var split = StratifiedSplit.Make([.. Enumerable.Range(0, labels.Count)], classOfRow, classes.Length, TestFraction, validationSize: 0, seed);
        return (split.Train, split.Test);
    }

    /// <summary>Per-class score columns as row-major [rows × classes], the layout <see cref="MulticlassMetrics.ArgMax"/> takes.</summary>
    private static float[] RowMajor(float[][] scoresByClass, int rows)
    {
        var values = new float[rows * scoresByClass.Length];
        for (var c = 0; c < scoresByClass.Length; c++)
        {
            for (var r = 0; r < rows; r++)
            {
                values[(r * scoresByClass.Length) + c] = scoresByClass[c][r];
            }
        }

        return values;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("scope-linear-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
