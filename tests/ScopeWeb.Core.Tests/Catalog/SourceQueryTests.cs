using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.Catalog;

public class SourceQueryTests
{
    [Fact]
    public void Parse_reads_every_filter_from_the_url()
    {
        var q = SourceQuery.Parse("?id=ZTFJ18&class=RRab&tag=rrlyr&algorithm=DNN&minScore=0.7&maxScore=1&minPeriod=0.4&maxPeriod=0.9"
            + "&field=301&ra=278.5&dec=-12.5&radius=30&annotated=true&sort=period&desc=true&page=3&pageSize=50");

        Assert.Equal("ZTFJ18", q.ObjId);
        Assert.Equal("RRab", q.KnownClass);
        Assert.Equal("rrlyr", q.Tag);
        Assert.Equal("dnn", q.Algorithm);
        Assert.Equal(0.7, q.MinScore);
        Assert.Equal(1.0, q.MaxScore);
        Assert.Equal(0.4, q.MinPeriodDays);
        Assert.Equal(0.9, q.MaxPeriodDays);
        Assert.Equal(301, q.Field);
        Assert.Equal(278.5, q.RaDeg);
        Assert.Equal(-12.5, q.DecDeg);
        Assert.Equal(30, q.RadiusArcsec);
        Assert.True(q.HasAnnotation);
        Assert.Equal(SourceSort.Period, q.SortBy);
        Assert.True(q.Descending);
        Assert.Equal(2, q.Page);
        Assert.Equal(50, q.PageSize);
        Assert.Empty(q.Validate());
    }

    [Fact]
    public void ToQueryString_round_trips_and_escapes_plus_signs_in_ids()
    {
        var q = new SourceQuery { ObjId = "ZTFJ010203.45+101112.3", KnownClass = "SN Ia", MinPeriodDays = 0.1, Page = 4, SortBy = SourceSort.Ra };
        var text = q.ToQueryString();

        Assert.Contains("%2B", text, StringComparison.Ordinal);
        Assert.Equal(q, SourceQuery.Parse(text));
    }

    [Fact]
    public void Default_query_has_an_empty_query_string()
    {
        Assert.Equal("", new SourceQuery().ToQueryString());
    }

    [Fact]
    public void Garbage_values_are_dropped_not_thrown()
    {
        var q = SourceQuery.Parse("minPeriod=abc&field=x&sort=nonsense&page=-4&pageSize=100000&annotated=maybe");
        Assert.Null(q.MinPeriodDays);
        Assert.Null(q.Field);
        Assert.Equal(SourceSort.ObjId, q.SortBy);
        Assert.Equal(0, q.Page);
        Assert.Equal(SourceQuery.MaxPageSize, q.PageSize);
        Assert.Null(q.HasAnnotation);
    }

    [Fact]
    public void Validate_names_each_problem()
    {
        var q = new SourceQuery { MinScore = 0.9, MaxScore = 0.2, MinPeriodDays = 5, MaxPeriodDays = 1, RaDeg = 10 };
        var problems = q.Validate();
        Assert.Contains(problems, p => p.Contains("score", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problems, p => p.Contains("period", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problems, p => p.Contains("cone", StringComparison.OrdinalIgnoreCase));
    }
}
