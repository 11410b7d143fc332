using System.Globalization;
using CsvHelper;
using ScopeWeb.Core.FeatureExtraction.Dmdt;
using ScopeWeb.Core.Files;

namespace ScopeWeb.Core.Classifiers;

/// <summary>
/// For one model of a scored table: how many rows had a missing feature (empty, NaN or ±inf) that the card's imputation
/// filled, which features were missing most, and how they were filled.
/// </summary>
/// <param name="ScoreColumn">The model's score column, e.g. <c>vnv_dnn</c>.</param>
/// <param name="CardPath">The model's card file.</param>
/// <param name="Rows">Rows scored.</param>
/// <param name="RowsImputed">Rows with at least one missing feature.</param>
/// <param name="MissingByFeature">Rows missing each feature, for the features missing at least once, most missed first.</param>
/// <param name="Methods">The card's imputation methods of the missing features, in <see cref="ImputationMethod"/> order.</param>
public sealed record ModelImputationSummary(
    string ScoreColumn,
    string CardPath,
    long Rows,
    long RowsImputed,
    IReadOnlyList<KeyValuePair<string, long>> MissingByFeature,
    IReadOnlyList<ImputationMethod> Methods)
{
    /// <summary>
    /// One line for a person, e.g. <c>vnv_dnn: 12 of 1,000 rows had missing features imputed (median); most often missing:
    /// period (10 rows)</c>.
    /// </summary>
    public string Describe()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{ScoreColumn}: {RowsImputed:N0} of {Rows:N0} rows had missing features");
        if (RowsImputed == 0)
        {
            return line;
        }

        var methods = string.Join(", ", Methods.Select(m => m.ToString().ToLowerInvariant()));
        line += Methods.All(m => m == ImputationMethod.None)
            ? " left missing (none: the trees send them their learned default way)"
            : $" imputed ({methods})";
        var (feature, rows) = MissingByFeature[0];
        return line + string.Create(CultureInfo.InvariantCulture, $"; most often missing: {feature} ({rows:N0} rows)");
    }
}

/// <summary>What <see cref="FeatureTableScorer"/> did with a table: rows scored and, per model, the rows it imputed.</summary>
/// <param name="Rows">Rows scored.</param>
/// <param name="Imputation">One summary per model, in score column order.</param>
public sealed record FeatureTableScoring(long Rows, IReadOnlyList<ModelImputationSummary> Imputation);

/// <summary>
/// Scores a features table (CSV as <c>scope features</c> writes it, plain or gzip) with a set of models, in batches, and
/// writes SCoPe's inference table: the id column(s), ra, dec, period (when present), then one
/// <c>&lt;tag&gt;_&lt;algorithm&gt;</c> score column per model (<c>&lt;tag&gt;_hierarchical_&lt;class&gt;</c> per leaf of a
/// hierarchical model).
/// </summary>
/// <remarks>
/// Models whose card has <c>uses_dmdt</c> also take each row's 26×26 dmdt image from the <c>dmdt</c> column
/// (<see cref="DmdtHistogram.ParseJson"/>). Every column a model needs is checked against the header before anything is
/// written; a bad cell ends the run with a message naming the file, row and column, and no output file is left behind.
/// </remarks>
public sealed class FeatureTableScorer
{
    /// <summary>Rows scored per batch (OnnxClassifier's batch size).</summary>
    public const int BatchRows = OnnxClassifier.MaxBatchRows;

    /// <summary>The column holding the dmdt image, as <c>scope features --dmdt</c> names it.</summary>
    public const string DmdtColumn = "dmdt";

    /// <summary>Id column spellings copied to the output, as SCoPe's feature tables name them.</summary>
    public static readonly IReadOnlyList<string> IdColumns = ["object_id", "obj_id", "_id", "ztf_id"];

    private static readonly string[] PositionColumns = ["ra", "dec", "period"];

    private static readonly CsvReaderOptions ReaderOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        TrimWhitespace = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private readonly IReadOnlyList<LoadedModel> _models;

    public FeatureTableScorer(IReadOnlyList<LoadedModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("No models to score with.", nameof(models));
        }

        _models = models;
        ScoreColumns = [.. models.SelectMany(m => m.Classifier.IsHierarchical ? m.Classifier.Classes.Select(c => $"{m.ScoreColumn}_{c}") : [m.ScoreColumn])];
    }

    /// <summary>The score columns, in output order.</summary>
    public IReadOnlyList<string> ScoreColumns { get; }

    /// <summary>Scores <paramref name="inputPath"/> into <paramref name="outputPath"/> (replaced only when every row is scored).</summary>
    /// <returns>Rows scored.</returns>
    /// <exception cref="InvalidDataException">Bad input; the message names the file, model, row and column.</exception>
    public async Task<long> ScoreFileAsync(string inputPath, string outputPath, IProgress<long>? rowsScored = null, CancellationToken ct = default) =>
        (await ScoreFileWithSummaryAsync(inputPath, outputPath, rowsScored, ct).ConfigureAwait(false)).Rows;

    /// <summary>
    /// Scores <paramref name="inputPath"/> into <paramref name="outputPath"/> (replaced only when every row is scored) and
    /// says, per model, how many rows had missing features imputed and how.
    /// </summary>
    /// <exception cref="InvalidDataException">Bad input; the message names the file, model, row and column.</exception>
    public async Task<FeatureTableScoring> ScoreFileWithSummaryAsync(
        string inputPath, string outputPath, IProgress<long>? rowsScored = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        if (!File.Exists(inputPath))
        {
            throw new InvalidDataException($"{inputPath}: file not found.");
        }

        // Written beside the target and moved over it at the end: a half-written predictions file would look like a
        // complete one with fewer rows.
        var partial = outputPath + ".partial";
        try
        {
            FeatureTableScoring scoring;
            await using (var input = DataFile.OpenRead(inputPath))
            await using (var writer = new StreamWriter(partial))
            {
                scoring = await ScoreWithSummaryAsync(input, inputPath, writer, rowsScored, ct).ConfigureAwait(false);
            }

            File.Move(partial, outputPath, overwrite: true);
            return scoring;
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }

    /// <summary>Scores a features CSV read from <paramref name="input"/> (named <paramref name="inputName"/> in errors) into <paramref name="output"/>.</summary>
    /// <returns>Rows scored.</returns>
    /// <exception cref="InvalidDataException">Bad input; the message names the input, model, row and column.</exception>
    public async Task<long> ScoreAsync(Stream input, string inputName, TextWriter output, IProgress<long>? rowsScored = null, CancellationToken ct = default) =>
        (await ScoreWithSummaryAsync(input, inputName, output, rowsScored, ct).ConfigureAwait(false)).Rows;

    /// <summary>
    /// Scores a features CSV read from <paramref name="input"/> (named <paramref name="inputName"/> in errors) into
    /// <paramref name="output"/> and says, per model, how many rows had missing features imputed and how.
    /// </summary>
    /// <exception cref="InvalidDataException">Bad input; the message names the input, model, row and column.</exception>
    public async Task<FeatureTableScoring> ScoreWithSummaryAsync(
        Stream input, string inputName, TextWriter output, IProgress<long>? rowsScored = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var reader = CsvReader.Create(input, ReaderOptions, false);
        var layout = ReadLayout(reader, inputName);
        var batch = new Batch(_models, layout);
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, leaveOpen: true);
        foreach (var name in layout.Copied.Select(c => c.Name).Concat(ScoreColumns))
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(ct).ConfigureAwait(false);
        var rows = 0L;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var more = reader.Read();
            if (more)
            {
                batch.Add(reader, layout, inputName);
            }

            if (batch.Count == BatchRows || (!more && batch.Count > 0))
            {
                batch.Score(_models);
                await batch.WriteAsync(csv, ct).ConfigureAwait(false);
                rows += batch.Count;
                batch.Clear();
                rowsScored?.Report(rows);
            }

            if (!more)
            {
                break;
            }
        }

        await csv.FlushAsync(ct).ConfigureAwait(false);
        return new FeatureTableScoring(rows, [.. _models.Select((model, m) => batch.ImputationSummary(model, m, rows))]);
    }

    private TableLayout ReadLayout(CsvReader reader, string inputName)
    {
        reader.ReadHeader();
        var headers = Enumerable.Range(0, reader.Headers.Count).Select(i => reader.Headers[i]).ToArray();
        if (headers.Length == 0 || (headers.Length == 1 && headers[0].Length == 0))
        {
            throw new InvalidDataException($"{inputName}: the file is empty (no header row).");
        }

        var columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Length; i++)
        {
            if (!columnIndex.TryAdd(headers[i], i))
            {
                throw new InvalidDataException($"{inputName}: column '{headers[i]}' appears twice in the header.");
            }
        }

        // SCoPe's inference table: the id columns in input order, then ra, dec, period.
        var idIndexes = Enumerable.Range(0, headers.Length).Where(i => IdColumns.Contains(headers[i], StringComparer.OrdinalIgnoreCase)).ToArray();
        if (idIndexes.Length == 0)
        {
            throw new InvalidDataException($"{inputName}: no id column; expected one of: {string.Join(", ", IdColumns)}.");
        }

        var positionIndexes = PositionColumns
            .Select(name => Array.FindIndex(headers, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)))
            .Where(i => i >= 0);
        var copied = idIndexes.Concat(positionIndexes).Select(i => (Name: headers[i], Index: i)).ToArray();

        // Each model's feature columns, in card order.
        var featureColumns = new int[_models.Count][];
        for (var m = 0; m < _models.Count; m++)
        {
            var names = _models[m].Card.FeatureNames;
            featureColumns[m] = new int[names.Count];
            for (var f = 0; f < names.Count; f++)
            {
                if (!columnIndex.TryGetValue(names[f], out featureColumns[m][f]))
                {
                    throw new InvalidDataException(
                        $"model {_models[m].ScoreColumn} ({_models[m].CardPath}) needs feature '{names[f]}', which {inputName} does not have.");
                }
            }
        }

        var dmdtIndex = -1;
        if (_models.FirstOrDefault(m => m.Card.UsesDmdt) is { } dmdtModel && !columnIndex.TryGetValue(DmdtColumn, out dmdtIndex))
        {
            throw new InvalidDataException(
                $"model {dmdtModel.ScoreColumn} ({dmdtModel.CardPath}) uses dmdt images and needs column '{DmdtColumn}' (the 26×26 image as JSON, "
                + $"as `scope features --dmdt` writes it), which {inputName} does not have.");
        }

        return new TableLayout(headers, copied, featureColumns, [.. featureColumns.SelectMany(c => c).Distinct().Order()], dmdtIndex);
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

    private sealed record TableLayout(string[] Headers, (string Name, int Index)[] Copied, int[][] FeatureColumns, int[] FeatureIndexes, int DmdtIndex);

    /// <summary>Up to <see cref="BatchRows"/> rows: their copied cells, feature values and dmdt images, then their scores.</summary>
    private sealed class Batch
    {
        private readonly double[][] _values = new double[BatchRows][];
        private readonly string[][] _copied = new string[BatchRows][];
        private readonly float[] _dmdt;
        private readonly float[] _prepared;
        private readonly double[] _raw;
        private readonly int[] _outputs;
        private readonly float[][] _scores;
        private readonly int[][] _featureColumns;

        // Per model: rows with a missing feature, and rows missing each feature (card order), over the whole table.
        private readonly long[] _rowsImputed;
        private readonly long[][] _missing;

        public Batch(IReadOnlyList<LoadedModel> models, TableLayout layout)
        {
            for (var r = 0; r < BatchRows; r++)
            {
                _values[r] = new double[layout.Headers.Length];
                _copied[r] = new string[layout.Copied.Length];
            }

            var width = models.Max(m => m.Classifier.FeatureCount);
            _dmdt = layout.DmdtIndex >= 0 ? new float[BatchRows * OnnxClassifier.DmdtLength] : [];
            _prepared = new float[BatchRows * width];
            _raw = new double[width];
            _outputs = [.. models.Select(m => m.Classifier.IsHierarchical ? m.Classifier.Classes.Count : 1)];
            _scores = [.. _outputs.Select(n => new float[BatchRows * n])];
            _featureColumns = layout.FeatureColumns;
            _rowsImputed = new long[models.Count];
            _missing = [.. models.Select(m => new long[m.Classifier.FeatureCount])];
        }

        public int Count { get; private set; }

        public void Add(CsvReader reader, TableLayout layout, string file)
        {
            if (reader.FieldCount != layout.Headers.Length)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{file}: row {reader.RowNumber} (line {reader.LineNumber}): {reader.FieldCount} fields, the header has {layout.Headers.Length}."));
            }

            for (var c = 0; c < layout.Copied.Length; c++)
            {
                _copied[Count][c] = reader.GetString(layout.Copied[c].Index);
            }

            foreach (var i in layout.FeatureIndexes)
            {
                _values[Count][i] = ParseFeature(reader.GetString(i), file, reader.RowNumber, layout.Headers[i]);
            }

            if (layout.DmdtIndex >= 0)
            {
                try
                {
                    DmdtHistogram.ParseJson(reader.GetSpan(layout.DmdtIndex), _dmdt.AsSpan(Count * OnnxClassifier.DmdtLength, OnnxClassifier.DmdtLength));
                }
                catch (FormatException ex)
                {
                    throw DmdtHistogram.CellError(file, reader.RowNumber, layout.Headers[layout.DmdtIndex], ex);
                }
            }

            Count++;
        }

        public void Score(IReadOnlyList<LoadedModel> models)
        {
            for (var m = 0; m < models.Count; m++)
            {
                var classifier = models[m].Classifier;
                var width = classifier.FeatureCount;
                var missing = _missing[m];
                for (var r = 0; r < Count; r++)
                {
                    var imputed = false;
                    for (var f = 0; f < width; f++)
                    {
                        var value = _values[r][_featureColumns[m][f]];
                        _raw[f] = value;
                        if (!double.IsFinite(value))
                        {
                            // What FeaturePreprocessor fills from the card: counted so nobody is told a score is plain when it is not.
                            missing[f]++;
                            imputed = true;
                        }
                    }

                    if (imputed)
                    {
                        _rowsImputed[m]++;
                    }

                    classifier.Preprocessor.Prepare(_raw.AsSpan(0, width), _prepared.AsSpan(r * width, width));
                }

                var prepared = _prepared.AsSpan(0, Count * width);
                if (classifier.IsHierarchical)
                {
                    classifier.ScoreClassesPrepared(prepared, _scores[m].AsSpan(0, Count * _outputs[m]));
                }
                else if (classifier.UsesDmdt)
                {
                    classifier.ScorePrepared(prepared, _dmdt.AsSpan(0, Count * OnnxClassifier.DmdtLength), _scores[m].AsSpan(0, Count));
                }
                else
                {
                    classifier.ScorePrepared(prepared, _scores[m].AsSpan(0, Count));
                }
            }
        }

        public async Task WriteAsync(CsvWriter csv, CancellationToken ct)
        {
            for (var r = 0; r < Count; r++)
            {
                foreach (var text in _copied[r])
                {
                    csv.WriteField(text);
                }

                for (var m = 0; m < _scores.Length; m++)
                {
                    for (var k = 0; k < _outputs[m]; k++)
                    {
                        csv.WriteField(_scores[m][(r * _outputs[m]) + k].ToString("R", CultureInfo.InvariantCulture));
                    }
                }

                await csv.EndRecordAsync(ct).ConfigureAwait(false);
            }
        }

        public void Clear() => Count = 0;

        public ModelImputationSummary ImputationSummary(LoadedModel model, int index, long rows)
        {
            var names = model.Card.FeatureNames;
            var missing = _missing[index];
            var byFeature = Enumerable.Range(0, names.Count).Where(f => missing[f] > 0)
                .Select(f => new KeyValuePair<string, long>(names[f], missing[f]))
                .OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal).ToList();
            var methods = byFeature.Select(pair => model.Card.Imputation.TryGetValue(pair.Key, out var i) ? i.Method : ImputationMethod.None)
                .Distinct().Order().ToList();
            return new ModelImputationSummary(model.ScoreColumn, model.CardPath, rows, _rowsImputed[index], byFeature, methods);
        }
    }
}
