using System.Globalization;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Training.Data;

/// <summary>How a table becomes train/validation/test splits (SCoPe's <c>Dataset.make</c>, docs/science.md "Training data").</summary>
public sealed record DatasetOptions
{
    /// <summary>Label column, or <c>COLUMN=VALUE</c> for a categorical column (one-vs-rest: VALUE is the positive class).</summary>
    public required string Label { get; init; }

    /// <summary>Feature names in model input order (table columns, or SCoPe names whose column carries the period suffix).</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>A row is positive when its label is strictly greater (SCoPe: 0.7).</summary>
    public double Threshold { get; init; } = 0.7;

    /// <summary>Down-sample the training split's majority class to at most <c>Balance ×</c> the minority; null = no balancing.</summary>
    public double? Balance { get; init; }

    public double TestSize { get; init; } = 0.1;
    public double ValidationSize { get; init; } = 0.1;
    public int Seed { get; init; } = 42;
    public ScalingMethod Scaling { get; init; } = ScalingMethod.MinMax;

    /// <summary>Scaling statistics to use instead of computing them from the pool (SCoPe's <c>--feature-stats config</c>).</summary>
    public IReadOnlyDictionary<string, FeatureStats>? FeatureStats { get; init; }

    /// <summary>Missing values: median of the pool (networks need numbers) or none (trees route NaN themselves).</summary>
    public ImputationMethod Imputation { get; init; } = ImputationMethod.Median;

    /// <summary>
    /// Split each class separately (same fractions per class). SCoPe's split is not stratified; a rare class
    /// (a few dozen rows) can then leave the validation split without positives and early stopping blind.
    /// </summary>
    public bool Stratify { get; init; }

    /// <summary>Take the table's dmdt images too.</summary>
    public bool UseDmdt { get; init; }
}

/// <summary>The splits of a prepared data set and the preprocessing the model card must record.</summary>
public sealed record PreparedDataset(
    TrainingSplit Train,
    TrainingSplit Validation,
    TrainingSplit Test,
    IReadOnlyList<string> FeatureNames,
    FeatureScaling Scaling,
    IReadOnlyDictionary<string, FeatureImputation> Imputation,
    string DataHash,
    string LabelDescription,
    int PoolPositives,
    int PoolNegatives,
    int DroppedByBalancing);

/// <summary>Labels, pool, split, balancing, scaling and imputation, as SCoPe does them.</summary>
public static class DatasetPreparation
{
    /// <exception cref="InvalidDataException">A column is missing or holds a bad value (file, row and column named), or a class is empty.</exception>
    public static PreparedDataset Prepare(TrainingTable table, DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Features.Count == 0)
        {
            throw new InvalidDataException("No features chosen: give --features a,b,c or a feature set name.");
        }

        var missing = options.Features.Where(f => ScopeTags.Column(table, f) is null).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{table.SourceName}: no column for feature(s) {string.Join(", ", missing)}.");
        }

        var (targets, inPool, description) = Targets(table, options);
        var pool = Enumerable.Range(0, table.Rows).Where(r => inPool[r]).ToArray();
        var positives = pool.Count(r => targets[r] > 0.5f);
        if (positives == 0 || positives == pool.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{table.SourceName}: label {description} gives {positives} positives and {pool.Length - positives} negatives; training needs both."));
        }

        var raw = options.Features.Select(f => table.Numbers(ScopeTags.Column(table, f)!)).ToArray();
        var dmdt = options.UseDmdt
            ? table.DmdtImages() ?? throw new InvalidDataException($"{table.SourceName}: the model takes dmdt images but the table has no 'dmdt' column.")
            : null;

        // Statistics over the whole pool (SCoPe: all ds_indexes rows, before balancing).
        var stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
        var imputation = new Dictionary<string, FeatureImputation>(StringComparer.Ordinal);
        for (var f = 0; f < options.Features.Count; f++)
        {
            var name = options.Features[f];
            var computed = Stats(pool.Select(r => raw[f][r]));
            if (options.FeatureStats is { } given)
            {
                if (given.TryGetValue(name, out var s))
                {
                    stats[name] = s;
                }
            }
            else if (computed is not null)
            {
                stats[name] = computed;
            }

            imputation[name] = options.Imputation switch
            {
                ImputationMethod.Median => new FeatureImputation { Method = ImputationMethod.Median, Value = computed?.Median ?? 0 },
                ImputationMethod.Mean => new FeatureImputation { Method = ImputationMethod.Mean, Value = computed?.Mean ?? 0 },
                ImputationMethod.Zero => new FeatureImputation { Method = ImputationMethod.Zero },
                _ => new FeatureImputation { Method = ImputationMethod.None },
            };
        }

        var scaling = new FeatureScaling { Method = options.Scaling, Stats = options.Scaling == ScalingMethod.None ? new Dictionary<string, FeatureStats>() : stats };
        var preprocessor = new FeaturePreprocessor(DraftCard(options.Features, scaling, imputation, options.UseDmdt));

        int[] train, validation, test;
        if (options.Stratify)
        {
            var parts = new[] { pool.Where(r => targets[r] > 0.5f).ToArray(), pool.Where(r => targets[r] <= 0.5f).ToArray() }
                .Select(part => Split(part, options)).ToArray();
            (train, validation, test) = (Merge(parts[0].Train, parts[1].Train), Merge(parts[0].Validation, parts[1].Validation), Merge(parts[0].Test, parts[1].Test));
            int[] Merge(int[] a, int[] b) => Shuffle([.. a, .. b], options.Seed);
        }
        else
        {
            (train, validation, test) = Split(pool, options);
        }

        var dropped = 0;
        if (options.Balance is { } balance && balance > 0)
        {
            (train, dropped) = BalanceTrain(train, targets, balance);
        }

        // Catalog tables carry the catalog id, so a run can record its training set as a group.
        var catalogIds = table.HasColumn(CatalogTrainingSet.SourceIdColumn) ? table.Numbers(CatalogTrainingSet.SourceIdColumn) : null;
        TrainingSplit Build(int[] rows)
        {
            var width = options.Features.Count;
            var features = new float[rows.Length * width];
            var labels = new float[rows.Length];
            var images = dmdt is null ? null : new float[rows.Length * TrainingSplit.DmdtLength];
            var sourceIds = catalogIds is null ? null : new long[rows.Length];
            var values = new double[width];
            for (var i = 0; i < rows.Length; i++)
            {
                var r = rows[i];
                for (var f = 0; f < width; f++)
                {
                    values[f] = raw[f][r];
                }

                preprocessor.Prepare(values, features.AsSpan(i * width, width));
                labels[i] = targets[r];
                dmdt?.AsSpan(r * TrainingSplit.DmdtLength, TrainingSplit.DmdtLength).CopyTo(images.AsSpan(i * TrainingSplit.DmdtLength));
                if (sourceIds is not null)
                {
                    sourceIds[i] = (long)catalogIds![r];
                }
            }

            return new TrainingSplit(width, features, labels, images, sourceIds);
        }

        return new PreparedDataset(
            Build(train), Build(validation), Build(test), options.Features, scaling, imputation, table.DataHash, description,
            positives, pool.Length - positives, dropped);
    }

    /// <summary>A card carrying only what preprocessing reads, so training prepares features exactly as inference will.</summary>
    internal static ModelCard DraftCard(IReadOnlyList<string> features, FeatureScaling scaling, IReadOnlyDictionary<string, FeatureImputation> imputation, bool usesDmdt) => new()
    {
        Tag = "draft",
        Algorithm = ModelAlgorithm.Dnn,
        FeatureNames = features,
        Scaling = scaling,
        Imputation = imputation,
        UsesDmdt = usesDmdt,
        Threshold = 0.5,
        Version = "draft",
        TrainingDataHash = "draft",
        CreatedAtUtc = DateTimeOffset.UnixEpoch,
        OnnxFile = "draft.onnx",
    };

    private static (float[] Targets, bool[] InPool, string Description) Targets(TrainingTable table, DatasetOptions options)
    {
        var targets = new float[table.Rows];
        var inPool = new bool[table.Rows];
        var eq = options.Label.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            // Categorical one-vs-rest (e.g. class_name=RRab): every row is in the pool.
            var column = options.Label[..eq];
            var value = options.Label[(eq + 1)..];
            var cells = table.Text(column);
            for (var r = 0; r < table.Rows; r++)
            {
                targets[r] = string.Equals(cells[r].Trim(), value, StringComparison.Ordinal) ? 1 : 0;
                inPool[r] = cells[r].Trim().Length > 0;
            }

            return (targets, inPool, $"{column} = {value}");
        }

        var label = table.Numbers(options.Label);
        // SCoPe: for "variable" the negatives are the rows labelled non-variable; rows that are neither are left out.
        var nonVariable = string.Equals(options.Label, "variable", StringComparison.Ordinal) && table.HasColumn("non-variable")
            ? table.Numbers("non-variable")
            : null;
        for (var r = 0; r < table.Rows; r++)
        {
            var value = double.IsNaN(label[r]) ? 0 : label[r];
            targets[r] = value > options.Threshold ? 1 : 0;
            var positive = Math.Round(value, MidpointRounding.ToEven) == 1;
            inPool[r] = nonVariable is null ? true : positive || nonVariable[r] > options.Threshold;
        }

        return (targets, inPool, string.Create(CultureInfo.InvariantCulture, $"{options.Label} > {options.Threshold}"));
    }

    /// <summary>Shuffle with the seed, test first, then validation from the rest (81/9/10 for 0.1/0.1).</summary>
    private static (int[] Train, int[] Validation, int[] Test) Split(int[] rows, DatasetOptions options)
    {
        var shuffled = Shuffle(rows, options.Seed);
        var testCount = (int)Math.Ceiling(options.TestSize * shuffled.Length);
        var rest = Shuffle(shuffled[testCount..], options.Seed);
        var validationCount = (int)Math.Ceiling(options.ValidationSize * rest.Length);
        return (rest[validationCount..], rest[..validationCount], shuffled[..testCount]);
    }

    private static int[] Shuffle(int[] rows, int seed)
    {
        var copy = (int[])rows.Clone();
        new Random(seed).Shuffle(copy);
        return copy;
    }

    private static (int[] Train, int Dropped) BalanceTrain(int[] train, float[] targets, double balance)
    {
        var pos = train.Where(r => targets[r] > 0.5f).ToArray();
        var neg = train.Where(r => targets[r] <= 0.5f).ToArray();
        var under = Math.Min(pos.Length, neg.Length);
        var over = Math.Max(pos.Length, neg.Length);
        var sampleSize = (int)Math.Min(over, under * balance);
        var majority = neg.Length > pos.Length ? neg : pos;
        var minority = neg.Length > pos.Length ? pos : neg;
        if (sampleSize >= majority.Length)
        {
            return (train, 0);
        }

        // SCoPe samples with random_state 1, independent of the split seed.
        var kept = Shuffle(majority, 1)[..sampleSize];
        var result = minority.Concat(kept).ToArray();
        Array.Sort(result);
        return (Shuffle(result, 1), majority.Length - sampleSize);
    }

    /// <summary>nanmin, nanmax, nanmedian, nanmean and population nanstd; null when every value is missing.</summary>
    public static FeatureStats? Stats(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return null;
        }

        Array.Sort(finite);
        var n = finite.Length;
        var median = n % 2 == 1 ? finite[n / 2] : (finite[(n / 2) - 1] + finite[n / 2]) / 2;
        var mean = finite.Average();
        var variance = finite.Sum(v => (v - mean) * (v - mean)) / n;
        return new FeatureStats { Min = finite[0], Max = finite[^1], Median = median, Mean = mean, Std = Math.Sqrt(variance) };
    }
}
