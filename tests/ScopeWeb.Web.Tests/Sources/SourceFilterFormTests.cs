using ScopeWeb.Core.Catalog;
using ScopeWeb.Web.Sources;

namespace ScopeWeb.Web.Tests.Sources;

public class SourceFilterFormTests
{
    [Fact]
    public void Form_shows_the_filters_of_the_url_and_applies_them_back()
    {
        var query = SourceQuery.Parse("?id=ZTFJ01&class=RRab&minPeriod=0.4&maxPeriod=0.9&field=296&ra=10&dec=20&radius=5&annotated=true&tag=rrlyr&minScore=0.5&maxScore=1");

        var form = SourceFilterForm.From(query);

        Assert.Equal("ZTFJ01", form.ObjId);
        Assert.Equal("RRab", form.KnownClass);
        Assert.Equal(0.4, form.MinPeriodDays);
        Assert.Equal(0.9, form.MaxPeriodDays);
        Assert.Equal(296, form.Field);
        Assert.Equal((10.0, 20.0, 5.0), (form.RaDeg, form.DecDeg, form.RadiusArcsec));
        Assert.True(form.AnnotatedOnly);
        Assert.Equal("rrlyr", form.Tag);
        Assert.Equal((0.5, 1.0), (form.MinScore, form.MaxScore));
        Assert.Equal(query, form.ApplyTo(query));
    }

    [Fact]
    public void Applying_goes_back_to_the_first_page_and_keeps_sort_page_size_and_algorithm()
    {
        var current = new SourceQuery { Page = 7, PageSize = 50, SortBy = SourceSort.Period, Descending = true, Algorithm = "dnn" };
        var form = new SourceFilterForm { KnownClass = "EW" };

        var next = form.ApplyTo(current);

        Assert.Equal(new SourceQuery { KnownClass = "EW", PageSize = 50, SortBy = SourceSort.Period, Descending = true, Algorithm = "dnn" }, next);
    }

    [Fact]
    public void Blank_text_is_no_filter_and_text_is_trimmed()
    {
        var form = new SourceFilterForm { ObjId = "  ", KnownClass = " EW ", Tag = "" };

        var next = form.ApplyTo(new SourceQuery());

        Assert.Null(next.ObjId);
        Assert.Equal("EW", next.KnownClass);
        Assert.Null(next.Tag);
    }

    [Fact]
    public void Annotated_switch_turns_the_filter_on_and_off_but_not_to_not_annotated()
    {
        var form = SourceFilterForm.From(SourceQuery.Parse("annotated=false"));
        Assert.False(form.AnnotatedOnly);
        Assert.False(form.HasAnnotation);

        form.AnnotatedOnly = true;
        Assert.True(form.HasAnnotation);

        form.AnnotatedOnly = false;
        Assert.Null(form.HasAnnotation);
    }

    [Fact]
    public void Clearing_keeps_only_sort_and_page_size()
    {
        var current = SourceQuery.Parse("class=EW&sort=ra&desc=true&pageSize=50&page=3");

        Assert.Equal("sort=ra&desc=true&pageSize=50", SourceFilterForm.Cleared(current).ToQueryString());
    }
}
