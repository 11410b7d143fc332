using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Training;
using ScopeWeb.Training.Metrics;
using ScopeWeb.Web.Tests.Support;
using ScopeWeb.Web.Training;
using TrainingPage = ScopeWeb.Web.Components.Pages.Training.TrainingPage;

namespace ScopeWeb.Web.Tests.Pages;

public class TrainingPageTests : ScopeBunitContext
{
    [Fact]
    public async Task Starting_queues_one_run_per_tag_and_algorithm_in_the_history()
    {
        var cut = Render<TrainingPage>();
        cut.WaitForAssertion(() => Assert.Contains("Start 2 runs", cut.Find("#start-training").TextContent, StringComparison.Ordinal));

        await cut.Find("#start-training").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".run-row").Count));
        Assert.Contains("2 runs queued", cut.Find("#start-message").TextContent, StringComparison.Ordinal);
        Assert.All(cut.FindAll(".run-state"), s => Assert.Equal("queued", s.TextContent.Trim()));
        await using var db = Catalog.Factory.CreateDbContext();
        var runs = await db.TrainingRuns.OrderBy(r => r.Algorithm).ToListAsync();
        Assert.Equal(["dnn", "xgb"], runs.Select(r => r.Algorithm));
        Assert.All(runs, r => Assert.Equal(("vnv", "catalog", 42), (r.Tag, r.Dataset, r.Seed)));
    }

    [Fact]
    public async Task A_finished_run_shows_its_metrics_confusion_matrix_and_curves()
    {
        var store = Services.GetRequiredService<TrainingRunStore>();
        var run = await store.CreateAsync(new TrainingParameters { Tag = "ew", Algorithm = "xgb" }, "test");
        await using (var db = Catalog.Factory.CreateDbContext())
        {
            var row = await db.TrainingRuns.SingleAsync();
            row.State = TrainingRunState.Succeeded;
            row.StartedAtUtc = DateTime.UtcNow.AddSeconds(-30);
            row.FinishedAtUtc = DateTime.UtcNow;
            row.HistoryJson = """[{"step":1,"max_steps":999,"train_loss":"NaN","validation_loss":0.4,"validation_auc":0.9,"learning_rate":0.3}]""";
            var test = ClassificationMetrics.Compute([0.9f, 0.8f, 0.3f, 0.1f, 0.6f], [1, 1, 0, 0, 0]);
            row.MetricsJson = new SplitMetrics(test, test, test).ToJson();
            await db.SaveChangesAsync();
        }

        var cut = Render<TrainingPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".run-row")));
        Assert.Contains("succeeded in 30 s", cut.Find(".run-state").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll(".promote-run"));

        await cut.Find($"#run-{run.Id}").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("#cm-tp").TextContent.Trim()));
        Assert.Equal("1", cut.Find("#cm-fp").TextContent.Trim());
        Assert.Equal("2", cut.Find("#cm-tn").TextContent.Trim());
        Assert.Contains("1.0000", cut.Find("#metrics-test").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 rounds", cut.Find("#step-count").TextContent, StringComparison.Ordinal);
        Assert.Contains("\"tag\":\"ew\"", cut.Find("#run-parameters").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsaved_run_says_not_saved_without_a_promote_button_and_a_cancel_asked_elsewhere_shows_cancelling()
    {
        var store = Services.GetRequiredService<TrainingRunStore>();
        var unsaved = await store.CreateAsync(new TrainingParameters { Tag = "ew", Algorithm = "xgb" }, "cli", owner: null, saved: false);
        var elsewhere = await store.CreateAsync(new TrainingParameters { Tag = "vnv", Algorithm = "dnn" }, "cli");
        Assert.True(await store.ClaimAsync(elsewhere.Id, new TrainingRunOwner("another-host", 4242)));
        Assert.True(await store.RequestCancelAsync(elsewhere.Id));
        await using (var db = Catalog.Factory.CreateDbContext())
        {
            var finished = await db.TrainingRuns.SingleAsync(r => r.Id == unsaved.Id);
            finished.State = TrainingRunState.Succeeded;
            finished.StartedAtUtc = DateTime.UtcNow.AddSeconds(-5);
            finished.FinishedAtUtc = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }

        var cut = Render<TrainingPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".run-row").Count));

        var row = cut.Find($"#run-{unsaved.Id}");
        Assert.Equal("not saved", row.QuerySelector(".not-saved")!.TextContent.Trim());
        Assert.Empty(cut.FindAll(".promote-run"));
        Assert.Equal("cancelling", cut.Find($"#run-{elsewhere.Id} .run-state").TextContent.Trim());

        await cut.Find($"#run-{elsewhere.Id}").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("trained by process another-host/4242", cut.Find("#run-owner").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_parameters_are_listed_and_nothing_is_queued()
    {
        var form = new TrainingForm { Tags = [], Epochs = 0 };

        var (runs, problems) = form.Runs();

        Assert.Empty(runs);
        Assert.Contains("Choose at least one tag.", problems);
        Assert.Empty(new TrainingForm { Tags = ["vnv"], Epochs = 0 }.Runs().Runs);
        Assert.Contains(new TrainingForm { Tags = ["vnv"], Epochs = 0 }.Runs().Problems, p => p.Contains("Epochs", StringComparison.Ordinal));
    }

    [Fact]
    public void The_catalog_offers_the_tags_its_known_classes_can_label()
    {
        var tags = TrainingForm.CatalogTags.Select(t => t.Tag).ToList();
        Assert.Contains("vnv", tags);
        Assert.Contains("rrlyr", tags);
        Assert.DoesNotContain("bogus", tags);
    }
}
