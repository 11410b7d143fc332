using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Cli.Import;

/// <summary>
/// <c>scope import-lightcurves --input FILE [--input FILE2 …] [--metadata FILE] [--duplicates reject|keep|merge]
/// [--max-points-per-object N] [--max-decompressed-mb N]</c>: imports CSV light curves (plain or gzip) into the catalog,
/// all files in one transaction. Progress on stderr, summary on stdout; on bad input, a damaged file, a limit reached
/// or a failed write, one line <c>error: …</c> naming the file (and row and column) on stderr, exit code 1, nothing written.
/// </summary>
public static class ImportLightCurvesCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo[]>("--input", "-i")
        {
            Description = "Light-curve CSV (.csv or .csv.gz); repeat for several files. Columns: object_id/obj_id/oid/objectId, "
                + "mjd/hjd/jd/time (MJD, or a full JD >= 2,400,000.5, converted), band/filter/fid/passband, mag/magpsf, magerr/sigmapsf, "
                + "optional catflags, diffmaglim, ra, dec, period, class.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var metadata = new Option<FileInfo[]>("--metadata", "-m")
        {
            Description = "Per-object CSV joined on the id (ZTFID, Num, object_id…): ra/dec, period (Per), class (type, Type).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var duplicates = new Option<string?>("--duplicates")
        {
            Description = "Rows repeating an (object, band, time) with a different mag or error: reject the import, keep every row, "
                + "or merge them into their inverse-variance weighted mean (default from appsettings.json Import:Duplicates: keep). "
                + "Exact repeats are always collapsed into one point.",
        };
        duplicates.AcceptOnlyFromAmong("reject", "keep", "merge");
        var maxPoints = new Option<int?>("--max-points-per-object")
        {
            Description = "Most points one object may get from this import (default Import:MaxPointsPerObject: 1,000,000).",
        };
        var maxMegabytes = new Option<long?>("--max-decompressed-mb")
        {
            Description = "Most CSV text this import may read, in MB after decompression, over all files (default Import:MaxDecompressedMegabytes: 2,048).",
        };

        var command = new Command("import-lightcurves", "Import light curves from CSV files into the catalog.");
        command.Options.Add(input);
        command.Options.Add(metadata);
        command.Options.Add(duplicates);
        command.Options.Add(maxPoints);
        command.Options.Add(maxMegabytes);
        command.SetAction((parse, ct) => RunAsync(parse, input, metadata, new Overrides(duplicates, maxPoints, maxMegabytes), ct));
        return command;
    }

    /// <summary>The flags that override the Import section.</summary>
    private sealed record Overrides(Option<string?> Duplicates, Option<int?> MaxPoints, Option<long?> MaxMegabytes)
    {
        public Dictionary<string, string?> ToConfiguration(ParseResult parse)
        {
            var c = CultureInfo.InvariantCulture;
            var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (parse.GetValue(Duplicates) is { } duplicates)
            {
                settings[$"{ImportOptions.SectionName}:{nameof(ImportOptions.Duplicates)}"] = duplicates;
            }

            if (parse.GetValue(MaxPoints) is { } points)
            {
                settings[$"{ImportOptions.SectionName}:{nameof(ImportOptions.MaxPointsPerObject)}"] = points.ToString(c);
            }

            if (parse.GetValue(MaxMegabytes) is { } megabytes)
            {
                settings[$"{ImportOptions.SectionName}:{nameof(ImportOptions.MaxDecompressedMegabytes)}"] = megabytes.ToString(c);
            }

            return settings;
        }
    }

    private static async Task<int> RunAsync(ParseResult parse, Option<FileInfo[]> inputOption, Option<FileInfo[]> metadataOption, Overrides overrides, CancellationToken ct)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var inputs = (parse.GetValue(inputOption) ?? []).Select(f => ImportFile.FromPath(f.FullName)).ToArray();
        var metadata = (parse.GetValue(metadataOption) ?? []).Select(f => ImportFile.FromPath(f.FullName)).ToArray();
        var settings = overrides.ToConfiguration(parse);

        try
        {
            using var host = await CliHost.StartAsync(parse, ct, b => b.Configuration.AddInMemoryCollection(settings)).ConfigureAwait(false);
            // The CLI host is never started, so ValidateOnStart does not run: check the settings (flags included) here,
            // and say what is wrong in the settings' own words.
            var rules = new ImportOptions();
            host.Services.GetRequiredService<IConfiguration>().GetSection(ImportOptions.SectionName).Bind(rules);
            if (rules.Problems() is { Count: > 0 } problems)
            {
                return await FailAsync(error, "invalid import settings: " + string.Join(" ", problems)).ConfigureAwait(false);
            }
            // The summary below says what the importer's log line would; keep stdout to the summary.
            var importer = ActivatorUtilities.CreateInstance<LightCurveImporter>(host.Services, NullLogger<LightCurveImporter>.Instance);
            var progress = new ConsoleImportProgress(error);
            var result = await importer.ImportAsync(inputs, metadata, progress, ct).ConfigureAwait(false);
            await output.WriteLineAsync(Summarize(result)).ConfigureAwait(false);
            return 0;
        }
        catch (ImportException ex)
        {
            return await FailAsync(error, "import failed, nothing was written: " + ex.Message).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync(error, "invalid import settings: " + string.Join(" ", ex.Failures)).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains(ImportOptions.SectionName, StringComparison.Ordinal))
        {
            // A value of the Import section that does not convert (a word where a number goes, an unknown policy).
            return await FailAsync(error, "invalid import settings: " + ex.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("Import cancelled, nothing was written.").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException)
        {
            // The write is one transaction: a failure rolls it back.
            return await FailAsync(error, "the catalog write failed, nothing was written: " + (ex.InnerException ?? ex).Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return await FailAsync(error, "import failed, nothing was written: " + ex.Message).ConfigureAwait(false);
        }
    }

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return 1;
    }

    internal static string Summarize(ImportResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"Imported {r.PointsImported:N0} points of {r.SourcesWritten:N0} sources ({r.SourcesCreated:N0} created, {r.SourcesUpdated:N0} updated) from {string.Join(", ", r.Files)}."),
            string.Create(c, $"  rows read: {r.RowsRead:N0}; upper limits: {r.UpperLimits:N0}; skipped {r.SentinelRowsSkipped:N0} sentinel rows (mag >= 90 or magerr >= 9)"),
            string.Create(c, $"  duplicates: {r.Duplicates.Describe()} (--duplicates {r.Duplicates.Policy.ToString().ToLowerInvariant()})"),
        };
        foreach (var file in r.Duplicates.ByFile)
        {
            lines.Add(string.Create(c, $"    {file.FileName}: {file.ExactCollapsed:N0} exact, {file.Conflicting:N0} conflicting"));
        }

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
