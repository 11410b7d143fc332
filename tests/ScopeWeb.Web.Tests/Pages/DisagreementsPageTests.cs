using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Core.Disagreements;
using ScopeWeb.Web.Disagreements;
using ScopeWeb.Web.Tests.Support;
using DisagreementsPage = ScopeWeb.Web.Components.Pages.Disagreements.DisagreementsPage;

namespace ScopeWeb.Web.Tests.Pages;

public class DisagreementsPageTests : ScopeBunitContext
{
    // (object id, vnv dnn, vnv xgb)
    private static readonly (string ObjId, double Dnn, double Xgb)[] Scores =
    [
        ("ZTFJ000001.00+100000.0", 0.95, 0.05),
        ("ZTFJ000002.00+100000.0", 0.10, 0.85),
        ("ZTFJ000003.00+100000.0", 0.90, 0.92),
        ("ZTFJ000004.00+100000.0", 0.75, 0.20),
        ("ZTFJ000005.00+100000.0", 0.05, 0.10),
    ];

    public override async Task InitializeAsync()
    {
        var sources = Scores.Select((s, i) =>
        {
            var source = TestSources.Periodic(s.ObjId, 10 + i, 10, "EW", 0.3);
            source.Classifications.Add(TestSources.Score("vnv", "dnn", s.Dnn));
            source.Classifications.Add(TestSources.Score("vnv", "xgb", s.Xgb));
            return source;
        }).ToArray();
        sources[0].Classifications.Add(TestSources.Score("ew", "dnn", 0.2));
        sources[0].Classifications.Add(TestSources.Score("ew", "xgb", 0.25));
        await Catalog.AddAsync(sources);
    }

    private IRenderedComponent<DisagreementsPage> RenderPage(string query = "")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("disagreements" + query);
        return Render<DisagreementsPage>();
    }

    [Fact]
    public void Lists_each_tag_with_its_counts_and_opens_on_the_tag_with_most_disagreements()
    {
        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".disagreement-row").Count));
        var vnv = cut.Find("#summary-vnv").TextContent;
        Assert.Contains("2", cut.Find("#summary-vnv .dnn-only").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", cut.Find("#summary-vnv .xgb-only").TextContent.Trim());
        // Agreement on membership: (0.90, 0.92) and (0.05, 0.10) of five.
        Assert.Equal("40.0 %", cut.Find("#summary-vnv .agreement").TextContent.Trim());
        Assert.Equal("100.0 %", cut.Find("#summary-ew .agreement").TextContent.Trim());
        Assert.Contains("vnv", vnv, StringComparison.Ordinal);
        Assert.Contains("3 disagreements for vnv", cut.Find("#disagreement-count").TextContent, StringComparison.Ordinal);

        // Largest score difference first.
        var first = cut.FindAll(".disagreement-row")[0];
        Assert.Contains("ZTFJ000001.00+100000.0", first.TextContent, StringComparison.Ordinal);
        Assert.Equal("sources/ZTFJ000001.00%2B100000.0", first.QuerySelector("a.source-link")!.GetAttribute("href"));
    }

    [Fact]
    public void Thresholds_from_the_url_narrow_the_list_and_bad_ones_are_explained()
    {
        var cut = RenderPage("?tag=vnv&high=0.8&low=0.1");
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".disagreement-row").Count));

        var bad = RenderPage("?tag=vnv&high=0.2&low=0.6");
        bad.WaitForAssertion(() => Assert.Contains("below the high one", bad.Find("#criteria-problem").TextContent, StringComparison.Ordinal));
        Assert.Empty(bad.FindAll(".disagreement-row"));
    }

    [Fact]
    public async Task Selected_sources_are_saved_to_a_group_once()
    {
        var cut = RenderPage("?tag=vnv");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".disagreement-row").Count));
        Assert.True(cut.Find("#save-group").HasAttribute("disabled"));

        await cut.Find("#select-all").ChangeAsync(new ChangeEventArgs { Value = true });
        await cut.Find("#save-group").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("3 added, 0 already there", cut.Find("#group-saved").TextContent, StringComparison.Ordinal));
        Assert.Equal("sources?group=disagreements-vnv", cut.Find("#group-link").GetAttribute("href"));

        // Saving the same selection again changes nothing.
        await cut.Find("#save-group").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("0 added, 3 already there", cut.Find("#group-saved").TextContent, StringComparison.Ordinal));
        await using var db = Catalog.Factory.CreateDbContext();
        Assert.Equal(3, await db.GroupMembers.CountAsync(m => m.Group!.Name == "disagreements-vnv"));
    }

    [Fact]
    public async Task Without_paired_scores_the_page_says_what_to_do()
    {
        await using (var db = Catalog.Factory.CreateDbContext())
        {
            await db.Classifications.Where(c => c.Algorithm == "xgb").ExecuteDeleteAsync();
        }

        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Contains("No tag has both DNN and XGB scores", cut.Find("#disagreements-empty").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".disagreement-row"));
    }

    [Fact]
    public void A_clicked_point_maps_back_to_its_source()
    {
        var scatter = new ScoreScatter(
            [new ScorePair(1, "A", 0.95, 0.05), new ScorePair(2, "B", 0.5, 0.5), new ScorePair(3, "C", 0.1, 0.9)], 3, false);
        var traces = DisagreementTraces.Build("vnv", scatter, new DisagreementCriteria());

        Assert.Equal(3, traces.Traces.Count);
        Assert.Equal("B", traces.ObjIdAt(0, 0, null));
        Assert.Equal("A", traces.ObjIdAt(1, 0, null));
        Assert.Equal("C", traces.ObjIdAt(2m, 0.0, null));
        Assert.Equal("Z", traces.ObjIdAt(null, null, "Z"));
        Assert.Null(traces.ObjIdAt(5, 0, null));
    }

    [Fact]
    public void Page_state_round_trips_through_the_url()
    {
        var state = new DisagreementPageState { Tag = "rr lyr", Criteria = new DisagreementCriteria { High = 0.8, Low = 0.25, ExcludeTrainingSet = false } };
        Assert.Equal("disagreements?tag=rr%20lyr&high=0.8&low=0.25&training=include", state.Url());
        Assert.Equal(state, DisagreementPageState.Parse(state.Url()[state.Url().IndexOf('?', StringComparison.Ordinal)..]));
        Assert.Equal("disagreements", new DisagreementPageState().Url());
    }
}
