using ScopeWeb.Training.Gbdt;
using ScopeWeb.Training.Metrics;
using Xunit.Abstractions;

namespace ScopeWeb.Training.Tests.Gbdt;

/// <summary>One run with SCoPe's XGB defaults (early stopping on validation AUC), shared by the tests that inspect it.</summary>
public sealed class ScopeDefaultsRun
{
    public ScopeDefaultsRun()
    {
        Train = GbdtTestData.Make(3000, seed: 1);
        Validation = GbdtTestData.Make(1000, seed: 2);
        Steps = [];
        Result = GbdtTrainer.Train(Train, Validation, new GbdtTrainingOptions { Threads = 1 }, new SyncProgress(Steps.Add));
    }

    public TrainingSplit Train { get; }

    public TrainingSplit Validation { get; }

    public List<TrainingStep> Steps { get; }

    public GbdtTrainingResult Result { get; }
}

/// <summary>Reports synchronously on the training thread (System.Progress would post to the thread pool).</summary>
internal sealed class SyncProgress(Action<TrainingStep> report) : IProgress<TrainingStep>
{
    public void Report(TrainingStep value) => report(value);
}

public sealed class GbdtTrainerTests(ScopeDefaultsRun run, ITestOutputHelper output) : IClassFixture<ScopeDefaultsRun>
{
    [Fact]
    public void Train_LearnsNonlinearProblem_ValidationAucAboveNinety()
    {
        var probabilities = run.Result.PredictWithLightGbm(run.Validation);
        var auc = RocAuc.Compute(probabilities, run.Validation.Labels);
        output.WriteLine($"best round {run.Result.BestRound} of {run.Result.History.Count}, validation AUC {auc:F4}, {run.Result.Elapsed.TotalMilliseconds:F0} ms");

        Assert.True(auc > 0.9, $"validation AUC {auc:F4}");

        // The reported AUC (LightGBM's eval) is the kept model's AUC, so the history and the saved model agree.
        Assert.Equal(auc, run.Result.BestValidationAuc, 1e-9);
    }

    [Fact]
    public void Train_BeatsALinearCutOnTheSameFeatures()
    {
        // The interaction x0·x1 alone is invisible to any single-feature ranking; the trees must combine features.
        var bestSingleFeature = Enumerable.Range(0, GbdtTestData.FeatureCount).Max(f =>
        {
            var column = Enumerable.Range(0, run.Validation.Rows).Select(r => run.Validation.Row(r)[f]).Select(v => float.IsNaN(v) ? 0f : v).ToArray();
            var auc = RocAuc.Compute(column, run.Validation.Labels);
            return Math.Max(auc, 1 - auc);
        });

        Assert.True(run.Result.BestValidationAuc > bestSingleFeature + 0.1, $"trees {run.Result.BestValidationAuc:F3} vs best single feature {bestSingleFeature:F3}");
    }

    [Fact]
    public void EarlyStopping_StopsBeforeMaxRounds_AndKeepsTheBestRound()
    {
        var result = run.Result;
        var history = result.History;

        Assert.True(result.StoppedEarly);
        Assert.True(history.Count < result.Options.MaxRounds, $"{history.Count} rounds");
        Assert.Equal(result.BestRound + result.Options.EarlyStoppingRounds, history.Count);

        // Best = the first round reaching the highest AUC, and none of the 10 later rounds beat it.
        var bestAuc = history.Max(step => step.ValidationAuc);
        Assert.Equal(history.First(step => step.ValidationAuc == bestAuc).Step, result.BestRound);
        Assert.All(history.Skip(result.BestRound), step => Assert.True(step.ValidationAuc <= bestAuc));

        // Only the kept rounds are exported: one tree per round in the ensemble and in LightGBM's model text.
        Assert.Equal(result.BestRound, result.Model.Trees.Count);
        Assert.Equal(result.BestRound, CountOccurrences(result.NativeModelText, "\nTree="));
    }

    [Fact]
    public void Progress_ReportsEveryRound_WithLossesAndAuc()
    {
        Assert.Equal(run.Result.History, run.Steps);
        Assert.Equal(Enumerable.Range(1, run.Steps.Count), run.Steps.Select(step => step.Step));
        Assert.All(run.Steps, step =>
        {
            Assert.Equal(999, step.MaxSteps);
            Assert.Equal(0.3, step.LearningRate);
            Assert.InRange(step.TrainLoss, 0.0, 1.0);
            Assert.InRange(step.ValidationLoss, 0.0, 1.0);
            Assert.InRange(step.ValidationAuc, 0.5, 1.0);
        });

        // Boosting fits the training split: its loss falls over the run.
        Assert.True(run.Steps[^1].TrainLoss < run.Steps[0].TrainLoss - 0.1, $"train loss {run.Steps[0].TrainLoss:F3} → {run.Steps[^1].TrainLoss:F3}");
    }

    [Fact]
    public void ScalePosWeight_DefaultsToNegativesOverPositivesOfTheTrainingSplit()
    {
        var positives = run.Train.Positives;

        Assert.Equal((double)(run.Train.Rows - positives) / positives, run.Result.ScalePosWeight, 12);

        // LightGBM received it: its model text lists the parameter (printed with 6 significant digits).
        var line = run.Result.NativeModelText.Split('\n').Single(l => l.StartsWith("[scale_pos_weight: ", StringComparison.Ordinal));
        var stored = double.Parse(line["[scale_pos_weight: ".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(run.Result.ScalePosWeight, stored, 5);
    }

    [Fact]
    public void SameSeed_GivesIdenticalModelText_OtherSeedDoesNot()
    {
        var train = GbdtTestData.Make(1500, seed: 11);
        var validation = GbdtTestData.Make(500, seed: 12);
        var options = new GbdtTrainingOptions { Threads = 2, MaxRounds = 25, EarlyStoppingRounds = 0 };

        var first = GbdtTrainer.Train(train, validation, options);
        var second = GbdtTrainer.Train(train, validation, options);
        var otherSeed = GbdtTrainer.Train(train, validation, options with { Seed = 7 });

        Assert.Equal(first.NativeModelText, second.NativeModelText);
        Assert.Equal(first.History.Select(s => s.ValidationAuc), second.History.Select(s => s.ValidationAuc));
        Assert.NotEqual(first.NativeModelText, otherSeed.NativeModelText);
    }

    [Fact]
    public void WithoutEarlyStopping_TrainsAndKeepsEveryRound()
    {
        var train = GbdtTestData.Make(1000, seed: 21);
        var validation = GbdtTestData.Make(300, seed: 22);

        var result = GbdtTrainer.Train(train, validation, new GbdtTrainingOptions { Threads = 1, MaxRounds = 40, EarlyStoppingRounds = 0 });

        Assert.False(result.StoppedEarly);
        Assert.Equal(40, result.History.Count);
        Assert.Equal(40, result.BestRound);
        Assert.Equal(40, result.Model.Trees.Count);
    }

    [Fact]
    public void Cancellation_BetweenRounds_StopsTheRun()
    {
        var train = GbdtTestData.Make(1000, seed: 31);
        var validation = GbdtTestData.Make(300, seed: 32);
        using var cancellation = new CancellationTokenSource();
        var rounds = 0;
        var progress = new SyncProgress(step =>
        {
            rounds = step.Step;
            if (step.Step == 3)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            GbdtTrainer.Train(train, validation, new GbdtTrainingOptions { Threads = 1, EarlyStoppingRounds = 0 }, progress, cancellation.Token));
        Assert.Equal(3, rounds);
    }

    [Fact]
    public void Cancellation_BeforeStart_TrainsNothing()
    {
        var train = GbdtTestData.Make(200, seed: 33);
        var rounds = 0;

        Assert.ThrowsAny<OperationCanceledException>(() =>
            GbdtTrainer.Train(train, train, null, new SyncProgress(_ => rounds++), new CancellationToken(canceled: true)));
        Assert.Equal(0, rounds);
    }

    [Fact]
    public void Train_RefusesLabelsOtherThanZeroOrOne_NamingTheRow()
    {
        var good = GbdtTestData.Make(100, seed: 41);
        var labels = (float[])good.Labels.Clone();
        labels[17] = 2f;
        var bad = new TrainingSplit(good.FeatureCount, good.Features, labels);

        var error = Assert.Throws<ArgumentException>(() => GbdtTrainer.Train(bad, good));

        Assert.Contains("training split's row 17 has label 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_RefusesAValidationSplitWithOneClass()
    {
        var train = GbdtTestData.Make(100, seed: 42);
        var oneClass = new TrainingSplit(train.FeatureCount, train.Features, new float[train.Rows]);

        var error = Assert.Throws<ArgumentException>(() => GbdtTrainer.Train(train, oneClass));

        Assert.Contains("validation split has 0 positive rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LightGbmErrors_CarryLightGbmsOwnMessage()
    {
        var error = Assert.Throws<LightGbmException>(() => LightGbmBooster.Load("this is not a LightGBM model"));

        Assert.StartsWith("LightGBM LGBM_BoosterLoadModelFromString failed: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length > "LightGBM LGBM_BoosterLoadModelFromString failed: ".Length + 5, error.Message);
        Assert.DoesNotContain("(no error text)", error.Message, StringComparison.Ordinal);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
