using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Training;
using ScopeWeb.Web.Tests.Support;
using TrainingPage = ScopeWeb.Web.Components.Pages.Training.TrainingPage;

namespace ScopeWeb.Web.Tests.Pages;

/// <summary>
/// Issue [7/12]: /training on an instance that does not train (<c>Training:Enabled</c> false, so no TrainingQueue is
/// registered): it renders, queues runs into the catalog for the instances that train, cancels through the catalog, and
/// follows runs that other instances train without a live feed of its own.
/// </summary>
public class TrainingPageWithoutTrainingTests() : ScopeBunitContext(new Dictionary<string, string?>(StringComparer.Ordinal) { ["Training:Enabled"] = "false" })
{
    [Fact]
    public async Task The_page_says_it_does_not_train_and_queues_runs_into_the_catalog()
    {
        Assert.Null(Services.GetService<TrainingQueue>());
        var cut = Render<TrainingPage>();
        cut.WaitForAssertion(() => Assert.Contains("does not train", cut.Find("#trains-elsewhere").TextContent, StringComparison.Ordinal));

        await cut.Find("#start-training").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".run-row").Count));
        Assert.Contains("2 runs queued", cut.Find("#start-message").TextContent, StringComparison.Ordinal);
        await using var db = Catalog.Factory.CreateDbContext();
        var runs = await db.TrainingRuns.ToListAsync();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal((TrainingRunState.Queued, (int?)null), (r.State, r.OwnerProcessId)));
    }

    [Fact]
    public async Task Cancel_goes_through_the_catalog_for_queued_runs_and_runs_another_process_trains()
    {
        var store = Services.GetRequiredService<TrainingRunStore>();
        var queued = await store.CreateAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb" }, "test");
        var running = await store.CreateAsync(new TrainingParameters { Tag = "ew", Algorithm = "dnn" }, "test");
        Assert.True(await store.ClaimAsync(running.Id, new TrainingRunOwner("another-host", 4242)));
        var cut = Render<TrainingPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".cancel-run").Count));

        await cut.Find($"#run-{queued.Id} .cancel-run").ClickAsync(new());
        await cut.Find($"#run-{running.Id} .cancel-run").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("cancelled", cut.Find($"#run-{queued.Id} .run-state").TextContent.Trim()));
        cut.WaitForAssertion(() => Assert.Equal("cancelling", cut.Find($"#run-{running.Id} .run-state").TextContent.Trim()));
        Assert.Equal(TrainingRunLifecycle.CancelledQueuedReason, (await store.GetAsync(queued.Id))!.Error);
        var asked = (await store.GetAsync(running.Id))!;
        Assert.Equal(TrainingRunState.Running, asked.State);
        Assert.NotNull(asked.CancelRequestedAtUtc);
    }

    [Fact]
    public async Task A_run_another_instance_finishes_shows_its_new_state_without_a_click()
    {
        var store = Services.GetRequiredService<TrainingRunStore>();
        var run = await store.CreateAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb" }, "test");
        var cut = Render<TrainingPage>();
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find($"#run-{run.Id} .run-state").TextContent.Trim()));

        // What the instance that trains it writes, seen here only through the catalog.
        Assert.True(await store.ClaimAsync(run.Id, new TrainingRunOwner("another-host", 4242)));

        cut.WaitForAssertion(() => Assert.Equal("running", cut.Find($"#run-{run.Id} .run-state").TextContent.Trim()), TimeSpan.FromSeconds(20));
    }
}
