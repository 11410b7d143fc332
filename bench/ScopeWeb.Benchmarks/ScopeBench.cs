using System.CommandLine;

namespace ScopeWeb.Cli.Bench;

/// <summary><c>scope bench …</c>: the measurements behind docs/benchmarks.md. Benchmarks, not tests.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure ScopeWeb's speed targets (results for docs/benchmarks.md).");
        bench.Subcommands.Add(CatalogQueryBench.Create());
        bench.Subcommands.Add(DnnEpochBench.Create());
        bench.Subcommands.Add(GbdtTrainBench.Create());
        bench.Subcommands.Add(ImportBench.Create());
        bench.Subcommands.Add(InferenceBench.Create());
        bench.Subcommands.Add(LinearAccuracyBench.Create());
        bench.Subcommands.Add(PeriodSearchBench.Create());
        return bench;
    }
}
