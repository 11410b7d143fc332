using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Disagreements;
using ScopeWeb.Core.Groups;

namespace ScopeWeb.Core.Tests.Disagreements;

public class DisagreementFinderTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    /// <summary>(dnn, xgb) score pairs of tag "vnv" for sources 0..n, and a few of "rrlyr".</summary>
    private static readonly (double Dnn, double Xgb)[] Vnv =
    [
        (0.95, 0.05), // DNN only
        (0.70, 0.30), // DNN only, exactly at both thresholds
        (0.10, 0.90), // XGB only
        (0.90, 0.90), // both members
        (0.10, 0.20), // neither
        (0.80, 0.50), // DNN member, XGB undecided: not a strong disagreement, not agreement on membership
        (0.69, 0.31), // neither member; inside the thresholds
        (0.20, 0.75), // XGB only... 0.20 ≤ 0.3: yes
    ];

    private static async Task<(TestCatalog Catalog, List<long> Ids, List<string> ObjIds)> SeedAsync(DatabaseProvider provider)
    {
        var c = await TestCatalog.CreateAsync(provider);
        var sources = Enumerable.Range(0, Vnv.Length).Select(i => SourceBuilder.Make(10 + i, 5, "RRab", points: 5)).ToList();
        await c.Writer.WriteAsync(sources, ExistingSourcePolicy.Reject, atomic: true);
        await using var db = c.Factory.CreateDbContext();
        var byObj = await db.Sources.ToDictionaryAsync(s => s.ObjId, s => s.Id);
        var ids = sources.Select(s => byObj[s.ObjId]).ToList();
        for (var i = 0; i < Vnv.Length; i++)
        {
            Add(db, ids[i], "vnv", "dnn", Vnv[i].Dnn);
            Add(db, ids[i], "vnv", "xgb", Vnv[i].Xgb);
        }

        // rrlyr: one pair, and one source scored by the DNN only (not comparable, so not counted).
        Add(db, ids[0], "rrlyr", "dnn", 0.9);
        Add(db, ids[0], "rrlyr", "xgb", 0.1);
        Add(db, ids[1], "rrlyr", "dnn", 0.9);
        await db.SaveChangesAsync();
        return (c, ids, sources.Select(s => s.ObjId).ToList());
    }

    private static void Add(CatalogDb db, long sourceId, string tag, string algorithm, double score) => db.Classifications.Add(new Classification
    {
        SourceId = sourceId,
        Tag = tag,
        Algorithm = algorithm,
        Score = score,
        ModelVersion = "v1",
        CreatedAtUtc = DateTime.UtcNow,
    });

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Counts_each_kind_of_disagreement_and_the_agreement_per_tag(DatabaseProvider provider)
    {
        var (c, _, _) = await SeedAsync(provider);
        await using var _c = c;
        var finder = new DisagreementFinder(c.Factory);

        var summaries = await finder.SummariseAsync(new DisagreementCriteria());

        Assert.Equal(["rrlyr", "vnv"], summaries.Select(s => s.Tag));
        var vnv = summaries[1];
        Assert.Equal(8, vnv.Scored);
        Assert.Equal(2, vnv.DnnOnly);
        Assert.Equal(2, vnv.XgbOnly);
        Assert.Equal(1, vnv.BothMembers);
        // Agreeing on membership: (0.9, 0.9), (0.1, 0.2), (0.69, 0.31).
        Assert.Equal(3, vnv.Agreeing);
        Assert.Equal(3.0 / 8, vnv.AgreementFraction, 12);
        var rrlyr = summaries[0];
        Assert.Equal((1, 1, 0), (rrlyr.Scored, rrlyr.DnnOnly, rrlyr.XgbOnly));

        // Stricter thresholds leave only the clearest cases.
        var strict = (await finder.SummariseAsync(new DisagreementCriteria { High = 0.9, Low = 0.1 })).Single(s => s.Tag == "vnv");
        Assert.Equal((1, 1), (strict.DnnOnly, strict.XgbOnly));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Lists_a_tags_disagreements_largest_difference_first_without_the_training_set(DatabaseProvider provider)
    {
        var (c, ids, objIds) = await SeedAsync(provider);
        await using var _c = c;
        var finder = new DisagreementFinder(c.Factory);

        var all = await finder.FindAsync("vnv", new DisagreementCriteria());
        Assert.Equal([objIds[0], objIds[2], objIds[7], objIds[1]], all.Select(d => d.ObjId));
        Assert.Equal(
            [DisagreementKind.DnnOnly, DisagreementKind.XgbOnly, DisagreementKind.XgbOnly, DisagreementKind.DnnOnly],
            all.Select(d => d.Kind));
        Assert.Equal(0.95, all[0].DnnScore, 12);
        Assert.Equal("RRab", all[0].KnownClass);

        // Sources the models were trained on are left out unless asked for.
        await new SourceGroups(c.Factory, TimeProvider.System).SaveAsync(SourceGroups.TrainingSetName, [ids[0], ids[3]]);
        Assert.Equal(2, await finder.TrainingSetSizeAsync());
        var withoutTraining = await finder.FindAsync("vnv", new DisagreementCriteria());
        Assert.DoesNotContain(objIds[0], withoutTraining.Select(d => d.ObjId));
        Assert.Equal(3, withoutTraining.Count);
        var summary = (await finder.SummariseAsync(new DisagreementCriteria())).Single(s => s.Tag == "vnv");
        Assert.Equal(6, summary.Scored);
        var included = await finder.FindAsync("vnv", new DisagreementCriteria { ExcludeTrainingSet = false });
        Assert.Equal(4, included.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task The_scatter_samples_a_large_tag_but_keeps_every_disagreement(DatabaseProvider provider)
    {
        var (c, _, objIds) = await SeedAsync(provider);
        await using var _c = c;
        var finder = new DisagreementFinder(c.Factory);

        var full = await finder.ScatterAsync("vnv", new DisagreementCriteria());
        Assert.False(full.Sampled);
        Assert.Equal(8, full.Points.Count);

        var sampled = await finder.ScatterAsync("vnv", new DisagreementCriteria(), maxPoints: 3);
        Assert.True(sampled.Sampled);
        Assert.Equal(8, sampled.TotalPairs);
        Assert.True(sampled.Points.Count < 8);
        foreach (var i in new[] { 0, 1, 2, 7 })
        {
            Assert.Contains(objIds[i], sampled.Points.Select(p => p.ObjId));
        }
    }

    [Fact]
    public void Thresholds_must_be_probabilities_with_low_below_high()
    {
        Assert.Empty(new DisagreementCriteria().Validate());
        Assert.Contains("below the high one", Assert.Single(new DisagreementCriteria { High = 0.4, Low = 0.6 }.Validate()), StringComparison.Ordinal);
        Assert.Contains("[0, 1]", Assert.Single(new DisagreementCriteria { High = 1.5 }.Validate()), StringComparison.Ordinal);
        Assert.Single(new DisagreementCriteria { Low = double.NaN }.Validate());
    }
}
