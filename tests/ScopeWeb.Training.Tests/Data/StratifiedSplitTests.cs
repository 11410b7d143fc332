using ScopeWeb.Training.Data;

namespace ScopeWeb.Training.Tests.Data;

public class StratifiedSplitTests
{
    // Three classes of 57, 296 and 548 rows, interleaved in table order.
    private static readonly int[] ClassOfRow = [.. Enumerable.Range(0, 901).Select(r => r < 171 ? r % 3 : r < 649 ? 1 + (r % 2) : 2)];

    [Fact]
    public void Every_class_gives_the_ceiling_of_its_fraction_to_test_and_validation_and_no_row_is_used_twice()
    {
        var pool = Enumerable.Range(0, ClassOfRow.Length).ToArray();

        var split = StratifiedSplit.Make(pool, ClassOfRow, 3, testSize: 0.3, validationSize: 0.1, seed: 42);

        for (var k = 0; k < 3; k++)
        {
            var n = ClassOfRow.Count(c => c == k);
            var test = (int)Math.Ceiling(0.3 * n);
            Assert.Equal(test, split.Test.Count(r => ClassOfRow[r] == k));
            Assert.Equal((int)Math.Ceiling(0.1 * (n - test)), split.Validation.Count(r => ClassOfRow[r] == k));
        }

        Assert.Equal(pool, split.Train.Concat(split.Validation).Concat(split.Test).Order());
        Assert.Equal(split.Test.Order(), split.Test);
    }

    [Fact]
    public void The_seed_alone_decides_the_rows_and_rows_outside_the_pool_are_left_out()
    {
        var pool = Enumerable.Range(0, ClassOfRow.Length).Where(r => r % 5 != 0).ToArray();

        var a = StratifiedSplit.Make(pool, ClassOfRow, 3, 0.3, 0, seed: 7);
        var b = StratifiedSplit.Make(pool, ClassOfRow, 3, 0.3, 0, seed: 7);
        var c = StratifiedSplit.Make(pool, ClassOfRow, 3, 0.3, 0, seed: 8);

        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, c.Test);
        Assert.Empty(a.Validation);
        Assert.DoesNotContain(a.Train.Concat(a.Test), r => r % 5 == 0);
    }
}
