using System.Globalization;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Gbdt;
using Xunit.Abstractions;

namespace ScopeWeb.Training.Tests.Gbdt;

/// <summary>
/// The exported ONNX must score like LightGBM (to 1e-5) on ordinary rows, on NaN in features with and without NaN in
/// training, and on rows placed exactly on LightGBM's double thresholds and on the floats either side of them.
/// </summary>
public sealed class GbdtOnnxExportTests(ScopeDefaultsRun run, ITestOutputHelper output) : IClassFixture<ScopeDefaultsRun>
{
    [Fact]
    public void Export_MatchesLightGbm_OnNaNAndAdversarialRows()
    {
        var splits = NativeSplits(run.Result.NativeModelText);
        var check = AdversarialRows(run.Validation, splits);
        using var scratch = new ScratchFolder();

        var maxDifference = GbdtOnnxExport.Export(run.Result, check, scratch.File("model.onnx"));

        output.WriteLine($"{check.Rows} check rows, {splits.Count} splits: max |ONNX − LightGBM| = {maxDifference:G3}");
        Assert.InRange(maxDifference, 0, 1e-5);

        // The application's scorer reads the same file and gives the same numbers.
        var names = Enumerable.Range(0, GbdtTestData.FeatureCount).Select(f => $"f{f}").ToList();
        using var classifier = OnnxClassifier.Create(ClassificationTestFiles.Card(names), scratch.File("model.onnx"), "test card");
        var scores = new float[check.Rows];
        classifier.ScorePrepared(check.Features, scores);
        var lightGbm = run.Result.PredictWithLightGbm(check);
        Assert.All(Enumerable.Range(0, check.Rows), r => Assert.True(Math.Abs(scores[r] - lightGbm[r]) <= 1e-5, $"row {r}: ONNX {scores[r]:R}, LightGBM {lightGbm[r]:R}"));
    }

    [Fact]
    public void CheckRows_CoverBothMissingTypes_AndThresholdsAPlainCastWouldMisplace()
    {
        // Guards the meaning of the export test: it must contain the cases the conversion rules exist for.
        var splits = NativeSplits(run.Result.NativeModelText);

        // Features with NaN in training got NaN-type splits (learned default direction), the others None-type (NaN read as 0).
        Assert.Contains(splits, s => GbdtTestData.FeaturesWithNaN.Contains(s.Feature) && s.MissingType == 2);
        Assert.Contains(splits, s => GbdtTestData.FeaturesWithoutNaN.Contains(s.Feature) && s.MissingType == 0);
        Assert.DoesNotContain(splits, s => s.MissingType == 1 || (s.DecisionType & 1) != 0);

        // Some thresholds round up under a plain (float) cast; the rows at that float are routed right by LightGBM.
        var roundsUp = splits.Count(s => (float)s.Threshold > s.Threshold);
        output.WriteLine($"{roundsUp} of {splits.Count} thresholds round up under a plain cast");
        Assert.True(roundsUp > 0);
    }

    [Fact]
    public void PlainCastThresholds_WouldMissLightGbm_OnTheAdversarialRows()
    {
        // The same trees with (float)t instead of the rounded-down threshold disagree with LightGBM somewhere, so the
        // export test above can fail when the rule is broken.
        var splits = NativeSplits(run.Result.NativeModelText);
        var check = AdversarialRows(run.Validation, splits);
        var nearest = new Dictionary<(int Tree, int Feature, float Down), float>();
        foreach (var split in splits)
        {
            nearest[(split.Tree, split.Feature, LightGbmTreeConverter.FloatThreshold(split.Threshold))] = (float)split.Threshold;
        }

        var model = run.Result.Model;
        var plain = model with
        {
            Trees = [.. model.Trees.Select((tree, t) => (IReadOnlyList<TreeNode>)[.. tree.Select(node => node.IsLeaf ? node : node with { Threshold = nearest[(t, node.FeatureIndex, node.Threshold)] })])],
        };
        var lightGbm = run.Result.PredictWithLightGbm(check);

        var exactWrong = Enumerable.Range(0, check.Rows).Count(r => Math.Abs(Sigmoid(model.Margin(check.Row(r))) - lightGbm[r]) > 1e-5);
        var plainWrong = Enumerable.Range(0, check.Rows).Count(r => Math.Abs(Sigmoid(plain.Margin(check.Row(r))) - lightGbm[r]) > 1e-5);

        Assert.Equal(0, exactWrong);
        Assert.True(plainWrong > 0, "plain-cast thresholds matched LightGBM on every row");
    }

    [Fact]
    public void Export_MatchesLightGbm_AroundTheZeroBand()
    {
        // A feature in {−1, 0, 1} makes LightGBM split at its bin edges ±1e-35; its prediction reads |x| ≤ 1e-35 as 0, so
        // x = −1e-35 must go right at t = −1e-35 in ONNX too (a plain x ≤ t would send it left).
        var random = new Random(5);
        TrainingSplit Make(int rows)
        {
            var features = new float[rows * 2];
            var labels = new float[rows];
            for (var r = 0; r < rows; r++)
            {
                var level = random.Next(3) - 1;
                features[2 * r] = level;
                features[(2 * r) + 1] = (float)random.NextDouble();
                labels[r] = (level == 0) ^ (random.NextDouble() < 0.1) ? 1f : 0f;
            }

            return new TrainingSplit(2, features, labels);
        }

        var result = GbdtTrainer.Train(Make(600), Make(200), new GbdtTrainingOptions { Threads = 1, MaxRounds = 5, EarlyStoppingRounds = 0 });
        var splits = NativeSplits(result.NativeModelText).Where(s => s.Feature == 0).Select(s => s.Threshold).ToHashSet();
        var zero = (float)LightGbmTreeConverter.ZeroThreshold;
        float[] values = [-1f, -zero, MathF.BitDecrement(-zero), MathF.BitIncrement(-zero), -1e-36f, -0f, 0f, 1e-36f, zero, MathF.BitIncrement(zero), 1f, float.NaN];
        var check = new TrainingSplit(2, [.. values.SelectMany(v => new[] { v, 0.5f })], new float[values.Length]);
        using var scratch = new ScratchFolder();

        var maxDifference = GbdtOnnxExport.Export(result, check, scratch.File("zero.onnx"));

        Assert.Contains(-LightGbmTreeConverter.ZeroThreshold, splits);
        Assert.Contains(LightGbmTreeConverter.ZeroThreshold, splits);
        Assert.InRange(maxDifference, 0, 1e-5);
    }

    [Fact]
    public void Export_Throws_AndKeepsNoFile_WhenOnnxDisagrees()
    {
        var model = run.Result.Model;
        var firstTree = model.Trees[0];
        var leaf = firstTree.ToList().FindIndex(node => node.IsLeaf);
        var tampered = firstTree.ToList();
        tampered[leaf] = TreeNode.Leaf(tampered[leaf].LeafValue + 0.05f);
        var broken = new GbdtTrainingResult(
            model with { Trees = [tampered, .. model.Trees.Skip(1)] }, run.Result.BestRound, run.Result.NativeModelText, run.Result.History,
            run.Result.StoppedEarly, run.Result.ScalePosWeight, run.Result.Options, run.Result.Elapsed);
        using var scratch = new ScratchFolder();

        var error = Assert.Throws<InvalidDataException>(() => GbdtOnnxExport.Export(broken, run.Validation, scratch.File("model.onnx")));

        Assert.Contains("differ from LightGBM's", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.File("model.onnx")));
    }

    private static double Sigmoid(double margin) => 1 / (1 + Math.Exp(-(float)margin));

    /// <summary>
    /// Validation rows plus: per split, a base row with the split feature at (float)t, the largest float ≤ t, the next float
    /// up and the one below; each feature NaN in turn; all NaN; zeros, −0, ±1e-36 and ±∞.
    /// </summary>
    private static TrainingSplit AdversarialRows(TrainingSplit validation, IReadOnlyList<NativeSplit> splits)
    {
        var width = validation.FeatureCount;
        var rows = new List<float[]>();
        for (var r = 0; r < 200; r++)
        {
            rows.Add(validation.Row(r).ToArray());
        }

        var b = 0;
        foreach (var split in splits)
        {
            var down = LightGbmTreeConverter.RoundThresholdDown(split.Threshold);
            foreach (var value in new[] { (float)split.Threshold, down, MathF.BitIncrement(down), MathF.BitDecrement(down) })
            {
                var row = validation.Row(b++ % validation.Rows).ToArray();
                row[split.Feature] = value;
                rows.Add(row);
            }
        }

        for (var r = 0; r < 40; r++)
        {
            for (var f = 0; f < width; f++)
            {
                var row = validation.Row(r).ToArray();
                row[f] = float.NaN;
                rows.Add(row);
            }
        }

        rows.Add(Enumerable.Repeat(float.NaN, width).ToArray());
        var zero = (float)LightGbmTreeConverter.ZeroThreshold;
        foreach (var special in new[]
        {
            0f, -0f, 1e-36f, -1e-36f, zero, -zero, MathF.BitIncrement(zero), MathF.BitDecrement(-zero), float.PositiveInfinity, float.NegativeInfinity,
        })
        {
            rows.Add(Enumerable.Repeat(special, width).ToArray());
            for (var f = 0; f < width; f++)
            {
                var row = validation.Row(f).ToArray();
                row[f] = special;
                rows.Add(row);
            }
        }

        return new TrainingSplit(width, [.. rows.SelectMany(row => row)], new float[rows.Count]);
    }

    /// <summary>One split as LightGBM's model text stores it (double threshold, decision_type bits: 1 categorical, 2 default left, (>>2)&amp;3 missing type).</summary>
    private sealed record NativeSplit(int Tree, int Feature, double Threshold, int DecisionType)
    {
        public int MissingType => (DecisionType >> 2) & 3;
    }

    private static List<NativeSplit> NativeSplits(string modelText)
    {
        var splits = new List<NativeSplit>();
        var tree = -1;
        int[] features = [];
        double[] thresholds = [];
        foreach (var line in modelText.Split('\n'))
        {
            if (line.StartsWith("Tree=", StringComparison.Ordinal))
            {
                tree = int.Parse(line[5..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("split_feature=", StringComparison.Ordinal))
            {
                features = [.. line["split_feature=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
            }
            else if (line.StartsWith("threshold=", StringComparison.Ordinal))
            {
                thresholds = [.. line["threshold=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            }
            else if (line.StartsWith("decision_type=", StringComparison.Ordinal))
            {
                var types = line["decision_type=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                splits.AddRange(types.Select((type, i) => new NativeSplit(tree, features[i], thresholds[i], type)));
            }
        }

        return splits;
    }
}
