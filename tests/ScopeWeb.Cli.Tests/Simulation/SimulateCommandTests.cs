using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Cli.Simulation;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Cli.Tests.Simulation;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"scope-simulate-{Guid.NewGuid():N}.db");

    private string Connection => $"Data Source={_dbPath}";

    [Fact]
    public async Task Simulate_IntoAnEmptyCatalog_WritesTheSourcesWithLightCurves()
    {
        var run = await RunAsync("simulate", "--count", "200", "--seed", "5", "--connection", Connection);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Simulated 200 sources", run.Output, StringComparison.Ordinal);
        Assert.Contains("sources/s", run.Error, StringComparison.Ordinal);

        await using var db = OpenCatalog();
        var sources = await db.Sources.Include(s => s.LightCurves).AsNoTracking().ToListAsync();
        Assert.Equal(200, sources.Count);
        Assert.All(sources, s =>
        {
            Assert.Equal(LightCurveSimulator.Origin, s.Origin);
            Assert.Contains(s.KnownClass, SimulatedClass.All);
            Assert.Contains(s.LightCurves, l => l.Band == "g");
            Assert.Contains(s.LightCurves, l => l.Band == "r");
            Assert.True(s.DetectionCount > 0);
            Assert.Equal(SimulatedClass.IsPeriodic(s.KnownClass!), s.PeriodDays is not null);
        });
        Assert.Equal(SimulatedClass.All.Count, sources.Select(s => s.KnownClass).Distinct().Count());

        // The stored light curves decode to what the simulator made for the same seed.
        var expected = new LightCurveSimulator().Generate(200, 5).First();
        var stored = sources.Single(s => s.ObjId == expected.ObjId);
        Assert.Equal(expected.LightCurves.Single(l => l.Band == "r").Data, stored.LightCurves.Single(l => l.Band == "r").Data);
    }

    [Fact]
    public async Task Simulate_IntoANonEmptyCatalogWithoutAppend_FailsAndLeavesItAlone()
    {
        Assert.Equal(0, (await RunAsync("simulate", "--count", "200", "--connection", Connection)).ExitCode);

        var second = await RunAsync("simulate", "--count", "200", "--connection", Connection);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already holds 200 sources", second.Error, StringComparison.Ordinal);
        Assert.Contains("--append", second.Error, StringComparison.Ordinal);
        await using var db = OpenCatalog();
        Assert.Equal(200, await db.Sources.CountAsync());
    }

    [Fact]
    public async Task Simulate_WithAppend_AddsNewSourcesWithTheSameSeed()
    {
        Assert.Equal(0, (await RunAsync("simulate", "--count", "120", "--seed", "8", "--connection", Connection)).ExitCode);

        var append = await RunAsync("simulate", "--count", "80", "--seed", "8", "--append", "--connection", Connection);

        Assert.Equal(0, append.ExitCode);
        Assert.Contains("now holds 200", append.Output, StringComparison.Ordinal);
        await using var db = OpenCatalog();
        Assert.Equal(200, await db.Sources.CountAsync());
        Assert.Equal(200, await db.Sources.Select(s => s.ObjId).Distinct().CountAsync());
    }

    [Fact]
    public async Task Simulate_RejectsACountBelowOne()
    {
        var run = await RunAsync("simulate", "--count", "0", "--connection", Connection);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--count must be at least 1", run.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private CatalogDb OpenCatalog() => new CatalogDbFactory(DatabaseProvider.Sqlite, Connection).CreateDbContext();

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(SimulateCommand.Create(), args);
}
