using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Web.Components.Shared;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Components;

public class FeatureJobProgressTests : ScopeBunitContext
{
    [Fact]
    public void Shows_counts_rate_and_eta_while_the_job_runs_and_nothing_after()
    {
        var status = Services.GetRequiredService<FeatureJobStatus>();
        var cut = Render<FeatureJobProgress>();
        Assert.Empty(cut.FindAll("#feature-progress"));

        status.Start(3000);
        status.Report(1200, 150);

        cut.WaitForAssertion(() => Assert.Contains("1,200 of", cut.Find("#feature-progress").TextContent, StringComparison.Ordinal));
        var text = cut.Find("#feature-progress").TextContent;
        Assert.Contains("3,000 sources", text, StringComparison.Ordinal);
        Assert.Contains("150/s", text, StringComparison.Ordinal);
        Assert.Contains("about 12 s left", text, StringComparison.Ordinal);

        status.Finish(DateTime.UtcNow);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#feature-progress")));
    }

    [Fact]
    public void A_failed_run_says_so()
    {
        var status = Services.GetRequiredService<FeatureJobStatus>();
        var cut = Render<FeatureJobProgress>();

        status.Finish(DateTime.UtcNow, "database is locked");

        cut.WaitForAssertion(() => Assert.Contains("database is locked", cut.Find("#feature-error").TextContent, StringComparison.Ordinal));
    }
}
