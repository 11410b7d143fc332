using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Training.Data;

namespace ScopeWeb.Cli.Training;

/// <summary>
/// <c>scope export-training-set --output FILE.csv</c>: the catalog's labelled sources in SCoPe's training CSV format
/// (id, features, float label columns, <c>class_name</c>, <c>dmdt</c> as a 26×26 JSON list), the table
/// <c>scope train --path_dataset=catalog</c> trains on, so it can be inspected, shared or trained on elsewhere.
/// </summary>
public static class ExportTrainingSetCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--output") { Description = "CSV to write.", Required = true };
        var command = new Command("export-training-set", "Write the catalog's labelled sources as a SCoPe training CSV.") { output };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(parse, ct).ConfigureAwait(false);
            try
            {
                var table = await CatalogTrainingSet.LoadAsync(host.Services.GetRequiredService<IDbContextFactory<CatalogDb>>(), ct).ConfigureAwait(false);
                var path = parse.GetValue(output)!.FullName;
                await using (var writer = new StreamWriter(path))
                {
                    table.WriteCsv(writer);
                }

                await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {table.Rows:N0} labelled sources, {table.ColumnNames.Count} columns, to {path} ({table.DataHash}).")).ConfigureAwait(false);
                return 0;
            }
            catch (InvalidDataException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
