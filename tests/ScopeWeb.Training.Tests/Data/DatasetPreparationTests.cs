using ScopeWeb.Core.Classifiers;
using ScopeWeb.Training.Data;

namespace ScopeWeb.Training.Tests.Data;

public class DatasetPreparationTests
{
    private static DatasetOptions Options(string label = "variable") => new() { Label = label, Features = ["amp", "period", "noise"] };

    [Fact]
    public void Splits_81_9_10_with_the_seed_and_no_row_twice()
    {
        var table = TrainingTestData.Table(1000);

        var a = DatasetPreparation.Prepare(table, Options());
        var b = DatasetPreparation.Prepare(table, Options());
        var c = DatasetPreparation.Prepare(table, Options() with { Seed = 7 });

        Assert.Equal((810, 90, 100), (a.Train.Rows, a.Validation.Rows, a.Test.Rows));
        Assert.Equal(a.Test.Features, b.Test.Features);
        Assert.NotEqual(a.Test.Features, c.Test.Features);
        Assert.Equal("sha256:test", a.DataHash);
    }

    [Fact]
    public void A_row_is_positive_only_above_the_threshold()
    {
        var table = TrainingTable.Read(new StringReader("obj_id,amp,period,noise,variable\n" + string.Join('\n',
            Enumerable.Range(0, 40).Select(i => $"o{i},{i},{i},{i},{(i % 4) switch { 0 => "0.7", 1 => "0.71", 2 => "1", _ => "0" }}"))), "t.csv", "h");

        var d = DatasetPreparation.Prepare(table, Options() with { Threshold = 0.7, TestSize = 0.25, ValidationSize = 0.25 });

        // 0.71 and 1 are positive; exactly 0.7 is not (SCoPe: label > threshold).
        var all = d.Train.Labels.Concat(d.Validation.Labels).Concat(d.Test.Labels).ToList();
        Assert.Equal(20, all.Count(l => l == 1));
        Assert.Equal(20, d.PoolPositives);
    }

    [Fact]
    public void Variable_takes_its_negatives_from_the_non_variable_column()
    {
        var table = TrainingTestData.Table(500, withNonVariable: true);

        var d = DatasetPreparation.Prepare(table, Options());

        // Every fifth negative is only 0.5 non-variable, so neither class: left out of the pool.
        Assert.True(d.PoolPositives + d.PoolNegatives < 500);
        Assert.Equal(d.PoolPositives + d.PoolNegatives, d.Train.Rows + d.Validation.Rows + d.Test.Rows);
    }

    [Fact]
    public void Balancing_down_samples_only_the_training_majority()
    {
        var table = TrainingTestData.Table(1000);
        var plain = DatasetPreparation.Prepare(table, Options());

        var balanced = DatasetPreparation.Prepare(table, Options() with { Balance = 1.0 });

        Assert.Equal(balanced.Train.Positives, balanced.Train.Rows - balanced.Train.Positives);
        Assert.Equal(plain.Test.Features, balanced.Test.Features);
        Assert.Equal(plain.Train.Rows - balanced.Train.Rows, balanced.DroppedByBalancing);
    }

    [Fact]
    public void Min_max_scaling_uses_the_pools_statistics_and_the_card_reproduces_it()
    {
        var table = TrainingTestData.Table(300);
        var d = DatasetPreparation.Prepare(table, Options());

        var amp = d.Scaling.Stats["amp"];
        var all = d.Train.Features.Concat(d.Validation.Features).Concat(d.Test.Features).ToArray();
        var ampScaled = Enumerable.Range(0, all.Length / 3).Select(i => all[i * 3]).ToArray();
        Assert.Equal(0, ampScaled.Min(), 6);
        Assert.Equal(1, ampScaled.Max(), 6);
        Assert.True(amp.Max > amp.Min);
        Assert.Equal(ImputationMethod.Median, d.Imputation["amp"].Method);
    }

    [Fact]
    public void A_bad_cell_names_the_file_row_and_column()
    {
        var table = TrainingTable.Read(new StringReader("obj_id,amp,period,noise,variable\na,1,2,3,1\nb,1,two,3,0\n"), "labels.csv", "h");

        var error = Assert.Throws<InvalidDataException>(() => DatasetPreparation.Prepare(table, Options()));

        Assert.Equal("labels.csv: row 3, column 'period': 'two' is not a number.", error.Message);
    }

    [Fact]
    public void Missing_features_and_single_class_labels_are_explained()
    {
        var table = TrainingTestData.Table(50);
        var missing = Assert.Throws<InvalidDataException>(() => DatasetPreparation.Prepare(table, Options() with { Features = ["amp", "f1_power"] }));
        Assert.Contains("f1_power", missing.Message, StringComparison.Ordinal);

        var oneClass = Assert.Throws<InvalidDataException>(() => DatasetPreparation.Prepare(table, Options("obj_id=nobody")));
        Assert.Contains("0 positives", oneClass.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Periodic_features_are_found_under_scopes_period_suffix()
    {
        var table = TrainingTable.Read(new StringReader("obj_id,f1_power_ELS_ECE_EAOV,variable\na,0.5,1\nb,0.1,0\nc,0.6,1\nd,0.2,0\n"), "t.csv", "h");

        var d = DatasetPreparation.Prepare(table, new DatasetOptions { Label = "variable", Features = ["f1_power"], TestSize = 0.25, ValidationSize = 0.34 });

        Assert.Equal(["f1_power"], d.FeatureNames);
    }

    [Fact]
    public void A_dmdt_cell_that_is_not_26_by_26_names_its_row()
    {
        var table = TrainingTable.Read(new StringReader("obj_id,amp,variable,dmdt\na,1,1,\"[[1,2],[3,4]]\"\n"), "d.csv", "h");

        var error = Assert.Throws<InvalidDataException>(() => table.DmdtImages());

        Assert.StartsWith("d.csv: row 2, column 'dmdt'", error.Message, StringComparison.Ordinal);
    }
}
