using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Cli.Classifiers;

/// <summary>
/// <c>scope predict --models DIR --input FEATURES.csv --output PREDS.csv</c>: scores every row of a features CSV (as
/// <c>scope features</c> writes it) with every model card in DIR and writes SCoPe's inference table: the id column(s),
/// ra, dec, period (when present), then one <c>&lt;tag&gt;_&lt;algorithm&gt;</c> score column per model.
/// </summary>
public static class PredictCommand
{
    /// <summary>Rows scored per batch (OnnxClassifier's batch size).</summary>
    public const int BatchRows = OnnxClassifier.MaxBatchRows;

    /// <summary>Id column spellings copied to the output, as SCoPe's feature tables name them.</summary>
    private static readonly string[] IdColumns = ["object_id", "obj_id", "_id", "ztf_id"];

    private static readonly string[] PositionColumns = ["ra", "dec", "period"];

    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        TrimWhitespace = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

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
            catch (InvalidDataException ex)
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
        var loaded = lease.Set.Models;
        if (!input.Exists)
        {
            throw new InvalidDataException($"{input.FullName}: file not found.");
        }

        await using var stream = OpenStream(input.FullName);
        using var reader = CsvReader.Create(stream, ReaderOptions, false);
        reader.ReadHeader();
        var headers = Enumerable.Range(0, reader.Headers.Count).Select(i => reader.Headers[i]).ToArray();
        if (headers.Length == 0 || (headers.Length == 1 && headers[0].Length == 0))
        {
            throw new InvalidDataException($"{input.FullName}: the file is empty (no header row).");
        }

        var columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Length; i++)
        {
            if (!columnIndex.TryAdd(headers[i], i))
            {
                throw new InvalidDataException($"{input.FullName}: column '{headers[i]}' appears twice in the header.");
            }
        }

        // SCoPe's inference table: the id columns in input order, then ra, dec, period.
        var idIndexes = Enumerable.Range(0, headers.Length).Where(i => IdColumns.Contains(headers[i], StringComparer.OrdinalIgnoreCase));
        var positionIndexes = PositionColumns
            .Select(name => Array.FindIndex(headers, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)))
            .Where(i => i >= 0);
        var copied = idIndexes.Concat(positionIndexes).Select(i => (Name: headers[i], Index: i)).ToArray();
        if (!idIndexes.Any())
        {
            throw new InvalidDataException($"{input.FullName}: no id column; expected one of: {string.Join(", ", IdColumns)}.");
        }

        // Each model's feature columns, in card order; every feature must be in the header before anything is written.
        var featureColumns = new int[loaded.Count][];
        for (var m = 0; m < loaded.Count; m++)
        {
            var names = loaded[m].Card.FeatureNames;
            featureColumns[m] = new int[names.Count];
            for (var f = 0; f < names.Count; f++)
            {
                if (!columnIndex.TryGetValue(names[f], out featureColumns[m][f]))
                {
                    throw new InvalidDataException(
                        $"model {loaded[m].ScoreColumn} ({loaded[m].CardPath}) needs feature '{names[f]}', which {input.FullName} does not have.");
                }
            }
        }

        var featureIndexes = featureColumns.SelectMany(c => c).Distinct().Order().ToArray();
        var scoreColumns = loaded.Select(m => m.ScoreColumn).ToArray();
        var rows = 0L;
        var batchValues = new double[BatchRows][];
        var batchCopied = new string[BatchRows][];
        for (var r = 0; r < BatchRows; r++)
        {
            batchValues[r] = new double[headers.Length];
            batchCopied[r] = new string[copied.Length];
        }

        var prepared = new float[BatchRows * loaded.Max(m => m.Classifier.FeatureCount)];
        var raw = new double[loaded.Max(m => m.Classifier.FeatureCount)];
        var scores = new float[loaded.Count][];
        for (var m = 0; m < loaded.Count; m++)
        {
            scores[m] = new float[BatchRows];
        }

        var outputPath = output.FullName;
        await using (var writer = new StreamWriter(outputPath))
        await using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, leaveOpen: false))
        {
            foreach (var name in copied.Select(c => c.Name).Concat(scoreColumns))
            {
                csv.WriteField(name);
            }

            await csv.EndRecordAsync(ct).ConfigureAwait(false);
            var count = 0;
            while (true)
            {
                var more = reader.Read();
                if (more)
                {
                    if (reader.FieldCount != headers.Length)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"{input.FullName}: row {reader.RowNumber} (line {reader.LineNumber}): {reader.FieldCount} fields, the header has {headers.Length}."));
                    }

                    for (var c = 0; c < copied.Length; c++)
                    {
                        batchCopied[count][c] = reader.GetString(copied[c].Index);
                    }

                    foreach (var i in featureIndexes)
                    {
                        batchValues[count][i] = ParseFeature(reader.GetString(i), input.FullName, reader.RowNumber, headers[i]);
                    }

                    count++;
                }

                if (count == BatchRows || (!more && count > 0))
                {
                    for (var m = 0; m < loaded.Count; m++)
                    {
                        var classifier = loaded[m].Classifier;
                        var width = classifier.FeatureCount;
                        for (var r = 0; r < count; r++)
                        {
                            for (var f = 0; f < width; f++)
                            {
                                raw[f] = batchValues[r][featureColumns[m][f]];
                            }

                            classifier.Preprocessor.Prepare(raw.AsSpan(0, width), prepared.AsSpan(r * width, width));
                        }

                        classifier.ScorePrepared(prepared.AsSpan(0, count * width), scores[m].AsSpan(0, count));
                    }

                    for (var r = 0; r < count; r++)
                    {
                        foreach (var text in batchCopied[r])
                        {
                            csv.WriteField(text);
                        }

                        for (var m = 0; m < loaded.Count; m++)
                        {
                            csv.WriteField(scores[m][r].ToString("R", CultureInfo.InvariantCulture));
                        }

                        await csv.EndRecordAsync(ct).ConfigureAwait(false);
                    }

                    rows += count;
                    count = 0;
                }

                if (!more)
                {
                    break;
                }
            }
        }

        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Scored {rows:N0} rows with {loaded.Count} models ({string.Join(", ", scoreColumns)}); wrote {outputPath}.")).ConfigureAwait(false);
        return 0;
    }

    /// <summary>An empty cell, NaN or ±inf is a missing value (imputed per the card); anything else must be a number.</summary>
    private static double ParseFeature(string text, string file, long row, string column)
    {
        if (text.Length == 0)
        {
            return double.NaN;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        if (text.Equals("nan", StringComparison.OrdinalIgnoreCase) || text.Equals("inf", StringComparison.OrdinalIgnoreCase)
            || text.Equals("-inf", StringComparison.OrdinalIgnoreCase) || text.Equals("+inf", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{file}: row {row}, column '{column}': '{text}' is not a number."));
    }

    /// <summary>Opens a file, decompressing it when it starts with the gzip magic bytes.</summary>
    private static Stream OpenStream(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            var n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            return n == 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
