using ScopeWeb.Core.Catalog;
using ScopeWeb.Web.Sources;

namespace ScopeWeb.Web.Tests.Sources;

public class SourceListStateTests
{
    [Fact]
    public void Source_links_escape_the_plus_of_ZTF_names()
    {
        Assert.Equal("sources/ZTFJ010203.45%2B123456.7", SourceListState.SourceUrl("ZTFJ010203.45+123456.7"));
        Assert.Equal("sources/a%20b%2Fc", SourceListState.SourceUrl("a b/c"));
    }

    [Fact]
    public void List_url_holds_only_what_differs_from_the_defaults()
    {
        Assert.Equal("sources", SourceListState.ListUrl(new SourceQuery()));
        Assert.Equal("sources?class=RRab&page=3", SourceListState.ListUrl(new SourceQuery { KnownClass = "RRab", Page = 2 }));
    }

    [Fact]
    public void Query_round_trips_through_the_url()
    {
        var query = new SourceQuery
        {
            ObjId = "ZTFJ01+",
            KnownClass = "EW",
            MinPeriodDays = 0.25,
            RaDeg = 10.5,
            DecDeg = -5.25,
            RadiusArcsec = 30,
            HasAnnotation = true,
            Tag = "vnv",
            MinScore = 0.7,
            SortBy = SourceSort.Period,
            Descending = true,
            Page = 4,
            PageSize = 50,
        };

        var back = SourceListState.QueryFromUri("http://localhost/" + SourceListState.ListUrl(query));

        Assert.Equal(query, back);
    }

    [Theory]
    [InlineData("sources", true)]
    [InlineData("sources?class=EW", true)]
    [InlineData("sources/", true)]
    [InlineData("sources/ZTFJ01%2B02", false)]
    [InlineData("import", false)]
    public void List_path_is_recognised(string path, bool isList)
    {
        Assert.Equal(isList, SourceListState.IsListPath(path));
    }

    [Theory]
    [InlineData(SourceSort.ObjId)]
    [InlineData(SourceSort.Ra)]
    [InlineData(SourceSort.Dec)]
    [InlineData(SourceSort.Period)]
    [InlineData(SourceSort.Field)]
    [InlineData(SourceSort.Detections)]
    [InlineData(SourceSort.KnownClass)]
    [InlineData(SourceSort.Score)]
    public void Every_sort_has_a_grid_column_and_back(SourceSort sort)
    {
        Assert.Equal(sort, SourceListState.SortFor(SourceListState.ColumnFor(sort)));
    }

    [Fact]
    public void Grid_state_replaces_page_size_and_sort_but_keeps_filters()
    {
        var query = new SourceQuery { KnownClass = "RRab", MinPeriodDays = 0.4 };

        var next = SourceListState.WithGridState(query, page: 2, pageSize: 50, sortColumn: nameof(SourceRow.RaDeg), descending: true);

        Assert.Equal(query with { Page = 2, PageSize = 50, SortBy = SourceSort.Ra, Descending = true }, next);
    }

    [Fact]
    public void No_grid_sort_means_the_default_order()
    {
        var query = new SourceQuery { SortBy = SourceSort.Period, Descending = true };

        var next = SourceListState.WithGridState(query, 0, 25, sortColumn: null, descending: false);

        Assert.Equal(SourceSort.ObjId, next.SortBy);
        Assert.False(next.Descending);
        Assert.Equal("sources", SourceListState.ListUrl(next));
    }

    [Fact]
    public void An_unsortable_column_keeps_the_current_sort()
    {
        var query = new SourceQuery { SortBy = SourceSort.Dec };

        Assert.Equal(SourceSort.Dec, SourceListState.WithGridState(query, 0, 25, nameof(SourceRow.AnnotationCount), true).SortBy);
    }

    [Theory]
    [InlineData(0, 25, 0)]
    [InlineData(1, 25, 1)]
    [InlineData(25, 25, 1)]
    [InlineData(26, 25, 2)]
    [InlineData(1_000_000, 25, 40_000)]
    [InlineData(int.MaxValue, 500, 4_294_968)]
    public void Page_count_rounds_up(int total, int pageSize, int pages)
    {
        Assert.Equal(pages, SourceListState.PageCount(total, pageSize));
    }

    [Theory]
    [InlineData(0, 100, 25, 0)]
    [InlineData(3, 100, 25, 3)]
    [InlineData(4, 100, 25, 3)]   // past the end: last page
    [InlineData(9, 0, 25, 0)]
    [InlineData(-1, 100, 25, 0)]
    public void Page_past_the_end_falls_back_to_the_last(int page, int total, int pageSize, int shown)
    {
        Assert.Equal(shown, SourceListState.ClampPage(page, total, pageSize));
    }

    [Theory]
    [InlineData(0, 25, 0, "0 of 0")]
    [InlineData(0, 25, 10, "1–10 of 10")]
    [InlineData(1, 25, 1234, "26–50 of 1,234")]
    [InlineData(49, 25, 1234, "1,226–1,234 of 1,234")]
    public void Range_text_is_one_based_with_invariant_digits(int page, int pageSize, int total, string text)
    {
        Assert.Equal(text, SourceListState.RangeText(page, pageSize, total));
    }
}
