using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ScopeWeb.Web.Components.Pages.Sources;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Pages;

public class SourcesPageTests : ScopeBunitContext
{
    private const string RrabA = "ZTFJ000001.00+100000.0";
    private const string Ew = "ZTFJ000002.00+200000.0";
    private const string RrabB = "ZTFJ000003.00+300000.0";
    private const string Southern = "ZTFJ120000.00-450000.0";

    public override async Task InitializeAsync()
    {
        var annotated = TestSources.Periodic(Southern, 180.0, -45.0, "Mira", 310.0, field: 700);
        annotated.Annotations.Add(TestSources.Note("scope", "verified", "yes"));
        annotated.Annotations.Add(TestSources.Note("fritz", "comment", "nice"));
        var ew = TestSources.Periodic(Ew, 0.2, 20, "EW", 0.33);
        ew.Classifications.Add(TestSources.Score("ew", "dnn", 0.93));
        ew.Classifications.Add(TestSources.Score("ew", "xgb", 0.88));
        var rrabB = TestSources.Periodic(RrabB, 0.3, 30, "RRab", 0.61);
        rrabB.Classifications.Add(TestSources.Score("ew", "dnn", 0.15));
        await Catalog.AddAsync(TestSources.Periodic(RrabA, 0.1, 10, "RRab", 0.55), ew, rrabB, annotated);
    }

    private NavigationManager Nav => Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<SourcesPage> RenderAt(string url)
    {
        Nav.NavigateTo(url);
        return Render<SourcesPage>();
    }

    private static List<string> ShownIds(IRenderedComponent<SourcesPage> cut) =>
        cut.FindAll("a.source-link").Select(a => a.TextContent).ToList();

    [Fact]
    public void Grid_shows_the_sources_the_total_and_escaped_links()
    {
        var cut = RenderAt("sources");

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#sources-total").TextContent));
        Assert.Equal([RrabA, Ew, RrabB, Southern], ShownIds(cut));
        var link = cut.FindAll("a.source-link")[0];
        Assert.Equal("sources/ZTFJ000001.00%2B100000.0", link.GetAttribute("href"));
        var firstRow = cut.FindAll("#sources-grid tbody tr")[0].TextContent;
        Assert.Contains("0.10000", firstRow, StringComparison.Ordinal);    // RA, invariant
        Assert.Contains("296/12/3", firstRow, StringComparison.Ordinal);   // field/ccd/quad
        Assert.Contains("0.55", firstRow, StringComparison.Ordinal);       // period
        Assert.Contains("RRab", firstRow, StringComparison.Ordinal);
        Assert.Contains("70", firstRow, StringComparison.Ordinal);         // detections: 30 g + 40 r
    }

    [Fact]
    public async Task Quarantined_sources_are_counted_and_the_count_lists_them()
    {
        await using (var db = Catalog.Factory.CreateDbContext())
        {
            var id = db.Sources.Single(s => s.ObjId == Ew).Id;
            db.Features.Add(new ScopeWeb.Core.Catalog.SourceFeatures { SourceId = id, ComputedAtUtc = TestSources.Now, Error = "features: the period search failed" });
            await db.SaveChangesAsync();
        }

        var cut = RenderAt("sources");

        cut.WaitForAssertion(() => Assert.Equal("1 quarantined", cut.Find("#sources-quarantined").TextContent.Trim()));
        Assert.EndsWith("quarantined=true", cut.Find("#sources-quarantined").GetAttribute("href"), StringComparison.Ordinal);

        var listed = RenderAt("sources?quarantined=true");
        listed.WaitForAssertion(() => Assert.Equal([Ew], ShownIds(listed)));
        Assert.Equal("quarantined", listed.Find("#filter-quarantined").TextContent.Trim());
        Assert.Empty(listed.FindAll("#sources-quarantined"));
    }

    [Fact]
    public void Choosing_a_class_and_applying_puts_it_in_the_url_and_filters_the_rows()
    {
        var popovers = Render<MudPopoverProvider>();
        var cut = RenderAt("sources");
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#sources-total").TextContent));

        // Open the class select and pick "EW (1)" from its popover, as a user would.
        cut.Find("#filter-class").Closest(".mud-input-control")!.MouseDown();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-list-item"), i => i.TextContent.Contains("EW (1)", StringComparison.Ordinal)));
        Assert.Contains(popovers.FindAll(".mud-list-item"), i => i.TextContent.Contains("RRab (2)", StringComparison.Ordinal));
        popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains("EW (1)", StringComparison.Ordinal)).Click();
        cut.Find("#filter-apply").Click();

        cut.WaitForAssertion(() => Assert.Contains("class=EW", Nav.Uri, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Equal([Ew], ShownIds(cut)));
        Assert.Equal("1", cut.Find("#sources-total").TextContent);
    }

    [Fact]
    public void Url_filters_fill_the_inputs_and_filter_the_rows()
    {
        var cut = RenderAt("sources?class=RRab&minPeriod=0.6&field=296");

        cut.WaitForAssertion(() => Assert.Equal([RrabB], ShownIds(cut)));
        Assert.Equal("1", cut.Find("#sources-total").TextContent);
        Assert.Equal("RRab", cut.Find("#filter-class").GetAttribute("value"));
        Assert.Equal("0.6", cut.Find("#filter-min-period").GetAttribute("value"));
        Assert.Equal("296", cut.Find("#filter-field").GetAttribute("value"));
        Assert.Equal("", cut.Find("#filter-max-period").GetAttribute("value") ?? "");
    }

    [Fact]
    public void Typed_period_range_is_applied_through_the_url()
    {
        var cut = RenderAt("sources");
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#sources-total").TextContent));

        cut.Find("#filter-min-period").Change("0.5");
        cut.Find("#filter-max-period").Change("1");
        cut.Find("#filter-apply").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("sources?minPeriod=0.5&maxPeriod=1", Nav.Uri, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Equal([RrabA, RrabB], ShownIds(cut)));
    }

    [Fact]
    public void Cone_search_from_the_url_finds_only_nearby_sources()
    {
        // RrabA sits at (0.1, 10); 60" around (0.1, 10.01) reaches it (36"), nothing else is near.
        var cut = RenderAt("sources?ra=0.1&dec=10.01&radius=60");

        cut.WaitForAssertion(() => Assert.Equal([RrabA], ShownIds(cut)));
        Assert.Equal("60", cut.Find("#filter-radius").GetAttribute("value"));
    }

    [Fact]
    public void Annotated_switch_filters_and_the_annotation_count_is_shown()
    {
        var cut = RenderAt("sources");
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#sources-total").TextContent));

        cut.Find("#filter-annotated").Change(true);
        cut.Find("#filter-apply").Click();

        cut.WaitForAssertion(() => Assert.Contains("annotated=true", Nav.Uri, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Equal([Southern], ShownIds(cut)));
        var row = cut.FindAll("#sources-grid tbody tr")[0];
        Assert.Equal("2", row.QuerySelector("td[data-label='Annotations']")!.TextContent.Trim());
    }

    [Fact]
    public void A_tag_filter_adds_the_score_column()
    {
        var cut = RenderAt("sources?tag=ew&minScore=0.5");

        cut.WaitForAssertion(() => Assert.Equal([Ew], ShownIds(cut)));
        Assert.Contains("Score (ew)", cut.Find("#sources-grid thead").TextContent, StringComparison.Ordinal);
        Assert.Equal("0.930", cut.Find("#sources-grid tbody td[data-label='Score (ew)']").TextContent.Trim());
        Assert.Equal("ew", cut.Find("#filter-tag").GetAttribute("value"));
        Assert.Equal("0.5", cut.Find("#filter-min-score").GetAttribute("value"));
    }

    [Fact]
    public void Invalid_filters_in_the_url_show_the_problems_instead_of_failing()
    {
        var cut = RenderAt("sources?minScore=0.9&maxScore=0.2&ra=10");

        cut.WaitForAssertion(() => Assert.Contains("Minimum score is above maximum score.", cut.Find("#filter-problems").TextContent, StringComparison.Ordinal));
        Assert.Contains("A cone search needs ra, dec and radius.", cut.Find("#filter-problems").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("a.source-link"));
        Assert.Equal("0", cut.Find("#sources-total").TextContent);
    }

    [Fact]
    public void Invalid_typed_filters_are_reported_and_the_url_is_kept()
    {
        var cut = RenderAt("sources");
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#sources-total").TextContent));

        cut.Find("#filter-min-period").Change("2");
        cut.Find("#filter-max-period").Change("1");
        cut.Find("#filter-apply").Click();

        cut.WaitForAssertion(() => Assert.Contains("Minimum period is above maximum period.", cut.Find("#filter-problems").TextContent, StringComparison.Ordinal));
        Assert.EndsWith("/sources", Nav.Uri, StringComparison.Ordinal);
        Assert.Equal(4, ShownIds(cut).Count);
    }

    [Fact]
    public void Paging_in_the_grid_goes_into_the_url_and_back_restores_the_page()
    {
        var cut = RenderAt("sources?pageSize=2");
        cut.WaitForAssertion(() => Assert.Equal([RrabA, Ew], ShownIds(cut)));

        cut.Find("button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Equal([RrabB, Southern], ShownIds(cut)));
        Assert.EndsWith("sources?page=2&pageSize=2", Nav.Uri, StringComparison.Ordinal);

        // The browser's back button: the URL of page 1 again.
        Nav.NavigateTo("sources?pageSize=2");
        cut.WaitForAssertion(() => Assert.Equal([RrabA, Ew], ShownIds(cut)));
        Assert.Contains(cut.FindAll(".mud-table-pagination-caption"), c => c.TextContent.Contains("1-2 of 4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_page_past_the_end_falls_back_to_rows_that_exist()
    {
        var cut = RenderAt("sources?page=9&pageSize=2");

        cut.WaitForAssertion(() => Assert.NotEmpty(ShownIds(cut)));
        Assert.Equal("4", cut.Find("#sources-total").TextContent);
        Assert.DoesNotContain("page=9", Nav.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Sorting_in_the_grid_goes_into_the_url()
    {
        var cut = RenderAt("sources");
        cut.WaitForAssertion(() => Assert.Equal(4, ShownIds(cut).Count));

        var decHeader = cut.FindAll(".sortable-column-header").First(h => h.TextContent.StartsWith("Dec", StringComparison.Ordinal));
        decHeader.Click();

        cut.WaitForAssertion(() => Assert.EndsWith("sources?sort=dec", Nav.Uri, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Equal([Southern, RrabA, Ew, RrabB], ShownIds(cut)));
    }

    [Fact]
    public void Sort_and_page_from_a_bookmark_are_shown_without_rewriting_the_url()
    {
        var cut = RenderAt("sources?sort=ra&desc=true&page=2&pageSize=2");

        cut.WaitForAssertion(() => Assert.Equal([Ew, RrabA], ShownIds(cut)));
        Assert.EndsWith("sources?sort=ra&desc=true&page=2&pageSize=2", Nav.Uri, StringComparison.Ordinal);
        Assert.Contains("mud-direction-desc", cut.FindAll(".column-header").First(h => h.TextContent.StartsWith("RA", StringComparison.Ordinal)).InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_clears_the_filters_but_keeps_the_sort()
    {
        var cut = RenderAt("sources?class=RRab&sort=ra&desc=true");
        cut.WaitForAssertion(() => Assert.Equal([RrabB, RrabA], ShownIds(cut)));

        cut.Find("#filter-reset").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("sources?sort=ra&desc=true", Nav.Uri, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Equal([Southern, RrabB, Ew, RrabA], ShownIds(cut)));
        Assert.Equal("", cut.Find("#filter-class").GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task Rows_added_after_the_first_load_appear_when_filters_are_applied_again()
    {
        var cut = RenderAt("sources");
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#sources-total").TextContent));

        await Catalog.AddAsync(TestSources.Periodic("ZTFJ230000.00+050000.0", 345, 5, "EW", 0.3));
        cut.Find("#filter-apply").Click();   // same URL: the grid reloads in place

        cut.WaitForAssertion(() => Assert.Equal("5", cut.Find("#sources-total").TextContent));
    }
}
