using System.CommandLine;
using System.Globalization;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Cli.Classifiers;

/// <summary>
/// <c>scope predict --models DIR --input FEATURES.csv --output PREDS.csv</c>: scores every row of a features CSV (as
/// <c>scope features</c> writes it) with every model card in DIR and writes SCoPe's inference table
/// (<see cref="FeatureTableScorer"/>: the id column(s), ra, dec, period, then one <c>&lt;tag&gt;_&lt;algorithm&gt;</c> score
/// column per model; dmdt models read the <c>dmdt</c> column). Prints, per model, how many rows had missing features
/// imputed and how, and a warning for each model whose ONNX file could not be checked against its card.
/// </summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var models = new Option<DirectoryInfo>("--models") { Description = "Folder of model cards (*.json) and their ONNX files.", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Features CSV (or .csv.gz), as `scope features` writes it.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Predictions CSV to write.", Required = true };
        var command = new Command("predict", "Score a features CSV with every classifier in a model folder (SCoPe's <tag>_<algorithm> columns).")
        {
            models, input, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await RunAsync(parse.GetValue(models)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.InvocationConfiguration.Output, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <exception cref="InvalidDataException">Bad models or input; the message names the file, model, row and column.</exception>
    public static async Task<int> RunAsync(DirectoryInfo modelsDirectory, FileInfo input, FileInfo output, TextWriter log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(modelsDirectory);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        if (!modelsDirectory.Exists)
        {
            throw new InvalidDataException($"{modelsDirectory.FullName}: the model folder does not exist.");
        }

        using var registry = new ModelRegistry(modelsDirectory.FullName, watch: false);
        if (registry.Errors.Count > 0)
        {
            throw new InvalidDataException(
                "cannot load every model card:" + string.Concat(registry.Errors.Select(e => $"{Environment.NewLine}  {e.File}: {e.Message}")));
        }

        if (registry.Models.Count == 0)
        {
            throw new InvalidDataException($"{modelsDirectory.FullName}: no model cards (*.json) in the folder.");
        }

        using var lease = registry.Acquire();
        foreach (var warning in lease.Set.Warnings)
        {
            await log.WriteLineAsync($"warning: {warning.File}: {warning.Message}").ConfigureAwait(false);
        }

        var scorer = new FeatureTableScorer(lease.Set.Models);
        var scoring = await scorer.ScoreFileWithSummaryAsync(input.FullName, output.FullName, rowsScored: null, ct).ConfigureAwait(false);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Scored {scoring.Rows:N0} rows with {lease.Set.Models.Count} models ({string.Join(", ", scorer.ScoreColumns)}); wrote {output.FullName}.")).ConfigureAwait(false);
        foreach (var model in scoring.Imputation)
        {
            await log.WriteLineAsync(model.Describe()).ConfigureAwait(false);
        }

        return 0;
    }
}
