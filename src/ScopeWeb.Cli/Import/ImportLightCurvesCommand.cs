using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Cli.Import;

/// <summary>
/// <c>scope import-lightcurves --input FILE [--input FILE2 …] [--metadata FILE]</c>: imports CSV light curves (plain
/// or gzip) into the catalog, all files in one transaction. Progress on stderr, summary on stdout; exit code 1
/// with the file, row and column on bad input.
/// </summary>
public static class ImportLightCurvesCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo[]>("--input", "-i")
        {
            Description = "Light-curve CSV (.csv or .csv.gz); repeat for several files. Columns: object_id/obj_id/oid/objectId, "
                + "mjd/hjd/time, band/filter/fid/passband, mag/magpsf, magerr/sigmapsf, optional catflags, diffmaglim, ra, dec, period, class.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var metadata = new Option<FileInfo[]>("--metadata", "-m")
        {
            Description = "Per-object CSV joined on the id (ZTFID, Num, object_id…): ra/dec, period (Per), class (type, Type).",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new Command("import-lightcurves", "Import light curves from CSV files into the catalog.");
        command.Options.Add(input);
        command.Options.Add(metadata);
        command.SetAction((parse, ct) => RunAsync(parse, input, metadata, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, Option<FileInfo[]> inputOption, Option<FileInfo[]> metadataOption, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var inputs = (parse.GetValue(inputOption) ?? []).Select(f => ImportFile.FromPath(f.FullName)).ToArray();
        var metadata = (parse.GetValue(metadataOption) ?? []).Select(f => ImportFile.FromPath(f.FullName)).ToArray();

        try
        {
            using var host = await CliHost.StartAsync(parse, ct).ConfigureAwait(false);
            // The summary below says what the importer's log line would; keep stdout to the summary.
            var importer = ActivatorUtilities.CreateInstance<LightCurveImporter>(host.Services, NullLogger<LightCurveImporter>.Instance);
            var progress = new ConsoleImportProgress(error);
            var result = await importer.ImportAsync(inputs, metadata, progress, ct).ConfigureAwait(false);
            await output.WriteLineAsync(Summarize(result)).ConfigureAwait(false);
            return 0;
        }
        catch (ImportException ex)
        {
            await error.WriteLineAsync($"Import failed, nothing was written: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("Import cancelled, nothing was written.").ConfigureAwait(false);
            return 1;
        }
    }

    internal static string Summarize(ImportResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"Imported {r.PointsImported:N0} points of {r.SourcesWritten:N0} sources ({r.SourcesCreated:N0} created, {r.SourcesUpdated:N0} updated) from {string.Join(", ", r.Files)}."),
            string.Create(c, $"  rows read: {r.RowsRead:N0}; upper limits: {r.UpperLimits:N0}; skipped {r.SentinelRowsSkipped:N0} sentinel rows (mag >= 90 or magerr >= 9)"),
        };
        if (r.MetadataMatched > 0)
        {
            lines.Add(string.Create(c, $"  metadata matched {r.MetadataMatched:N0} sources"));
        }

        lines.Add(string.Create(c, $"  {r.Elapsed.TotalSeconds:F2} s ({r.ParseElapsed.TotalSeconds:F2} s parsing), {r.PointsPerSecond:N0} points/s"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Writes progress lines to stderr as they come (synchronously, so lines stay in order).</summary>
    private sealed class ConsoleImportProgress(TextWriter error) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            var c = CultureInfo.InvariantCulture;
            error.WriteLine(value.Stage == ImportStage.Parsing
                ? string.Create(c, $"parsing: {value.RowsRead:N0} rows read, now in {value.FileName}, {value.PointsPerSecond:N0} points/s")
                : string.Create(c, $"writing: {value.SourcesWritten:N0} of {value.SourcesTotal:N0} sources"));
        }
    }
}
