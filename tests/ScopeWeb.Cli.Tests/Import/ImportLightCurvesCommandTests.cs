using Microsoft.EntityFrameworkCore;
using static ScopeWeb.Cli.Tests.Import.CliImportRun;

namespace ScopeWeb.Cli.Tests.Import;

public class ImportLightCurvesCommandTests
{
    [Fact]
    public async Task Several_inputs_and_metadata_import_with_a_summary_on_stdout_and_progress_on_stderr()
    {
        using var run = new CliImportRun();

        var (exit, output, error) = await RunAsync(
            "import-lightcurves", "--connection", run.Connection,
            "--input", Fixture("ztf_alert_aliases.csv"), "--input", Fixture("antares_capitalised.csv"),
            "--metadata", Fixture("bts_catalog_style.csv"));

        Assert.Equal(0, exit);
        Assert.Contains("Imported 11 points of 4 sources (4 created, 0 updated) from ztf_alert_aliases.csv, antares_capitalised.csv.", output, StringComparison.Ordinal);
        Assert.Contains("metadata matched 2 sources", output, StringComparison.Ordinal);
        Assert.Contains("parsing: 11 rows read, now in antares_capitalised.csv", error, StringComparison.Ordinal);
        Assert.Contains("writing: 4 of 4 sources", error, StringComparison.Ordinal);
        await using var db = run.Factory.CreateDbContext();
        Assert.Equal(4, await db.Sources.CountAsync());
        Assert.Equal("SNIa", await db.Sources.Where(s => s.ObjId == "ZTF20aaaaaaa").Select(s => s.KnownClass).SingleAsync());
    }

    [Fact]
    public async Task Running_the_same_import_twice_reports_updates()
    {
        using var run = new CliImportRun();
        await RunAsync("import-lightcurves", "--connection", run.Connection, "--input", Fixture("sdss_sentinels.csv"));

        var (exit, output, _) = await RunAsync("import-lightcurves", "--connection", run.Connection, "--input", Fixture("sdss_sentinels.csv"));

        Assert.Equal(0, exit);
        Assert.Contains("(0 created, 2 updated)", output, StringComparison.Ordinal);
        Assert.Contains("skipped 3 sentinel rows", output, StringComparison.Ordinal);
        await using var db = run.Factory.CreateDbContext();
        Assert.Equal(9, await db.LightCurves.CountAsync());
    }

    [Fact]
    public async Task A_bad_row_exits_1_naming_file_row_and_column_and_writes_nothing()
    {
        using var run = new CliImportRun();

        var (exit, output, error) = await RunAsync(
            "import-lightcurves", "--connection", run.Connection,
            "--input", Fixture("antares_capitalised.csv"), "--input", Fixture("bad_row_last.csv"));

        Assert.Equal(1, exit);
        Assert.Contains("bad_row_last.csv: row 9 (line 10), column \"mag\": \"abc\" is not a number", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        await using var db = run.Factory.CreateDbContext();
        Assert.Equal(0, await db.Sources.CountAsync());
    }

    [Fact]
    public async Task A_missing_input_file_exits_1_naming_it()
    {
        using var run = new CliImportRun();

        var (exit, _, error) = await RunAsync("import-lightcurves", "--connection", run.Connection, "--input", Fixture("no_such_file.csv"));

        Assert.Equal(1, exit);
        Assert.Contains("no_such_file.csv: file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_input_the_command_is_refused()
    {
        var (exit, _, error) = await RunAsync("import-lightcurves");

        Assert.NotEqual(0, exit);
        Assert.Contains("--input", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_SDSS_RR_Lyrae_set_imports_from_the_command_line_with_its_labels()
    {
        var lightCurves = SharedData("sdss_s82_rrlyrae/light_curves.csv.gz");
        var labels = SharedData("sdss_s82_rrlyrae/labels_periods.csv");
        Skip.If(lightCurves is null || labels is null, "../shared/data/sdss_s82_rrlyrae is not here (CI has it).");
        using var run = new CliImportRun();

        var (exit, output, _) = await RunAsync("import-lightcurves", "--connection", run.Connection, "--input", lightCurves!, "--metadata", labels!);

        Assert.Equal(0, exit);
        Assert.Contains("Imported 81,503 points of 290 sources (290 created, 0 updated)", output, StringComparison.Ordinal);
        Assert.Contains("skipped 29 sentinel rows", output, StringComparison.Ordinal);
        await using var db = run.Factory.CreateDbContext();
        Assert.Equal(290, await db.Sources.CountAsync(s => s.PeriodDays != null && (s.KnownClass == "RRab" || s.KnownClass == "RRc")));
    }
}
