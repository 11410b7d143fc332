using System.CommandLine;
using System.Runtime.CompilerServices;
using ScopeWeb.Cli.Bench;
using ScopeWeb.Cli.Import;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Cli.Tests.Import;

/// <summary>Runs <c>scope</c> commands in-process against a throwaway SQLite catalog file.</summary>
internal sealed class CliImportRun : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scopeweb-cli-import-");

    public string Connection => $"Data Source={Path.Combine(_dir.FullName, "catalog.db")};Pooling=False";

    public CatalogDbFactory Factory => new(DatabaseProvider.Sqlite, Connection);

    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("scope (test)");
        CliHost.AddGlobalOptions(root);
        root.Subcommands.Add(ImportLightCurvesCommand.Create());
        var bench = new Command("bench", "Benchmarks.");
        bench.Subcommands.Add(ImportBench.Create());
        root.Subcommands.Add(bench);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The import fixtures live in the Core test project: tests/ScopeWeb.Core.Tests/Fixtures/Import.</summary>
    public static string Fixture(string name) =>
        Path.Combine(RepositoryRoot() ?? throw new InvalidOperationException("ScopeWeb.sln not found above the tests."), "tests", "ScopeWeb.Core.Tests", "Fixtures", "Import", name);

    public static string? SharedData(string relativePath)
    {
        var root = RepositoryRoot();
        var path = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", relativePath));
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>Above the test binaries for an in-tree build, else above this source file (builds with --artifacts-path).</summary>
    private static string? RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ScopeWeb.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
