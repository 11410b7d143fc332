using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Cli.Tests.Hardening;

/// <summary>
/// Issue [6/12] cases 4 and 5 with real processes: a process killed while migrating never makes later commands hang, and
/// two <c>scope update-catalog</c> processes on one catalog (SQLite file or PostgreSQL) finish with every source computed once.
/// </summary>
[Collection(nameof(CatalogProcessesTests))]
public partial class CatalogProcessesTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static string ModelsFolder => Path.Combine(RepositoryPaths.Root()!, "models");

    private static string[] CatalogArgs(TestCatalog c) =>
        c.SqlitePath is { } path
            ? ["--provider", "Sqlite", "--connection", $"Data Source={path}"]
            : ["--provider", "Postgres", "--connection", c.Factory.ConnectionString];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Two_update_catalog_processes_on_one_catalog_compute_each_source_once(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        const int sources = 160;
        await c.Writer.WriteAsync([.. new LightCurveSimulator().Generate(sources, 21)], ExistingSourcePolicy.Reject, atomic: true);
        using var folder = new ScratchFolder();

        using var first = ScopeProcess.Start(folder.Path, ["update-catalog", "--models", ModelsFolder, .. CatalogArgs(c)]);
        using var second = ScopeProcess.Start(folder.Path, ["update-catalog", "--models", ModelsFolder, .. CatalogArgs(c)]);
        var exits = await Task.WhenAll(first.ExitCodeAsync(TimeSpan.FromMinutes(4)), second.ExitCodeAsync(TimeSpan.FromMinutes(4)));

        var both = $"first:\n{first.Output}{first.Error}\nsecond:\n{second.Output}{second.Error}";
        Assert.True(exits.All(e => e == 0), both);
        Assert.DoesNotContain("UNIQUE", both, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", both, StringComparison.Ordinal);
        // Each source's features were computed by exactly one of the two processes.
        Assert.Equal(sources, Computed(first.Output, "features") + Computed(second.Output, "features"));

        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(sources, await db.Features.CountAsync());
        var scorable = await db.Features.CountAsync(f => f.ValuesJson != "{}" && f.Error == null);
        Assert.Equal(scorable, Computed(first.Output, "scores") + Computed(second.Output, "scores"));
        // 16 shipped models (8 tags × DNN and XGB), one row each per scorable source, none twice (the unique index holds).
        Assert.Equal(scorable * 16, await db.Classifications.CountAsync());
        Assert.Equal(0, await db.JobLeases.CountAsync());
    }

    [Fact]
    public async Task A_migration_lock_left_by_a_killed_process_is_cleared_and_the_next_command_runs()
    {
        using var folder = new ScratchFolder();
        var data = Path.Combine(folder.Path, "data");
        Assert.Equal(0, await ScopeProcess.Start(folder.Path, "simulate", "--count", "3", "--data-dir", data).ExitCodeAsync(TimeSpan.FromMinutes(1)));
        // What a process killed inside EF's migration leaves: its row in the lock table (kill timing below makes this likely
        // but not certain, so the row is also planted here, exactly as EF writes it).
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "scopeweb.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-12-07 12:00:00.0000000+00:00')";
            await command.ExecuteNonQueryAsync();
        }

        using var next = ScopeProcess.Start(folder.Path, "simulate", "--count", "1", "--append", "--data-dir", data);
        Assert.Equal(0, await next.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Cleared a migration lock", next.Output + next.Error, StringComparison.Ordinal);
        Assert.Contains("it now holds 4", next.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Processes_killed_with_minus_9_at_any_moment_never_make_the_next_command_hang()
    {
        using var folder = new ScratchFolder();
        var data = Path.Combine(folder.Path, "data");
        foreach (var after in new[] { 300, 700, 1300, 2000 })
        {
            using var victim = ScopeProcess.Start(folder.Path, "simulate", "--count", "400", "--append", "--data-dir", data);
            await Task.Delay(after);
            victim.Kill();
            await victim.WaitForExitAsync();
        }

        using var next = ScopeProcess.Start(folder.Path, "simulate", "--count", "2", "--append", "--data-dir", data);
        Assert.Equal(0, await next.ExitCodeAsync(TimeSpan.FromSeconds(90)));
        Assert.Matches(HoldsPattern(), next.Output);
    }

    private static int Computed(string output, string job)
    {
        var match = Regex.Match(output, $@"^{job}: ([\d,]+) sources", RegexOptions.Multiline);
        Assert.True(match.Success, output);
        return int.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"it now holds ([\d,]+)")]
    private static partial Regex HoldsPattern();
}
