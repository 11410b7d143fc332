using System.CommandLine;
using ScopeWeb.Benchmarks.Catalog;
using ScopeWeb.Benchmarks.Classifiers;
using ScopeWeb.Benchmarks.Features;
using ScopeWeb.Benchmarks.SourcePage;
using ScopeWeb.Benchmarks.Training;

namespace ScopeWeb.Benchmarks;

/// <summary><c>scope-bench</c>: one verb per benchmark of docs/benchmarks.md. Benchmarks, not tests.</summary>
public static class ScopeBench
{
    public static RootCommand Create()
    {
        var root = new RootCommand("scope-bench: measure ScopeWeb's speed and accuracy targets (results for docs/benchmarks.md).");
        root.Subcommands.Add(CatalogQueryBench.Create());
        root.Subcommands.Add(DnnEpochBench.Create());
        root.Subcommands.Add(GbdtTrainBench.Create());
        root.Subcommands.Add(ImportBench.Create());
        root.Subcommands.Add(InferenceBench.Create());
        root.Subcommands.Add(LinearAccuracyBench.Create());
        root.Subcommands.Add(PeriodSearchBench.Create());
        root.Subcommands.Add(SourceDrawBench.Create());
        return root;
    }
}
