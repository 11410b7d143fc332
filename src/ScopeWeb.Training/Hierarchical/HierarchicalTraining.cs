using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Gbdt;

namespace ScopeWeb.Training.Hierarchical;

/// <summary>Settings of a hierarchical training run.</summary>
public sealed record HierarchicalTrainingOptions
{
    /// <summary>Least rows a leaf class needs: one each for the training, validation and test splits.</summary>
    public const int MinRowsPerClass = 3;

    /// <summary>Registry tag of the model (its score column is <c>&lt;tag&gt;_hierarchical</c>).</summary>
    public string Tag { get; init; } = "lc_classifier";

    /// <summary>Column holding each row's class (the catalog table's <c>class_name</c>).</summary>
    public string ClassColumn { get; init; } = CatalogTrainingSet.ClassColumn;

    /// <summary>Top-level groups and their leaf classes; rows of classes in no group are left out.</summary>
    public IReadOnlyList<ClassGroup> Taxonomy { get; init; } = HierarchicalTaxonomy.Simulator;

    /// <summary>Feature names in model input order (table columns, or SCoPe names whose column carries the period suffix).</summary>
    public IReadOnlyList<string> Features { get; init; } = ScopeTags.CatalogFeatures;

    /// <summary>Seed of the split and of LightGBM's row and feature sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Fraction of each class held out for the test metrics.</summary>
    public double TestSize { get; init; } = 0.1;

    /// <summary>Fraction of each class's remaining rows used for early stopping.</summary>
    public double ValidationSize { get; init; } = 0.1;

    /// <summary>Scaling recorded on the card and applied before the trees (trees are indifferent to it; kept as <c>scope train</c> does).</summary>
    public ScalingMethod Scaling { get; init; } = ScalingMethod.MinMax;

    /// <summary>
    /// Leave out taxonomy classes with fewer than <see cref="MinRowsPerClass"/> rows (and groups left empty) instead of
    /// refusing them; for the default taxonomy, whose classes a data set may not all hold (the catalog has no features for
    /// supernovae, whose light curves are shorter than the feature extraction's 50 points). A given taxonomy is strict.
    /// </summary>
    public bool SkipMissingClasses { get; init; }

    /// <summary>
    /// The binary models' default settings: SCoPe's XGB parameters with 100 rounds and no early stopping. Early stopping
    /// on validation AUC (GbdtTrainer's criterion) ends at round 1 for the many one-vs-rest models whose AUC is already 1
    /// there, keeping one shrunken tree whose probabilities stay near 0.5 and flatten the product; ALeRCE's forests are
    /// not early-stopped either.
    /// </summary>
    public static GbdtTrainingOptions DefaultGbdt { get; } = new() { MaxRounds = 100, EarlyStoppingRounds = 0 };

    /// <summary>Settings of every binary model (<see cref="DefaultGbdt"/>); its seed is replaced by <see cref="Seed"/>.</summary>
    public GbdtTrainingOptions Gbdt { get; init; } = DefaultGbdt;

    internal void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Tag))
        {
            problems.Add("--tag must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(ClassColumn))
        {
            problems.Add("--class-column must not be empty.");
        }

        if (Features.Count == 0)
        {
            problems.Add("No features chosen: give --features a,b,c or a feature set name.");
        }

        if (!(TestSize is > 0 and < 1) || !(ValidationSize is > 0 and < 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"--test_size and --val_size must be within (0, 1), got {TestSize:R} and {ValidationSize:R}."));
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join(" ", problems));
        }
    }
}

/// <summary>Rows of one split of a hierarchical data set: prepared features (card order, imputed, scaled) and each row's leaf class index.</summary>
public sealed record HierarchicalSplit(int FeatureCount, float[] Features, int[] Leaves, long[]? SourceIds)
{
    public int Rows => Leaves.Length;

    /// <summary>The rows as a <see cref="TrainingSplit"/> with 0/1 labels from <paramref name="positive"/>.</summary>
    internal TrainingSplit Binary(Func<int, bool> positive) =>
        new(FeatureCount, Features, [.. Leaves.Select(leaf => positive(leaf) ? 1f : 0f)]);

    /// <summary>The rows whose leaf satisfies <paramref name="keep"/>.</summary>
    internal HierarchicalSplit Where(Func<int, bool> keep)
    {
        var rows = Enumerable.Range(0, Rows).Where(r => keep(Leaves[r])).ToArray();
        var features = new float[rows.Length * FeatureCount];
        for (var i = 0; i < rows.Length; i++)
        {
            Features.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
        }

        return new HierarchicalSplit(FeatureCount, features, [.. rows.Select(r => Leaves[r])], SourceIds is null ? null : [.. rows.Select(r => SourceIds[r])]);
    }
}

/// <summary>One trained one-vs-rest binary model of a hierarchical classifier.</summary>
/// <param name="Level"><c>top</c>, or the group whose child model it belongs to.</param>
/// <param name="Class">The class it separates from the rest of its level (a group name at the top, a leaf class below).</param>
/// <param name="Index">1-based position among all binary models of the run.</param>
/// <param name="Count">Binary models in the run.</param>
/// <param name="Result">LightGBM's result (trees, native model, history).</param>
public sealed record HierarchicalBinaryModel(string Level, string Class, int Index, int Count, GbdtTrainingResult Result);

/// <summary>What a hierarchical training run produced.</summary>
/// <param name="Card"></param>
/// <param name="CardPath"></param>
/// <param name="OnnxPath"></param>
/// <param name="Train"></param>
/// <param name="Validation"></param>
/// <param name="Test"></param>
/// <param name="ValidationLeaves"></param>
/// <param name="TestLeaves"></param>
/// <param name="TestTop"></param>
/// <param name="Models"></param>
/// <param name="LeftOut">
/// Rows of classes the model does not classify (in no group, e.g. <c>Constant</c>, or skipped), by class; an empty cell counts as <c>""</c>.
/// </param>
/// <param name="SkippedClasses">
/// Taxonomy classes left out for having too few rows (<see cref="HierarchicalTrainingOptions.SkipMissingClasses"/>), with their row counts.
/// </param>
/// <param name="OnnxMaxAbsDifference">Largest |ONNX − LightGBM-side| value over both outputs on the test split.</param>
/// <param name="Elapsed"></param>
public sealed record HierarchicalOutcome(
    ModelCard Card,
    string CardPath,
    string OnnxPath,
    HierarchicalSplit Train,
    HierarchicalSplit Validation,
    HierarchicalSplit Test,
    MulticlassMetrics ValidationLeaves,
    MulticlassMetrics TestLeaves,
    MulticlassMetrics TestTop,
    IReadOnlyList<HierarchicalBinaryModel> Models,
    IReadOnlyDictionary<string, int> LeftOut,
    IReadOnlyDictionary<string, int> SkippedClasses,
    double OnnxMaxAbsDifference,
    TimeSpan Elapsed);

/// <summary>
/// Trains an ALeRCE-style hierarchical classifier (docs/science.md "Hierarchical classifier"): a top-level classifier over the taxonomy's
/// groups trained on every row, and per group a child classifier over its leaf classes trained only on that group's rows;
/// P(leaf) = P_top(group) × P_child(leaf | group). The result is one ONNX model (<see cref="OnnxModelWriter.BuildHierarchical"/>)
/// and one registry card (algorithm <c>hierarchical</c>, <c>classes</c>, <c>groups</c>).
/// </summary>
/// <remarks>
/// <para>
/// ALeRCE uses balanced random forests; ScopeWeb uses its own GBDT trainer (<see cref="GbdtTrainer"/>, LightGBM). Each
/// multi-class level is one-vs-rest: one binary model per class, positives weighted by negatives / positives of the
/// training rows (the balancing role of ALeRCE's balanced forests), and the level's sigmoid outputs divided by their sum so
/// they add up to 1. A group with a single leaf class needs no child model (P(leaf | group) = 1). The validation split
/// serves early stopping when it is switched on (<see cref="HierarchicalTrainingOptions.DefaultGbdt"/>) and the reported
/// validation metrics.
/// </para>
/// <para>
/// Split: <see cref="StratifiedSplit"/> by leaf class, seeded: each class's rows are shuffled with one <see cref="Random"/>(seed),
/// then ⌈test_size·n⌉ go to the test split and ⌈val_size·rest⌉ to the validation split, so every class, however rare, is
/// in all three splits (each one-vs-rest model needs positives for training and for early stopping). Scaling statistics
/// come from all rows of the taxonomy's classes, as SCoPe's pool statistics; missing values stay NaN (trees route them).
/// </para>
/// </remarks>
public static class HierarchicalTraining
{
    /// <summary>Largest allowed |ONNX − LightGBM-side| probability difference on the test rows.</summary>
    public const double Tolerance = GbdtOnnxExport.Tolerance;

    /// <summary>Trains and writes <c>&lt;tag&gt;_hierarchical.&lt;version&gt;.{onnx,json}</c> into <paramref name="outputDirectory"/>.</summary>
    /// <param name="table"></param>
    /// <param name="options"></param>
    /// <param name="outputDirectory"></param>
    /// <param name="progress"></param>
    /// <param name="time"></param>
    /// <param name="ct"></param>
    /// <param name="files">Told every file before it is written, so a run that fails later can remove exactly its own.</param>
    /// <exception cref="InvalidDataException">Bad options, taxonomy or data (the message names the table, column, group or class).</exception>
    /// <exception cref="OperationCanceledException">Cancelled between boosting rounds.</exception>
    public static HierarchicalOutcome Train(
        TrainingTable table,
        HierarchicalTrainingOptions options,
        string outputDirectory,
        IProgress<HierarchicalBinaryModel>? progress = null,
        TimeProvider? time = null,
        CancellationToken ct = default,
        RunFiles? files = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options.Validate();
        HierarchicalTaxonomy.Validate(options.Taxonomy, "taxonomy");
        time ??= TimeProvider.System;
        var clock = Stopwatch.StartNew();

        var (groups, skipped) = UsableTaxonomy(table, options);
        var classes = groups.SelectMany(g => g.Classes).ToArray();
        var groupOfLeaf = groups.SelectMany((g, index) => g.Classes.Select(_ => index)).ToArray();
        var (leafOfRow, leftOut) = LeafPerRow(table, options, groups, classes, groupOfLeaf);

        var missing = options.Features.Where(f => ScopeTags.Column(table, f) is null).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{table.SourceName}: no column for feature(s) {string.Join(", ", missing)}.");
        }

        // Statistics over every row of the taxonomy's classes, scaling and imputation exactly as DatasetPreparation records them.
        var pool = Enumerable.Range(0, table.Rows).Where(r => leafOfRow[r] >= 0).ToArray();
        var raw = options.Features.Select(f => table.Numbers(ScopeTags.Column(table, f)!)).ToArray();
        var stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
        var imputation = new Dictionary<string, FeatureImputation>(StringComparer.Ordinal);
        for (var f = 0; f < options.Features.Count; f++)
        {
            if (DatasetPreparation.Stats(pool.Select(r => raw[f][r])) is { } s)
            {
                stats[options.Features[f]] = s;
            }

            // Trees route a missing value by the direction they learned for it.
            imputation[options.Features[f]] = new FeatureImputation { Method = ImputationMethod.None };
        }

        var scaling = new FeatureScaling
        {
            Method = options.Scaling,
            Stats = options.Scaling == ScalingMethod.None ? new Dictionary<string, FeatureStats>(StringComparer.Ordinal) : stats,
        };
        var preprocessor = new FeaturePreprocessor(DatasetPreparation.DraftCard(options.Features, scaling, imputation, usesDmdt: false));
        var catalogIds = table.HasColumn(CatalogTrainingSet.SourceIdColumn) ? table.Numbers(CatalogTrainingSet.SourceIdColumn) : null;
        var (trainRows, validationRows, testRows) = StratifiedSplit.Make(pool, leafOfRow, classes.Length, options.TestSize, options.ValidationSize, options.Seed);
        HierarchicalSplit Build(int[] rows)
        {
            var width = options.Features.Count;
            var features = new float[rows.Length * width];
            var values = new double[width];
            for (var i = 0; i < rows.Length; i++)
            {
                for (var f = 0; f < width; f++)
                {
                    values[f] = raw[f][rows[i]];
                }

                preprocessor.Prepare(values, features.AsSpan(i * width, width));
            }

            return new HierarchicalSplit(width, features, [.. rows.Select(r => leafOfRow[r])], catalogIds is null ? null : [.. rows.Select(r => (long)catalogIds[r])]);
        }

        var train = Build(trainRows);
        var validation = Build(validationRows);
        var test = Build(testRows);

        // One-vs-rest binaries: the groups on every row, then each group's leaves on that group's rows only.
        var gbdt = options.Gbdt with { Seed = options.Seed };
        var count = groups.Count + groups.Where(g => g.Classes.Count > 1).Sum(g => g.Classes.Count);
        var models = new List<HierarchicalBinaryModel>();
        HierarchicalBinaryModel Fit(string level, string name, HierarchicalSplit trainPart, HierarchicalSplit validationPart, Func<int, bool> positive)
        {
            ct.ThrowIfCancellationRequested();
            GbdtTrainingResult result;
            try
            {
                result = GbdtTrainer.Train(trainPart.Binary(positive), validationPart.Binary(positive), gbdt, progress: null, ct);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{table.SourceName}: the {level} model for '{name}' cannot be trained: {ex.Message}", ex);
            }

            var model = new HierarchicalBinaryModel(level, name, models.Count + 1, count, result);
            models.Add(model);
            progress?.Report(model);
            return model;
        }

        var topModels = new List<TreeEnsembleModel>();
        for (var g = 0; g < groups.Count; g++)
        {
            var group = g;
            topModels.Add(Fit("top", groups[g].Name, train, validation, leaf => groupOfLeaf[leaf] == group).Result.Model);
        }

        var childModels = new List<IReadOnlyList<TreeEnsembleModel>>();
        var leafBase = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = g;
            var children = new List<TreeEnsembleModel>();
            if (groups[g].Classes.Count > 1)
            {
                var groupTrain = train.Where(leaf => groupOfLeaf[leaf] == group);
                var groupValidation = validation.Where(leaf => groupOfLeaf[leaf] == group);
                for (var k = 0; k < groups[g].Classes.Count; k++)
                {
                    var target = leafBase + k;
                    children.Add(Fit(groups[g].Name, groups[g].Classes[k], groupTrain, groupValidation, leaf => leaf == target).Result.Model);
                }
            }

            childModels.Add(children);
            leafBase += groups[g].Classes.Count;
        }

        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var version = $"{TrainingParameters.TimeTag(now)}-s{options.Seed.ToString(CultureInfo.InvariantCulture)}";
        var card = new ModelCard
        {
            Tag = options.Tag,
            Algorithm = ModelAlgorithm.Hierarchical,
            FeatureNames = options.Features,
            Scaling = scaling,
            Imputation = imputation,
            UsesDmdt = false,
            // The predicted class is the arg-max; 0.5 marks a leaf probability that outweighs all others together.
            Threshold = 0.5,
            Version = version,
            TrainingDataHash = table.DataHash,
            CreatedAtUtc = new DateTimeOffset(now.UtcDateTime, TimeSpan.Zero),
            OnnxFile = $"{options.Tag}_hierarchical.{version}.onnx",
            Classes = classes,
            Groups = groups,
        };
        card.Validate($"{options.Tag}_hierarchical card");

        Directory.CreateDirectory(outputDirectory);
        var onnxPath = Path.Combine(outputDirectory, card.OnnxFile);
        files?.Add(onnxPath);
        var maxDifference = Export(topModels, childModels, models, groups, test, onnxPath, ModelIdentity.Of(card).ToMetadata());

        // Metrics from the ONNX model itself, through the registry's scorer: what will be served.
        MulticlassMetrics validationLeaves, testLeaves, testTop;
        using (var classifier = OnnxClassifier.Create(card, onnxPath, $"{options.Tag}_hierarchical"))
        {
            (validationLeaves, _) = Evaluate(classifier, validation, classes, groups, groupOfLeaf);
            (testLeaves, testTop) = Evaluate(classifier, test, classes, groups, groupOfLeaf);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["test_accuracy"] = testLeaves.Accuracy,
            ["test_macro_f1"] = testLeaves.MacroF1,
            ["test_top_accuracy"] = testTop.Accuracy,
            ["val_accuracy"] = validationLeaves.Accuracy,
            ["val_macro_f1"] = validationLeaves.MacroF1,
            ["onnx_max_abs_diff"] = maxDifference,
            ["train_rows"] = train.Rows,
            ["val_rows"] = validation.Rows,
            ["test_rows"] = test.Rows,
            ["seed"] = options.Seed,
        };
        foreach (var scores in testLeaves.PerClass)
        {
            metrics["test_precision_" + scores.Name] = scores.Precision;
            metrics["test_recall_" + scores.Name] = scores.Recall;
        }

        card = card with { Metrics = metrics };
        var cardPath = Path.Combine(outputDirectory, $"{options.Tag}_hierarchical.{version}.json");
        files?.Add(cardPath);
        card.Save(cardPath);
        if (catalogIds is not null)
        {
            // The catalog ids of the classified pool, so promotion records the training-set group as for binary models.
            var ids = pool.Select(r => (long)catalogIds[r]).Distinct().Order();
            var idsPath = ModelPromoter.TrainingSetFile(cardPath);
            files?.Add(idsPath);
            File.WriteAllLines(idsPath, ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        }

        return new HierarchicalOutcome(
            card, cardPath, onnxPath, train, validation, test, validationLeaves, testLeaves, testTop, models, leftOut, skipped, maxDifference, clock.Elapsed);
    }

    /// <summary>
    /// The product rule on binary probabilities, in double: each level's one-vs-rest probabilities divided by their sum,
    /// then P(leaf) = P_top(group) × P_child(leaf | group). <paramref name="childBinary"/>[g] is empty for a one-leaf group.
    /// Returns (leaves, top) for one row.
    /// </summary>
    public static (double[] Leaves, double[] Top) Combine(IReadOnlyList<double> topBinary, IReadOnlyList<IReadOnlyList<double>> childBinary)
    {
        ArgumentNullException.ThrowIfNull(topBinary);
        ArgumentNullException.ThrowIfNull(childBinary);
        var top = Normalise(topBinary);
        var leaves = new List<double>();
        for (var g = 0; g < childBinary.Count; g++)
        {
            if (childBinary[g].Count == 0)
            {
                leaves.Add(top[g]);
                continue;
            }

            leaves.AddRange(Normalise(childBinary[g]).Select(p => top[g] * p));
        }

        return ([.. leaves], top);

        static double[] Normalise(IReadOnlyList<double> values)
        {
            var sum = Math.Max(values.Sum(), 1e-30);
            return [.. values.Select(v => v / sum)];
        }
    }

    /// <summary>
    /// The taxonomy to train: as given, or without the classes that have too few rows (and the groups left empty) when
    /// <see cref="HierarchicalTrainingOptions.SkipMissingClasses"/> is set; returns the skipped classes' row counts.
    /// </summary>
    private static (IReadOnlyList<ClassGroup> Groups, IReadOnlyDictionary<string, int> Skipped) UsableTaxonomy(TrainingTable table, HierarchicalTrainingOptions options)
    {
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!options.SkipMissingClasses)
        {
            return (options.Taxonomy, skipped);
        }

        var counts = table.Text(options.ClassColumn).GroupBy(c => c.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var groups = new List<ClassGroup>();
        foreach (var group in options.Taxonomy)
        {
            var kept = new List<string>();
            foreach (var name in group.Classes)
            {
                var count = counts.GetValueOrDefault(name);
                if (count >= HierarchicalTrainingOptions.MinRowsPerClass)
                {
                    kept.Add(name);
                }
                else
                {
                    skipped[name] = count;
                }
            }

            if (kept.Count > 0)
            {
                groups.Add(group with { Classes = kept });
            }
        }

        if (groups.Count < 2)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{table.SourceName}: only {(groups.Count == 0 ? "no group" : $"group '{groups[0].Name}'")} of the taxonomy {HierarchicalTaxonomy.Format(options.Taxonomy)} "
                + $"has classes with at least {HierarchicalTrainingOptions.MinRowsPerClass} rows in column '{options.ClassColumn}'; a hierarchical classifier needs two groups."));
        }

        return (groups, skipped);
    }

    /// <summary>Each row's leaf index (−1 for classes outside the taxonomy), and the left-out rows per class.</summary>
    private static (int[] LeafOfRow, IReadOnlyDictionary<string, int> LeftOut) LeafPerRow(
        TrainingTable table, HierarchicalTrainingOptions options, IReadOnlyList<ClassGroup> groups, string[] classes, int[] groupOfLeaf)
    {
        var cells = table.Text(options.ClassColumn);
        var index = classes.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => p.k, StringComparer.Ordinal);
        var leafOfRow = new int[table.Rows];
        var counts = new int[classes.Length];
        var leftOut = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < table.Rows; r++)
        {
            var name = cells[r].Trim();
            if (index.TryGetValue(name, out var leaf))
            {
                leafOfRow[r] = leaf;
                counts[leaf]++;
            }
            else
            {
                leafOfRow[r] = -1;
                leftOut[name] = leftOut.GetValueOrDefault(name) + 1;
            }
        }

        for (var k = 0; k < classes.Length; k++)
        {
            if (counts[k] >= HierarchicalTrainingOptions.MinRowsPerClass)
            {
                continue;
            }

            var present = cells.Select(c => c.Trim()).Where(c => c.Length > 0).GroupBy(c => c, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ({g.Count()})"));
            var group = groups[groupOfLeaf[k]].Name;
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{table.SourceName}: class '{classes[k]}' (group '{group}') has {(counts[k] == 0 ? "no rows" : $"only {counts[k]} rows")} in column '{options.ClassColumn}'; "
                + $"each class needs at least {HierarchicalTrainingOptions.MinRowsPerClass} (train, validation, test). The column holds: {string.Join(", ", present)}."));
        }

        return (leafOfRow, leftOut);
    }

    /// <summary>
    /// Writes the ONNX model and checks both outputs on <paramref name="check"/> against the product rule applied to
    /// LightGBM's own probabilities (<see cref="GbdtTrainingResult.PredictWithLightGbm"/>); returns the largest difference.
    /// </summary>
    private static double Export(
        IReadOnlyList<TreeEnsembleModel> topModels,
        IReadOnlyList<IReadOnlyList<TreeEnsembleModel>> childModels,
        IReadOnlyList<HierarchicalBinaryModel> binaries,
        IReadOnlyList<ClassGroup> groups,
        HierarchicalSplit check,
        string onnxPath,
        IReadOnlyDictionary<string, string> metadata)
    {
        OnnxModelWriter.Write(OnnxModelWriter.BuildHierarchical(topModels, childModels, metadata), onnxPath);
        try
        {
            var split = check.Binary(_ => false);
            var lightGbm = binaries.Select(b => b.Result.PredictWithLightGbm(split)).ToArray();
            var (probabilities, top) = ScoreWithOnnxRuntime(onnxPath, check);
            var leafCount = probabilities.Length / Math.Max(check.Rows, 1);
            var maxDifference = 0.0;
            var worst = "";
            for (var r = 0; r < check.Rows; r++)
            {
                var next = 0;
                var topBinary = groups.Select(_ => (double)lightGbm[next++][r]).ToArray();
                var childBinary = groups.Select(g => (IReadOnlyList<double>)(g.Classes.Count > 1 ? [.. g.Classes.Select(_ => (double)lightGbm[next++][r])] : [])).ToArray();
                var (expectedLeaves, expectedTop) = Combine(topBinary, childBinary);
                for (var k = 0; k < expectedLeaves.Length; k++)
                {
                    Track(probabilities[(r * leafCount) + k], expectedLeaves[k], $"probabilities[{r}, {k}]");
                }

                for (var g = 0; g < expectedTop.Length; g++)
                {
                    Track(top[(r * groups.Count) + g], expectedTop[g], $"top[{r}, {g}]");
                }
            }

            if (maxDifference > Tolerance)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{onnxPath}: ONNX probabilities differ from LightGBM's by {maxDifference:G3} (> {Tolerance:G}) at {worst} of the test split; the file was not kept."));
            }

            return maxDifference;

            void Track(float actual, double expected, string where)
            {
                // A NaN on either side counts as an infinite difference rather than being skipped.
                var difference = Math.Abs(actual - expected);
                difference = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                if (difference > maxDifference)
                {
                    (maxDifference, worst) = (difference, where);
                }
            }
        }
        catch
        {
            File.Delete(onnxPath);
            throw;
        }
    }

    /// <summary>Both outputs of the ONNX file for the rows (row-major), straight from ONNX Runtime.</summary>
    private static (float[] Probabilities, float[] Top) ScoreWithOnnxRuntime(string onnxPath, HierarchicalSplit split)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnxPath, options);
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(split.Features, [split.Rows, split.FeatureCount]);
        using var outputs = session.Run(
            runOptions, [OnnxModelWriter.InputName], [input], [OnnxModelWriter.ProbabilitiesOutputName, OnnxModelWriter.TopOutputName]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>Leaf arg-max metrics and top-level arg-max metrics (groups' summed leaf probabilities) from the served model.</summary>
    private static (MulticlassMetrics Leaves, MulticlassMetrics Top) Evaluate(
        OnnxClassifier classifier, HierarchicalSplit split, string[] classes, IReadOnlyList<ClassGroup> groups, int[] groupOfLeaf)
    {
        var probabilities = new float[split.Rows * classes.Length];
        classifier.ScoreClassesPrepared(split.Features, probabilities);
        var leaves = MulticlassMetrics.Compute(classes, split.Leaves, MulticlassMetrics.ArgMax(probabilities, classes.Length));

        // Σ over a group's leaves of top × child = top × 1: the top-level probability.
        var top = new float[split.Rows * groups.Count];
        for (var r = 0; r < split.Rows; r++)
        {
            for (var k = 0; k < classes.Length; k++)
            {
                top[(r * groups.Count) + groupOfLeaf[k]] += probabilities[(r * classes.Length) + k];
            }
        }

        var groupNames = groups.Select(g => g.Name).ToArray();
        var actualGroups = split.Leaves.Select(leaf => groupOfLeaf[leaf]).ToArray();
        return (leaves, MulticlassMetrics.Compute(groupNames, actualGroups, MulticlassMetrics.ArgMax(top, groups.Count)));
    }
}
