using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Training.Tests.Hierarchical;

public class HierarchicalTrainingTests
{
    [Fact]
    public void One_onnx_model_gives_leaf_probabilities_equal_to_top_times_child_as_lightgbm_computes_them()
    {
        using var folder = new ScratchFolder();
        var outcome = HierarchicalTraining.Train(HierarchicalTestData.Table(40), HierarchicalTestData.Options(), folder.Path);

        var card = ModelCard.Load(outcome.CardPath);
        Assert.Equal(ModelAlgorithm.Hierarchical, card.Algorithm);
        Assert.Equal(["RRab", "EW", "Mira", "AGN", "YSO", "SNIa"], card.Classes);
        Assert.Equal(["Periodic", "Stochastic", "Transient"], card.Groups!.Select(g => g.Name));
        Assert.All(card.Imputation.Values, i => Assert.Equal(ImputationMethod.None, i.Method));
        Assert.Equal("sha256:classes", card.TrainingDataHash);
        Assert.Equal(40, outcome.LeftOut["Constant"]);
        // 3 top-level models, 3 Periodic and 2 Stochastic children; the one-class Transient group needs none.
        Assert.Equal(8, outcome.Models.Count);
        Assert.True(outcome.OnnxMaxAbsDifference <= 1e-5, $"{outcome.OnnxMaxAbsDifference}");

        // Every class is in every split (stratified), and the split sizes follow the fractions.
        foreach (var split in new[] { outcome.Train, outcome.Validation, outcome.Test })
        {
            Assert.Equal(6, split.Leaves.Distinct().Count());
        }

        Assert.Equal(6 * 4, outcome.Test.Rows);

        var test = outcome.Test;
        using var classifier = OnnxClassifier.Load(outcome.CardPath);
        var probabilities = HierarchicalTestData.Score(classifier, test);
        var top = TopOutput(outcome.OnnxPath, test);

        // The same computation on LightGBM's own probabilities: one-vs-rest normalised per level, then the product rule.
        float[] LightGbm(string level, string name) =>
            outcome.Models.Single(m => m.Level == level && m.Class == name).Result.PredictWithLightGbm(new TrainingSplit(test.FeatureCount, test.Features, new float[test.Rows]));
        var groups = card.Groups!;
        var topBinary = groups.Select(g => LightGbm("top", g.Name)).ToArray();
        var childBinary = groups.Select(g => g.Classes.Count == 1 ? [] : g.Classes.Select(c => LightGbm(g.Name, c)).ToArray()).ToArray();
        for (var r = 0; r < test.Rows; r++)
        {
            var topSum = topBinary.Sum(p => (double)p[r]);
            var leaf = 0;
            for (var g = 0; g < groups.Count; g++)
            {
                var expectedTop = topBinary[g][r] / topSum;
                Assert.True(Math.Abs(top[(r * groups.Count) + g] - expectedTop) <= 1e-5, $"row {r} top {g}");
                var childSum = childBinary[g].Sum(p => (double)p[r]);
                var groupLeaves = 0.0;
                for (var k = 0; k < groups[g].Classes.Count; k++, leaf++)
                {
                    var child = groups[g].Classes.Count == 1 ? 1.0 : childBinary[g][k][r] / childSum;
                    var actual = probabilities[(r * 6) + leaf];
                    Assert.True(Math.Abs(actual - (expectedTop * child)) <= 1e-5, $"row {r} leaf {leaf}: ONNX {actual}, LightGBM {expectedTop * child}");
                    groupLeaves += actual;
                }

                // P(leaf) = top × child: a group's leaves add up to its top-level probability.
                Assert.Equal(top[(r * groups.Count) + g], groupLeaves, 1e-5);
            }

            Assert.Equal(1.0, probabilities.AsSpan(r * 6, 6).ToArray().Sum(p => (double)p), 1e-5);
        }

        // Far above chance (1/6): the classes are separable clouds.
        Assert.True(outcome.TestLeaves.Accuracy > 0.8, $"test accuracy {outcome.TestLeaves.Accuracy}");
        Assert.True(outcome.TestTop.Accuracy > 0.8, $"top-level accuracy {outcome.TestTop.Accuracy}");
        Assert.Equal(outcome.TestLeaves.Accuracy, card.Metrics["test_accuracy"], 12);
        Assert.Equal(outcome.TestLeaves.MacroF1, card.Metrics["test_macro_f1"], 12);
        Assert.Equal(outcome.TestTop.Accuracy, card.Metrics["test_top_accuracy"], 12);
        var predicted = MulticlassMetrics.ArgMax(probabilities, 6);
        // Separable classes get confident probabilities, not a flat spread that merely ranks right.
        var meanTop = Enumerable.Range(0, test.Rows).Average(r => probabilities[(r * 6) + predicted[r]]);
        Assert.True(meanTop > 0.7, $"mean probability of the predicted class {meanTop}");
        Assert.Equal(outcome.TestLeaves.Accuracy, predicted.Where((p, r) => p == test.Leaves[r]).Count() / (double)test.Rows, 12);
    }

    [Fact]
    public void The_registry_loads_it_next_to_a_binary_model_and_scores_raw_rows()
    {
        using var trained = new ScratchFolder();
        using var registryFolder = new ScratchFolder();
        var table = HierarchicalTestData.Table(20);
        var outcome = HierarchicalTraining.Train(table, HierarchicalTestData.Options() with { Tag = "lc_classifier" }, trained.Path);
        ModelPromotion.Promote(outcome.CardPath, registryFolder.Path);
        OnnxModelWriter.Write(
            OnnxModelWriter.BuildMlp([new DenseLayer(2, 1, [0.5f, -0.25f], [0.1f], DenseActivation.Sigmoid)]), registryFolder.File("vnv_dnn.onnx"));
        ClassificationTestFiles.Card(["period", "amp"], ModelAlgorithm.Dnn, ImputationMethod.Zero, "vnv_dnn.onnx").Save(registryFolder.File("vnv_dnn.json"));

        using var registry = new ModelRegistry(registryFolder.Path, watch: false);

        Assert.Empty(registry.Errors);
        Assert.Equal(["lc_classifier_hierarchical", "vnv_dnn"], registry.Models.Select(m => m.ScoreColumn));
        var hierarchical = registry.Models[0].Classifier;
        var binary = registry.Models[1].Classifier;
        Assert.True(hierarchical.IsHierarchical);
        Assert.False(binary.IsHierarchical);
        Assert.Empty(binary.Classes);
        Assert.Equal(0.5f, binary.Score([new Dictionary<string, double> { ["period"] = 0.0, ["amp"] = 0.4 }])[0], 6);

        // Raw rows (name → value, NaN for missing) are prepared with the card: probabilities add up to 1 and the arg-max is the class.
        var classNames = table.Text("class_name");
        var labelled = Enumerable.Range(0, table.Rows).Where(r => classNames[r] != "Constant").ToArray();
        var rows = labelled.Select(r => (IReadOnlyDictionary<string, double>)HierarchicalTestData.Features
            .ToDictionary(f => f, f => table.Numbers(f)[r], StringComparer.Ordinal)).ToList();
        var probabilities = hierarchical.ScoreClasses(rows);
        Assert.Equal(rows.Count * 6, probabilities.Length);
        var predicted = MulticlassMetrics.ArgMax(probabilities, 6);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(1.0, probabilities.AsSpan(i * 6, 6).ToArray().Sum(p => (double)p), 1e-5);
        }

        var correct = predicted.Where((k, i) => hierarchical.Classes[k] == classNames[labelled[i]]).Count();
        Assert.True(correct > 0.8 * rows.Count, $"{correct} of {rows.Count} rows get their class");

        var error = Assert.Throws<InvalidOperationException>(() => hierarchical.ScorePrepared(new float[3], new float[1]));
        Assert.Contains("ScoreClasses", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => binary.ScoreClassesPrepared(new float[2], new float[1]));
    }

    [Fact]
    public void The_same_data_and_seed_give_the_same_model()
    {
        using var a = new ScratchFolder();
        using var b = new ScratchFolder();
        var table = HierarchicalTestData.Table(15);

        var first = HierarchicalTraining.Train(table, HierarchicalTestData.Options(), a.Path);
        var second = HierarchicalTraining.Train(table, HierarchicalTestData.Options(), b.Path);

        Assert.Equal(File.ReadAllBytes(first.OnnxPath), File.ReadAllBytes(second.OnnxPath));
    }

    [Theory]
    [InlineData("Periodic:RRab,EW;Stochastic:AGN,RRab", "'RRab' is in two groups, 'Periodic' and 'Stochastic'")]
    [InlineData("Periodic:RRab,EW,Mira", "at least 2 top-level groups")]
    [InlineData("Periodic:RRab;Periodic:EW", "'Periodic' is listed twice")]
    [InlineData("Periodic RRab;Stochastic:AGN", "'Periodic RRab' is not GROUP:CLASS")]
    [InlineData("Periodic:;Stochastic:AGN", "group 'Periodic' has no classes")]
    public void A_bad_taxonomy_is_a_clear_error(string taxonomy, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => HierarchicalTaxonomy.Parse(taxonomy, "--taxonomy"));
        Assert.StartsWith("--taxonomy: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_the_table_lacks_or_has_too_few_rows_of_is_a_clear_error()
    {
        using var folder = new ScratchFolder();
        var options = HierarchicalTestData.Options() with { Taxonomy = HierarchicalTaxonomy.Parse("Periodic:RRab,Nova;Stochastic:AGN", "test") };

        var unknown = Assert.Throws<InvalidDataException>(() => HierarchicalTraining.Train(HierarchicalTestData.Table(10), options, folder.Path));
        Assert.Contains("classes.csv: class 'Nova' (group 'Periodic') has no rows in column 'class_name'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("RRab (10)", unknown.Message, StringComparison.Ordinal);

        var few = Assert.Throws<InvalidDataException>(() =>
            HierarchicalTraining.Train(HierarchicalTestData.Table(2), HierarchicalTestData.Options(), folder.Path));
        Assert.Contains("class 'RRab' (group 'Periodic') has only 2 rows", few.Message, StringComparison.Ordinal);

        var column = Assert.Throws<InvalidDataException>(() =>
            HierarchicalTraining.Train(HierarchicalTestData.Table(5), HierarchicalTestData.Options() with { ClassColumn = "type" }, folder.Path));
        Assert.Contains("no column 'type'", column.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    private static float[] TopOutput(string onnxPath, HierarchicalSplit split)
    {
        using var session = new InferenceSession(onnxPath);
        using var input = OrtValue.CreateTensorValueFromMemory(split.Features, [split.Rows, split.FeatureCount]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxModelWriter.InputName], [input], [OnnxModelWriter.TopOutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
