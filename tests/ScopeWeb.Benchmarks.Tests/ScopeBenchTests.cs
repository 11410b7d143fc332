using System.Globalization;
using static ScopeWeb.Benchmarks.Tests.ScopeBenchRun;

namespace ScopeWeb.Benchmarks.Tests;

public class ScopeBenchTests
{
    [Fact]
    public void Every_benchmark_of_docs_benchmarks_is_a_verb_and_every_option_is_described()
    {
        var root = ScopeBench.Create();

        Assert.Equal(
            ["catalog-query", "dnn-epoch", "gbdt-train", "import", "inference", "linear-accuracy", "period-search", "source-draw"],
            root.Subcommands.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(root.Subcommands.SelectMany(c => c.Options.Select(o => (Verb: c.Name, Option: o))),
            o => Assert.False(string.IsNullOrWhiteSpace(o.Option.Description), $"{o.Verb} {o.Option.Name} has no description"));
    }

    [Fact]
    public async Task The_import_bench_prints_a_markdown_row_for_the_benchmarks_page()
    {
        var (exit, output, error) = await RunAsync("import", "--input", RepositoryPaths.CoreFixture("Import", "sdss_sentinels.csv"), "--repeat", "1");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("| date | benchmark | input | points | sources | parse-only points/s |", lines[0], StringComparison.Ordinal);
        var cells = lines[2].Split('|', StringSplitOptions.TrimEntries);
        Assert.Equal("scope-bench import", cells[2]);
        Assert.Equal("sdss_sentinels.csv", cells[3]);
        Assert.Equal("10", cells[4]);
        Assert.Equal("2", cells[5]);
        Assert.All(cells[6..9], rate => Assert.True(double.Parse(rate.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) > 0));
        Assert.Contains("run 1/1", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("import", "--input")]
    [InlineData("linear-accuracy", "--data")]
    [InlineData("inference", "--models")]
    public async Task A_missing_input_ends_in_one_line_naming_the_path_and_exit_code_2(string verb, string option)
    {
        var missing = Path.Combine(Path.GetTempPath(), "scopeweb-bench-missing-" + Guid.NewGuid().ToString("N"));

        var (exit, output, error) = await RunAsync(verb, option, missing);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + missing, line, StringComparison.Ordinal);
    }
}
