using System.CommandLine;
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
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The import fixtures live in the Core test project: tests/ScopeWeb.Core.Tests/Fixtures/Import.</summary>
    public static string Fixture(string name) => RepositoryPaths.CoreFixture("Import", name);

    public static string? SharedData(string relativePath) => RepositoryPaths.SharedData(relativePath);

    public void Dispose() => _dir.Delete(recursive: true);
}
