using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Groups;

namespace ScopeWeb.Core.Tests.Groups;

public class SourceGroupsTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static async Task<(TestCatalog Catalog, List<long> Ids)> SeedAsync(DatabaseProvider provider, int count)
    {
        var c = await TestCatalog.CreateAsync(provider);
        var sources = Enumerable.Range(0, count).Select(i => SourceBuilder.Make(20 + i, -10, "EW", points: 5)).ToList();
        await c.Writer.WriteAsync(sources, ExistingSourcePolicy.Reject, atomic: true);
        await using var db = c.Factory.CreateDbContext();
        return (c, await db.Sources.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Saving_is_idempotent_and_the_source_list_filters_by_group(DatabaseProvider provider)
    {
        var (c, ids) = await SeedAsync(provider, 5);
        await using var _c = c;
        var groups = new SourceGroups(c.Factory, TimeProvider.System);

        var first = await groups.SaveAsync("  ew-candidates ", [ids[0], ids[1], ids[1]]);
        Assert.Equal(("ew-candidates", 2, 0, 2), (first.Group.Name, first.Added, first.AlreadyMembers, first.Group.MemberCount));

        // Saving again (a retried click, an overlapping selection) adds only what is new.
        var second = await groups.SaveAsync("ew-candidates", [ids[1], ids[2]]);
        Assert.Equal((1, 1, 3), (second.Added, second.AlreadyMembers, second.Group.MemberCount));

        var list = await groups.ListAsync();
        Assert.Equal(3, Assert.Single(list).MemberCount);

        var page = await c.Catalog.SearchAsync(new SourceQuery { Group = "ew-candidates" });
        Assert.Equal(3, page.TotalCount);
        Assert.Equal(ids.Take(3).Order(), page.Rows.Select(r => r.Id).Order());
        Assert.Equal(0, (await c.Catalog.SearchAsync(new SourceQuery { Group = "no-such-group" })).TotalCount);

        Assert.Equal(1, await groups.RemoveAsync("ew-candidates", [ids[0], ids[4]]));
        Assert.Equal(2, (await groups.ListAsync())[0].MemberCount);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task An_unknown_source_saves_nothing_and_says_which(DatabaseProvider provider)
    {
        var (c, ids) = await SeedAsync(provider, 2);
        await using var _c = c;
        var groups = new SourceGroups(c.Factory, TimeProvider.System);

        var error = await Assert.ThrowsAsync<GroupSaveException>(() => groups.SaveAsync("new-group", [ids[0], 999_999]));

        Assert.Contains("999999", error.Message, StringComparison.Ordinal);
        Assert.Empty(await groups.ListAsync());
        await Assert.ThrowsAsync<GroupSaveException>(() => groups.SaveAsync("   ", [ids[0]]));
        await Assert.ThrowsAsync<GroupSaveException>(() => groups.SaveAsync(new string('x', 129), [ids[0]]));
    }

    [Fact]
    public void The_group_filter_round_trips_through_the_url()
    {
        var query = new SourceQuery { Group = "disagreements-vnv", Tag = "vnv" };
        Assert.Equal("tag=vnv&group=disagreements-vnv", query.ToQueryString());
        Assert.Equal(query, SourceQuery.Parse("?" + query.ToQueryString()));
    }
}
