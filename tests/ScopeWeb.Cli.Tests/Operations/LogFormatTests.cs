using System.Text.Json;
using Microsoft.Data.Sqlite;
using ScopeWeb.Cli.Tests.Hardening;

namespace ScopeWeb.Cli.Tests.Operations;

/// <summary>
/// Issue [7/12]: <c>scope --log-format json</c> writes its log lines as JSON objects, one a line, on stderr, and keeps
/// stdout for the command's own output; the default stays the simple format.
/// </summary>
public class LogFormatTests
{
    [Fact]
    public async Task Json_log_lines_go_to_stderr_and_the_command_output_stays_on_stdout()
    {
        using var folder = new ScratchFolder();
        var data = Path.Combine(folder.Path, "data");
        Assert.Equal(0, await ScopeProcess.Start(folder.Path, "simulate", "--count", "2", "--data-dir", data).ExitCodeAsync(TimeSpan.FromMinutes(1)));
        // A warning to log: the migration lock row a process killed while migrating leaves (as CatalogProcessesTests plants it).
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "scopeweb.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-12-07 12:00:00.0000000+00:00')";
            await command.ExecuteNonQueryAsync();
        }

        using var run = ScopeProcess.Start(folder.Path, "simulate", "--count", "1", "--append", "--data-dir", data, "--log-format", "json");
        Assert.Equal(0, await run.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        Assert.Contains("it now holds 3", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("{", run.Output, StringComparison.Ordinal);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var warning = Assert.Single(lines, l => l.GetProperty("Message").GetString()!.StartsWith("Cleared a migration lock", StringComparison.Ordinal));
        Assert.Equal("Warning", warning.GetProperty("LogLevel").GetString());
        Assert.Equal("ScopeWeb.Core.Catalog.CatalogMigrator", warning.GetProperty("Category").GetString());
    }

    [Fact]
    public async Task An_unknown_log_format_is_refused()
    {
        using var folder = new ScratchFolder();
        using var run = ScopeProcess.Start(folder.Path, "simulate", "--count", "1", "--data-dir", Path.Combine(folder.Path, "data"), "--log-format", "xml");
        Assert.NotEqual(0, await run.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("xml", run.Error, StringComparison.Ordinal);
    }
}
