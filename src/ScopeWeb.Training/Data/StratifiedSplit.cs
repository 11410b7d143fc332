using System.Globalization;

namespace ScopeWeb.Training.Data;

/// <summary>
/// A seeded train / validation / test split stratified by class: row indices, each split in table order.
/// </summary>
/// <remarks>
/// Each class's rows (in table order, classes in index order) are shuffled with one <see cref="Random"/>(seed), then
/// ⌈test_size·n⌉ go to the test split and ⌈val_size·rest⌉ to the validation split, so every class, however rare, is in
/// every split with a non-zero fraction (each one-vs-rest model needs positives for training and for early stopping).
/// Used by <see cref="Hierarchical.HierarchicalTraining"/> and by the benchmarks' multi-class accuracy runs.
/// </remarks>
public sealed record StratifiedSplit(int[] Train, int[] Validation, int[] Test)
{
    /// <summary>Splits <paramref name="pool"/> (row indices) by <paramref name="classOfRow"/> (a class in 0..classCount−1 per table row).</summary>
    /// <param name="pool">Rows to split; rows of <paramref name="classOfRow"/> outside the pool are ignored.</param>
    /// <param name="classOfRow">Class index of every table row (indexed by row, not by pool position).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="testSize">Fraction of each class for the test split, in [0, 1).</param>
    /// <param name="validationSize">Fraction of each class's remaining rows for the validation split, in [0, 1).</param>
    /// <param name="seed">Seed of the one shuffle shared by all classes.</param>
    public static StratifiedSplit Make(IReadOnlyList<int> pool, IReadOnlyList<int> classOfRow, int classCount, double testSize, double validationSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(classOfRow);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        if (!(testSize is >= 0 and < 1) || !(validationSize is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSize), string.Create(CultureInfo.InvariantCulture,
                $"test and validation fractions must be within [0, 1), got {testSize:R} and {validationSize:R}."));
        }

        var random = new Random(seed);
        List<int> train = [], validation = [], test = [];
        for (var k = 0; k < classCount; k++)
        {
            var leaf = k;
            var rows = pool.Where(r => classOfRow[r] == leaf).ToArray();
            random.Shuffle(rows);
            var testCount = (int)Math.Ceiling(testSize * rows.Length);
            var validationCount = (int)Math.Ceiling(validationSize * (rows.Length - testCount));
            if (rows.Length - testCount - validationCount < 1)
            {
                // Only for very large fractions or a class of one or two rows: at most one test and one validation row.
                (testCount, validationCount) = (Math.Min(testCount, 1), Math.Min(validationCount, 1));
            }

            test.AddRange(rows[..testCount]);
            validation.AddRange(rows[testCount..(testCount + validationCount)]);
            train.AddRange(rows[(testCount + validationCount)..]);
        }

        // Table order within each split, so the splits do not depend on the class order beyond membership.
        train.Sort();
        validation.Sort();
        test.Sort();
        return new StratifiedSplit([.. train], [.. validation], [.. test]);
    }
}
