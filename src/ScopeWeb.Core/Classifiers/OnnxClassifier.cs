using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Classifiers;

/// <summary>
/// Scores rows with one ONNX model described by a <see cref="ModelCard"/>. Holds one ONNX Runtime session; scoring
/// is thread-safe (InferenceSession.Run is) and batched.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    /// <summary>Rows per ONNX Runtime call; large enough to amortise call overhead, small enough to stay in cache.</summary>
    public const int MaxBatchRows = 4096;

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxClassifier(ModelCard card, InferenceSession session)
    {
        Card = card;
        _session = session;
        // Models made elsewhere (tf2onnx, torch.onnx.export) name their tensors as they like; ours are features/score.
        _inputNames = [session.InputMetadata.Keys.Single()];
        _outputNames = [session.OutputMetadata.ContainsKey(OnnxModelWriter.OutputName) ? OnnxModelWriter.OutputName : session.OutputMetadata.Keys.First()];
        Preprocessor = new FeaturePreprocessor(card);
    }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>The card's imputation and scaling.</summary>
    public FeaturePreprocessor Preprocessor { get; }

    /// <summary>
    /// Loads a card and its ONNX file (<c>onnx_file</c>, relative to the card's folder). By default ONNX Runtime uses one
    /// intra-op thread per call, so concurrent callers share the cores rather than oversubscribing them.
    /// </summary>
    /// <exception cref="InvalidDataException">The card is invalid, or the ONNX file does not match it.</exception>
    public static OnnxClassifier Load(string cardPath, SessionOptions? options = null)
    {
        var card = ModelCard.Load(cardPath);
        var onnxPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cardPath)) ?? ".", card.OnnxFile);
        return Create(card, onnxPath, cardPath, options);
    }

    /// <summary>Opens <paramref name="onnxPath"/> for an already loaded card.</summary>
    /// <exception cref="InvalidDataException">The ONNX file does not match the card.</exception>
    public static OnnxClassifier Create(ModelCard card, string onnxPath, string cardSource, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        card.Validate(cardSource);
        if (card.UsesDmdt)
        {
            throw new InvalidDataException(
                $"{cardSource}: field 'uses_dmdt': models with a dmdt input cannot be scored by OnnxClassifier (features only).");
        }

        if (!File.Exists(onnxPath))
        {
            throw new InvalidDataException($"{cardSource}: field 'onnx_file': {onnxPath} does not exist.");
        }

        InferenceSession session;
        if (options is null)
        {
            using var defaults = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            session = OpenSession(onnxPath, defaults);
        }
        else
        {
            session = OpenSession(onnxPath, options);
        }

        try
        {
            CheckSignature(session, card, onnxPath);
            return new OnnxClassifier(card, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Number of model inputs per row.</summary>
    public int FeatureCount => Preprocessor.FeatureCount;

    /// <summary>
    /// Scores already prepared rows (row-major <c>[rows × FeatureCount]</c>, imputed and scaled) into
    /// <paramref name="scores"/>, one score per row.
    /// </summary>
    public void ScorePrepared(ReadOnlySpan<float> features, Span<float> scores)
    {
        var width = FeatureCount;
        if (features.Length % width != 0)
        {
            throw new ArgumentException($"{features.Length} values are not a whole number of rows of {width} features.", nameof(features));
        }

        var rows = features.Length / width;
        if (scores.Length != rows)
        {
            throw new ArgumentException($"{rows} rows need {rows} scores, got room for {scores.Length}.", nameof(scores));
        }

        using var runOptions = new RunOptions();
        for (var start = 0; start < rows; start += MaxBatchRows)
        {
            var count = Math.Min(MaxBatchRows, rows - start);
            using var input = OrtValue.CreateAllocatedTensorValue(
                OrtAllocator.DefaultInstance, TensorElementType.Float, [count, width]);
            features.Slice(start * width, count * width).CopyTo(input.GetTensorMutableDataAsSpan<float>());
            using var outputs = _session.Run(runOptions, _inputNames, [input], _outputNames);
            var output = outputs[0].GetTensorDataAsSpan<float>();
            if (output.Length != count)
            {
                throw new InvalidOperationException($"Model '{Card.Tag}' returned {output.Length} scores for {count} rows.");
            }

            output.CopyTo(scores.Slice(start, count));
        }
    }

    /// <summary>Prepares (card order, imputation, scaling) and scores rows given as feature name → raw value maps.</summary>
    /// <exception cref="InvalidDataException">A row lacks one of the card's features (the message names row and feature).</exception>
    public float[] Score(IReadOnlyList<IReadOnlyDictionary<string, double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var width = FeatureCount;
        var prepared = new float[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            Preprocessor.Prepare(rows[r], prepared.AsSpan(r * width, width), $"row {r}");
        }

        var scores = new float[rows.Count];
        ScorePrepared(prepared, scores);
        return scores;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private static InferenceSession OpenSession(string onnxPath, SessionOptions options)
    {
        try
        {
            return new InferenceSession(onnxPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{onnxPath}: ONNX Runtime cannot load the model: {ex.Message}", ex);
        }
    }

    private static void CheckSignature(InferenceSession session, ModelCard card, string onnxPath)
    {
        if (session.InputMetadata.Count != 1)
        {
            throw new InvalidDataException(
                $"{onnxPath}: expected a single input (the features), found: {string.Join(", ", session.InputMetadata.Keys)}.");
        }

        var (name, input) = session.InputMetadata.Single();
        if (input.ElementDataType != TensorElementType.Float || input.Dimensions.Length != 2
            || input.Dimensions[1] != card.FeatureNames.Count)
        {
            throw new InvalidDataException(
                $"{onnxPath}: input '{name}' must be float32 [N, {card.FeatureNames.Count}] "
                + $"(the card's feature_names), found {input.ElementDataType} [{string.Join(", ", input.Dimensions)}].");
        }

        if (session.OutputMetadata.Count == 0)
        {
            throw new InvalidDataException($"{onnxPath}: the model has no output.");
        }
    }
}
