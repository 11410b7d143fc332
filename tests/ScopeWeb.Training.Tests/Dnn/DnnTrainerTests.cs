using System.Diagnostics;
using ScopeWeb.Training.Dnn;
using ScopeWeb.Training.Metrics;
using Xunit.Abstractions;

namespace ScopeWeb.Training.Tests.Dnn;

/// <summary>ScopeNet training with TorchSharp on small synthetic splits (<see cref="DnnTestData"/>); each run takes a second or two.</summary>
[Collection(TorchCollection.Name)]
public sealed class DnnTrainerTests(ITestOutputHelper output)
{
    // Few epochs on 480 rows: a higher learning rate than SCoPe's 3e-4 keeps the runs short.
    private static readonly DnnTrainingOptions Quick = new() { Epochs = 8, LearningRate = 3e-3, Threads = 1 };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LearnableSplit_LossFalls_AndValidationAucPasses0_9(bool convBranch)
    {
        var train = DnnTestData.Make(480, seed: 1);
        var validation = DnnTestData.Make(160, seed: 2);
        var reported = new List<TrainingStep>();

        using var result = DnnTrainer.Train(train, validation, Quick with { ConvBranch = convBranch }, new SynchronousProgress<TrainingStep>(reported.Add));

        Log(result);
        Assert.Equal(result.Steps, reported);
        Assert.Equal(Enumerable.Range(1, result.Steps.Count), result.Steps.Select(s => s.Step));
        Assert.True(result.Steps[^1].TrainLoss < 0.7 * result.Steps[0].TrainLoss, "training loss did not fall");
        Assert.True(result.Best.ValidationLoss < result.Steps[0].ValidationLoss, "validation loss did not fall");
        Assert.True(result.Best.ValidationAuc > 0.9, $"best validation AUC {result.Best.ValidationAuc:F3}");
        Assert.Equal(convBranch, result.Weights.Conv is not null);
        Assert.NotNull(result.Weights.Dense);

        // The returned network scores the validation split as the run reported.
        var scores = result.PredictWithTorch(validation);
        Assert.Equal(result.Best.ValidationAuc, RocAuc.Compute(scores, validation.Labels), 3);
    }

    [Fact]
    public void ConvBranchAlone_LearnsFromDmdtImages()
    {
        // The conv branch sits on a plateau before it learns (tiny L2-normalised inputs, Keras init); clear images, small
        // batches and a high rate keep that plateau to about one epoch here.
        var train = DnnTestData.Make(320, seed: 3, labelFromDmdtOnly: true, dmdtNoise: 0.1);
        var validation = DnnTestData.Make(100, seed: 4, labelFromDmdtOnly: true, dmdtNoise: 0.1);

        using var result = DnnTrainer.Train(train, validation, Quick with { DenseBranch = false, Epochs = 4, BatchSize = 16, LearningRate = 1e-2 });

        Log(result);
        Assert.Null(result.Weights.Dense);
        Assert.True(result.Best.ValidationAuc > 0.9, $"best validation AUC {result.Best.ValidationAuc:F3}");
    }

    [Fact]
    public void SameSeed_GivesIdenticalWeights_OtherSeed_Differs()
    {
        var train = DnnTestData.Make(300, seed: 5);
        var validation = DnnTestData.Make(100, seed: 6);
        var options = Quick with { Epochs = 3, Threads = 2 };

        using var first = DnnTrainer.Train(train, validation, options);
        using var second = DnnTrainer.Train(train, validation, options);
        using var other = DnnTrainer.Train(train, validation, options with { Seed = 43 });

        var a = StateDict(first);
        var b = StateDict(second);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, values) in a)
        {
            Assert.True(values.AsSpan().SequenceEqual(b[name]), $"{name} differs between two runs with seed 42");
        }

        Assert.Equal(first.Steps.Select(s => s.ValidationLoss), second.Steps.Select(s => s.ValidationLoss));
        Assert.False(a["dense_fc_1.weight"].AsSpan().SequenceEqual(StateDict(other)["dense_fc_1.weight"]), "seed 43 gave seed 42's weights");
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresTheBestEpochsWeights()
    {
        // Validation labels are coin flips: once the network grows confident on the training rule, the validation
        // loss rises, so the best epoch is an early one and the last epochs are worse.
        var train = DnnTestData.Make(480, seed: 7);
        var validation = DnnTestData.Make(200, seed: 8, randomLabels: true);
        var options = Quick with { Epochs = 40, Patience = 3, ReduceLrPatience = 2, ConvBranch = false, LearningRate = 1e-2 };

        using var result = DnnTrainer.Train(train, validation, options);

        Log(result);
        Assert.True(result.StoppedEarly);
        var losses = result.Steps.Select(s => s.ValidationLoss).ToList();
        Assert.Equal(losses.IndexOf(losses.Min()) + 1, result.BestEpoch);
        Assert.Equal(result.BestEpoch + options.Patience, result.Steps.Count);
        Assert.True(losses[^1] > result.Best.ValidationLoss + 1e-3, "the last epoch is as good as the best; the test proves nothing");

        // The network handed back is the best epoch's: its validation loss is that epoch's, not the last one's.
        var scores = result.PredictWithTorch(validation);
        Assert.Equal(result.Best.ValidationLoss, MeanCrossEntropy(scores, validation.Labels), 4);

        // Reduce-LR-on-plateau cut the rate by 10 after two epochs without improvement.
        var learningRates = result.Steps.Select(s => s.LearningRate).Distinct().ToList();
        Assert.Equal([1e-2, 1e-3], learningRates.Take(2).Select(lr => Math.Round(lr, 10)));
    }

    [Fact]
    public void Cancellation_StopsWithinOneBatch()
    {
        var train = DnnTestData.Make(4000, seed: 9);
        var validation = DnnTestData.Make(100, seed: 10);
        using var cancellation = new CancellationTokenSource();
        var epochs = 0;
        var progress = new SynchronousProgress<TrainingStep>(_ =>
        {
            epochs++;
            cancellation.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => DnnTrainer.Train(train, validation, Quick with { Epochs = 50 }, progress, cancellation.Token));
        Assert.Equal(1, epochs);

        // Mid-epoch: the cancel lands between two batches of the second epoch, so only the first completes. The timer starts
        // when the first epoch reports (not before the call, which may wait for another test's torch work) and is a quarter
        // of one epoch as the trainer itself timed it on this machine.
        TimeSpan epoch;
        using (var reference = DnnTrainer.Train(train, validation, Quick with { Epochs = 1 }, null, CancellationToken.None))
        {
            epoch = TimeSpan.FromSeconds(reference.EpochSeconds[0]);
        }

        using var midEpoch = new CancellationTokenSource();
        var completed = 0;
        var stopwatch = new Stopwatch();
        Assert.ThrowsAny<OperationCanceledException>(() => DnnTrainer.Train(
            train,
            validation,
            Quick with { Epochs = 50 },
            new SynchronousProgress<TrainingStep>(_ =>
            {
                if (++completed == 1)
                {
                    stopwatch.Start();
                    // A thread of its own, not CancelAfter: the timer's callback runs on the thread pool, which torch's
                    // threads and parallel test assemblies can starve past the whole second epoch (seen on 2 cores).
                    new Thread(() =>
                    {
                        Thread.Sleep(epoch / 4);
                        midEpoch.Cancel();
                    })
                    { IsBackground = true, Priority = ThreadPriority.AboveNormal }.Start();
                }
            }),
            midEpoch.Token));
        output.WriteLine($"one epoch {epoch.TotalMilliseconds:F0} ms; cancelled {epoch.TotalMilliseconds / 4:F0} ms into the second, stopped after {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(1, completed);
        Assert.True(stopwatch.Elapsed < epoch * 2, $"took {stopwatch.ElapsedMilliseconds} ms to stop; one whole epoch took {epoch.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void ClassWeights_DefaultToScopesInverseCounts()
    {
        var train = DnnTestData.Make(200, seed: 11);
        var positives = train.Positives;
        var negatives = train.Rows - positives;

        using var result = DnnTrainer.Train(train, DnnTestData.Make(50, seed: 12), Quick with { Epochs = 1, ConvBranch = false });

        var minority = Math.Min(positives, negatives);
        Assert.Equal(positives < negatives ? 1.0 : (double)minority / positives, result.ClassWeights.Positive, 12);
        Assert.Equal(negatives < positives ? 1.0 : (double)minority / negatives, result.ClassWeights.Negative, 12);
        Assert.Equal(new DnnClassWeights(Negative: 0.25, Positive: 1), DnnClassWeights.FromBalance(new TrainingSplit(1, new float[5], [1, 0, 0, 0, 0])));
    }

    [Fact]
    public void UnusableSplits_AreRefused_NamingTheProblem()
    {
        var train = DnnTestData.Make(50, seed: 13);
        var validation = DnnTestData.Make(20, seed: 14);
        var noDmdt = new TrainingSplit(train.FeatureCount, train.Features, train.Labels);
        var withNaN = new TrainingSplit(train.FeatureCount, (float[])train.Features.Clone(), train.Labels, train.Dmdt);
        withNaN.Features[(7 * train.FeatureCount) + 2] = float.NaN;
        var oneClass = new TrainingSplit(train.FeatureCount, train.Features, new float[train.Rows], train.Dmdt);

        Assert.Contains("training split has no dmdt images, but the conv branch is on",
            Assert.Throws<ArgumentException>(() => DnnTrainer.Train(noDmdt, validation)).Message, StringComparison.Ordinal);
        Assert.Contains("training split's row 7, feature 2 is NaN",
            Assert.Throws<ArgumentException>(() => DnnTrainer.Train(withNaN, validation)).Message, StringComparison.Ordinal);
        Assert.Contains("training split needs both classes; it has 0 positive and 50 negative rows",
            Assert.Throws<ArgumentException>(() => DnnTrainer.Train(oneClass, validation)).Message, StringComparison.Ordinal);
        Assert.Contains("both are off",
            Assert.Throws<ArgumentException>(() => DnnTrainer.Train(train, validation, new DnnTrainingOptions { ConvBranch = false, DenseBranch = false })).Message,
            StringComparison.Ordinal);

        // Without the conv branch, dmdt is not needed.
        using var result = DnnTrainer.Train(noDmdt, validation, Quick with { Epochs = 1, ConvBranch = false });
        Assert.Single(result.Steps);
    }

    private static Dictionary<string, float[]> StateDict(DnnTrainingResult result)
    {
        var weights = result.Weights;
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["fc_1.weight"] = weights.Fc1.Weight,
            ["fc_1.bias"] = weights.Fc1.Bias,
            ["score.weight"] = weights.Score.Weight,
            ["score.bias"] = weights.Score.Bias,
        };
        if (weights.Dense is { } dense)
        {
            values["dense_fc_1.weight"] = dense.DenseFc1.Weight;
            values["dense_fc_1.bias"] = dense.DenseFc1.Bias;
            values["dense_fc_2.weight"] = dense.DenseFc2.Weight;
            values["dense_fc_2.bias"] = dense.DenseFc2.Bias;
        }

        if (weights.Conv is { } conv)
        {
            foreach (var (name, layer) in new[] { ("conv_conv_1", conv.ConvConv1), ("conv_conv_2", conv.ConvConv2), ("conv_conv_3", conv.ConvConv3), ("conv_conv_4", conv.ConvConv4) })
            {
                values[name + ".depthwise.weight"] = layer.DepthwiseWeight;
                values[name + ".pointwise.weight"] = layer.PointwiseWeight;
                values[name + ".pointwise.bias"] = layer.PointwiseBias;
            }
        }

        return values;
    }

    private static double MeanCrossEntropy(float[] scores, float[] labels) =>
        scores.Zip(labels, (p, y) => -((y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p)))).Average();

    private void Log(DnnTrainingResult result)
    {
        foreach (var step in result.Steps)
        {
            output.WriteLine($"epoch {step.Step}: train loss {step.TrainLoss:F4}, validation loss {step.ValidationLoss:F4}, AUC {step.ValidationAuc:F3}, lr {step.LearningRate:G3}");
        }

        output.WriteLine($"best epoch {result.BestEpoch}, stopped early: {result.StoppedEarly}, {result.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>Reports on the training thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
