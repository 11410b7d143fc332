using ScopeWeb.Training.Gbdt;

namespace ScopeWeb.Training.Tests.Gbdt;

public sealed class GbdtStoppingMetricTests
{
    [Fact]
    public void LogLossStopping_KeepsTheRoundWithTheLowestValidationLoss()
    {
        var train = GbdtTestData.Make(1500, seed: 11);
        var validation = GbdtTestData.Make(500, seed: 12);
        var options = new GbdtTrainingOptions { Threads = 1, EarlyStoppingMetric = GbdtStoppingMetric.LogLoss, EarlyStoppingRounds = 10 };

        var result = GbdtTrainer.Train(train, validation, options);

        // Noisy labels: the validation loss turns up at some point, and the kept round is the first lowest-loss round.
        var history = result.History;
        var bestLoss = history.Min(step => step.ValidationLoss);
        Assert.True(result.StoppedEarly);
        Assert.Equal(history.First(step => step.ValidationLoss == bestLoss).Step, result.BestRound);
        Assert.Equal(result.BestRound + 10, history.Count);
        Assert.Equal(result.BestRound, result.Model.Trees.Count);
    }

    [Fact]
    public void DefaultStopping_IsScopesAuc_AndLogLossIsAnOption()
    {
        Assert.Equal(GbdtStoppingMetric.Auc, new GbdtTrainingOptions().EarlyStoppingMetric);
        Assert.Equal(GbdtStoppingMetric.Auc, new TrainingParameters { Tag = "vnv" }.StoppingMetric);
        Assert.Equal(GbdtStoppingMetric.LogLoss, new TrainingParameters { Tag = "vnv", EarlyStoppingMetric = "logloss" }.StoppingMetric);

        var problems = new TrainingParameters { Tag = "vnv", EarlyStoppingMetric = "f1" }.Validate();
        Assert.Contains(problems, p => p.Contains("Unknown early-stopping metric 'f1'", StringComparison.Ordinal));
    }
}
