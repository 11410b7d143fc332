using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CsvHelper;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.FeatureExtraction.Dmdt;

namespace ScopeWeb.Cli.Classifiers;

/// <summary>
/// <c>scope predict --models DIR --input FEATURES.csv --output PREDS.csv</c>: scores every row of a features CSV (as
/// <c>scope features</c> writes it) with every model card in DIR and writes SCoPe's inference table: the id column(s),
/// ra, dec, period (when present), then one <c>&lt;tag&gt;_&lt;algorithm&gt;</c> score column per model.
/// </summary>
/// <remarks>
/// Models whose card has <c>uses_dmdt</c> also take each row's 26×26 dmdt image from the <c>dmdt</c> column, JSON
/// as <c>scope features --dmdt</c> writes it: a list of 26 rows (dm bins) of 26 numbers (dt bins). An empty cell is
/// the all-zero image (SCoPe's empty histogram).
/// </remarks>
public static class PredictCommand
{
    /// <summary>Rows scored per batch (OnnxClassifier's batch size).</summary>
    public const int BatchRows = OnnxClassifier.MaxBatchRows;

    /// <summary>Id column spellings copied to the output, as SCoPe's feature tables name them.</summary>
    private static readonly string[] IdColumns = ["object_id", "obj_id", "_id", "ztf_id"];

    private static readonly string[] PositionColumns = ["ra", "dec", "period"];

    /// <summary>The column holding the dmdt image, as <c>scope features --dmdt</c> names it.</summary>
    private const string DmdtColumn = "dmdt";

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

        // dmdt models need the image column, also checked before anything is written.
        var dmdtIndex = -1;
        if (loaded.FirstOrDefault(m => m.Card.UsesDmdt) is { } dmdtModel && !columnIndex.TryGetValue(DmdtColumn, out dmdtIndex))
        {
            throw new InvalidDataException(
                $"model {dmdtModel.ScoreColumn} ({dmdtModel.CardPath}) uses dmdt images and needs column '{DmdtColumn}' (the 26×26 image as JSON, "
                + $"as `scope features --dmdt` writes it), which {input.FullName} does not have.");
        }

        var featureIndexes = featureColumns.SelectMany(c => c).Distinct().Order().ToArray();
        // A hierarchical model gives one column per leaf class: <tag>_hierarchical_<class>.
        var outputs = loaded.Select(m => m.Classifier.IsHierarchical ? m.Classifier.Classes.Count : 1).ToArray();
        var scoreColumns = loaded.SelectMany(m => m.Classifier.IsHierarchical
            ? m.Classifier.Classes.Select(c => $"{m.ScoreColumn}_{c}")
            : [m.ScoreColumn]).ToArray();
        var rows = 0L;
        var batchValues = new double[BatchRows][];
        var batchCopied = new string[BatchRows][];
        for (var r = 0; r < BatchRows; r++)
        {
            batchValues[r] = new double[headers.Length];
            batchCopied[r] = new string[copied.Length];
        }

        var batchDmdt = dmdtIndex >= 0 ? new float[BatchRows * OnnxClassifier.DmdtLength] : [];
        var prepared = new float[BatchRows * loaded.Max(m => m.Classifier.FeatureCount)];
        var raw = new double[loaded.Max(m => m.Classifier.FeatureCount)];
        var scores = new float[loaded.Count][];
        for (var m = 0; m < loaded.Count; m++)
        {
            scores[m] = new float[BatchRows * outputs[m]];
        }

        var outputPath = output.FullName;
        try
        {
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

                        if (dmdtIndex >= 0)
                        {
                            ParseDmdt(reader.GetSpan(dmdtIndex), batchDmdt.AsSpan(count * OnnxClassifier.DmdtLength, OnnxClassifier.DmdtLength),
                                input.FullName, reader.RowNumber, headers[dmdtIndex]);
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

                            if (classifier.IsHierarchical)
                            {
                                classifier.ScoreClassesPrepared(prepared.AsSpan(0, count * width), scores[m].AsSpan(0, count * outputs[m]));
                            }
                            else if (classifier.UsesDmdt)
                            {
                                classifier.ScorePrepared(
                                    prepared.AsSpan(0, count * width), batchDmdt.AsSpan(0, count * OnnxClassifier.DmdtLength), scores[m].AsSpan(0, count));
                            }
                            else
                            {
                                classifier.ScorePrepared(prepared.AsSpan(0, count * width), scores[m].AsSpan(0, count));
                            }
                        }

                        for (var r = 0; r < count; r++)
                        {
                            foreach (var text in batchCopied[r])
                            {
                                csv.WriteField(text);
                            }

                            for (var m = 0; m < loaded.Count; m++)
                            {
                                for (var k = 0; k < outputs[m]; k++)
                                {
                                    csv.WriteField(scores[m][(r * outputs[m]) + k].ToString("R", CultureInfo.InvariantCulture));
                                }
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
        }
        catch
        {
            // A half-written predictions file would look like a complete one with fewer rows. (File.Exists first:
            // Delete throws when the folder is missing, which would hide the real error.)
            if (File.Exists(outputPath))
            {
                File.Delete(outputPath);
            }

            throw;
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

    /// <summary>
    /// Reads a dmdt cell (UTF-8 JSON, 26 lists of 26 numbers: rows are dm bins, columns dt bins) into
    /// <paramref name="image"/> row-major, the layout <see cref="OnnxClassifier"/> takes. An empty cell is the all-zero image.
    /// </summary>
    private static void ParseDmdt(ReadOnlySpan<byte> utf8, Span<float> image, string file, long row, string column)
    {
        const int side = DmdtHistogram.DmBinCount;
        image.Clear();
        if (utf8.Trim(" \t"u8).IsEmpty)
        {
            return;
        }

        InvalidDataException Error(string problem) => new(string.Create(CultureInfo.InvariantCulture,
            $"{file}: row {row}, column '{column}': {problem}; expected a JSON list of {side} rows (dm bins) of {side} numbers (dt bins), as `scope features --dmdt` writes."));

        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw Error($"'{Excerpt(utf8)}' is not a JSON list");
            }

            for (var dm = 0; dm < side; dm++)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    throw Error(string.Create(CultureInfo.InvariantCulture, $"the image has {dm} rows"));
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Error(string.Create(CultureInfo.InvariantCulture, $"image row {dm} is not a list"));
                }

                var dt = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (dt == side)
                    {
                        throw Error(string.Create(CultureInfo.InvariantCulture, $"image row {dm} has more than {side} values"));
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out var value) || !float.IsFinite(value))
                    {
                        throw Error(string.Create(CultureInfo.InvariantCulture,
                            $"image row {dm}, value {dt}: '{Excerpt(reader.ValueSpan)}' is not a float32 number"));
                    }

                    image[(dm * side) + dt] = value;
                    dt++;
                }

                if (dt != side)
                {
                    throw Error(string.Create(CultureInfo.InvariantCulture, $"image row {dm} has {dt} values"));
                }
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            {
                throw Error($"the image has more than {side} rows");
            }

            // Reading past the end finds any trailing text (the reader throws on it).
            reader.Read();
        }
        catch (JsonException ex)
        {
            throw Error($"not valid JSON ({ex.Message})");
        }
    }

    private static string Excerpt(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 40)]);
        return utf8.Length > 40 ? text + "…" : text;
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
