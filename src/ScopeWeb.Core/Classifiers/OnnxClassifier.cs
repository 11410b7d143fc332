using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.FeatureExtraction.Dmdt;

namespace ScopeWeb.Core.Classifiers;

/// <summary>
/// Scores rows with one ONNX model described by a <see cref="ModelCard"/>. Holds one ONNX Runtime session; scoring
/// is thread-safe (InferenceSession.Run is) and batched.
/// </summary>
/// <remarks>
/// The model takes a float32 features input <c>[N, F]</c> (F = the card's feature count) and, when the card has
/// <c>uses_dmdt</c>, a float32 dmdt input holding the 26×26 image per row as <c>[N, 26, 26, 1]</c> (Keras/tf2onnx NHWC),
/// <c>[N, 1, 26, 26]</c> (torch NCHW) or <c>[N, 26, 26]</c>. Inputs are told apart by shape (names containing
/// "dmdt"/"feature" settle ties), so models converted with tf2onnx or exported by torch.onnx.export load whatever
/// their tensors are called. The score is a float output <c>[N]</c>, <c>[N, 1]</c>, or <c>[N, 2]</c> (two-class
/// softmax, of which column 1 is used). A hierarchical card (<see cref="ModelAlgorithm.Hierarchical"/>) instead needs a
/// float output <c>[N, K]</c> of leaf-class probabilities in the card's <c>classes</c> order (named <c>probabilities</c>
/// when the model has several outputs), scored with <see cref="ScoreClasses"/> / <see cref="ScoreClassesPrepared"/>.
/// </remarks>
public sealed class OnnxClassifier : IDisposable
{
    /// <summary>Rows per ONNX Runtime call; large enough to amortise call overhead, small enough to stay in cache.</summary>
    public const int MaxBatchRows = 4096;

    /// <summary>
    /// Rows per ONNX Runtime call for models with a dmdt input. A conv branch's activations for 64 rows stay in the
    /// caches; at 4096 rows each session's arena grows to ~0.7 GB and keeps it (15.8 GB for 22 ScopeNet sessions), and
    /// scoring runs ~30× slower per row (<c>scope-bench inference</c>, docs/benchmarks.md).
    /// </summary>
    public const int MaxDmdtBatchRows = 64;

    /// <summary>Values per dmdt image: 26 dm bins × 26 dt bins, row-major (rows = dm bins), as <see cref="DmdtHistogram"/>.</summary>
    public const int DmdtLength = DmdtHistogram.Length;

    private const string DmdtShapes = "[N, 26, 26, 1] (Keras NHWC), [N, 1, 26, 26] (torch NCHW) or [N, 26, 26]";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    // The dmdt input's shape after the batch axis: with one channel every accepted layout holds the 676 values in the
    // same row-major order, so only the tensor shape differs.
    private readonly long[] _dmdtRowShape;

    // Input tensors are reused per thread while the batch shape stays the same: rows are copied straight into the
    // tensor's native buffer, and a steady stream of equal batches (or of single sources) allocates nothing.
    private readonly ThreadLocal<InputTensors> _inputs = new(() => new InputTensors(), trackAllValues: true);

    private OnnxClassifier(ModelCard card, InferenceSession session, Signature signature, string? notice)
    {
        Card = card;
        Notice = notice;
        _session = session;
        _inputNames = signature.DmdtInput is { } dmdt ? [signature.FeaturesInput, dmdt] : [signature.FeaturesInput];
        _outputNames = [signature.Output];
        _dmdtRowShape = signature.DmdtRowShape;
        Preprocessor = new FeaturePreprocessor(card);
    }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>The card's imputation and scaling.</summary>
    public FeaturePreprocessor Preprocessor { get; }

    /// <summary>
    /// Whether the ONNX file records what it was made for (<see cref="ModelIdentity"/>) and the card agrees with it.
    /// False for a model made elsewhere (tf2onnx, torch.onnx.export) or by an older ScopeWeb: it is scored, with <see cref="Notice"/>.
    /// </summary>
    public bool IsVerified => Notice is null;

    /// <summary>Why the card could only be partly checked against its model (null when <see cref="IsVerified"/>).</summary>
    public string? Notice { get; }

    /// <summary>Whether the model also takes a dmdt image per row (the card's <c>uses_dmdt</c>).</summary>
    public bool UsesDmdt => Card.UsesDmdt;

    /// <summary>Whether the model gives leaf-class probabilities (<see cref="ScoreClasses"/>) rather than one score per row.</summary>
    public bool IsHierarchical => Card.Algorithm == ModelAlgorithm.Hierarchical;

    /// <summary>Leaf classes of a hierarchical model in output order (the card's <c>classes</c>); empty for a binary model.</summary>
    public IReadOnlyList<string> Classes => Card.Classes ?? [];

    /// <summary>Number of model inputs per row.</summary>
    public int FeatureCount => Preprocessor.FeatureCount;

    /// <summary>Rows per ONNX Runtime call: <see cref="MaxDmdtBatchRows"/> for a model with a dmdt input, else <see cref="MaxBatchRows"/>.</summary>
    public int BatchRows => UsesDmdt ? MaxDmdtBatchRows : MaxBatchRows;

    /// <summary>
    /// Loads a card and its ONNX file (<c>onnx_file</c>, relative to the card's folder). By default ONNX Runtime uses one
    /// intra-op thread per call, so concurrent callers share the cores rather than oversubscribing them.
    /// </summary>
    /// <remarks>
    /// The ONNX file must be in the card's folder (<see cref="ModelFolder.OnnxPath"/>). When it records its identity
    /// (<see cref="ModelIdentity"/>: tag, algorithm, feature order, classes), the card must agree with it; when it records
    /// none, it loads with a <see cref="Notice"/> (see docs/architecture.md, "Model registry").
    /// </remarks>
    /// <exception cref="InvalidDataException">The card is invalid, or the ONNX file does not match it (the message names both and the first difference).</exception>
    public static OnnxClassifier Load(string cardPath, SessionOptions? options = null)
    {
        var card = ModelCard.Load(cardPath);
        return Create(card, ModelFolder.OnnxPath(cardPath, card), cardPath, options);
    }

    /// <summary>Opens <paramref name="onnxPath"/> for an already loaded card.</summary>
    /// <exception cref="InvalidDataException">The ONNX file does not match the card.</exception>
    public static OnnxClassifier Create(ModelCard card, string onnxPath, string cardSource, SessionOptions? options = null) =>
        Open(card, onnxPath, onnxPath, cardSource, $"{cardSource} (feature_names)", options);

    /// <summary>As <see cref="Create(ModelCard, string, string, SessionOptions?)"/>, naming the model <paramref name="onnxLabel"/> in messages (for a file under a temporary name).</summary>
    internal static OnnxClassifier CreateNamed(ModelCard card, string onnxPath, string cardSource, string onnxLabel) =>
        Open(card, onnxPath, onnxLabel, cardSource, $"{cardSource} (feature_names)", options: null);

    /// <summary>
    /// Checks that <paramref name="onnxPath"/> can be scored with <paramref name="card"/> (the same checks as
    /// <see cref="Create"/>), e.g. before importing a model writes anything. <paramref name="cardSource"/> names the card
    /// and <paramref name="featureSource"/> the origin of its feature list (e.g. <c>--features</c>) in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The card is invalid or the model's inputs or output do not fit it.</exception>
    public static void CheckModel(ModelCard card, string onnxPath, string cardSource, string featureSource)
    {
        using var classifier = Open(card, onnxPath, onnxPath, cardSource, featureSource, options: null);
    }

    /// <summary>
    /// Scores already prepared rows of a features-only model (row-major <c>[rows × FeatureCount]</c>, imputed and
    /// scaled) into <paramref name="scores"/>, one score per row.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model also needs dmdt images (<see cref="UsesDmdt"/>).</exception>
    public void ScorePrepared(ReadOnlySpan<float> features, Span<float> scores)
    {
        if (UsesDmdt)
        {
            throw new InvalidOperationException(NeedsDmdtMessage());
        }

        ScorePrepared(features, [], scores);
    }

    /// <summary>
    /// Scores already prepared rows (row-major <c>[rows × FeatureCount]</c>, imputed and scaled) with their dmdt images
    /// (row-major <c>[rows × <see cref="DmdtLength"/>]</c>, each image's rows dm bins) into <paramref name="scores"/>.
    /// A features-only model takes an empty <paramref name="dmdt"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans' lengths do not fit the row count, or a features-only model got images.</exception>
    public void ScorePrepared(ReadOnlySpan<float> features, ReadOnlySpan<float> dmdt, Span<float> scores)
    {
        if (IsHierarchical)
        {
            throw new InvalidOperationException(
                $"Model '{Card.Tag}' is hierarchical: it gives {Classes.Count} class probabilities per row, not one score; call ScoreClasses or ScoreClassesPrepared.");
        }

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

        if (!UsesDmdt && !dmdt.IsEmpty)
        {
            throw new ArgumentException(
                $"Model '{Card.Tag}' takes no dmdt image (uses_dmdt is false), but {dmdt.Length} dmdt values were given.", nameof(dmdt));
        }

        if (UsesDmdt && dmdt.Length != rows * DmdtLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Model '{Card.Tag}' needs {DmdtLength} dmdt values per row, {rows * DmdtLength} for {rows} rows; got {dmdt.Length}."), nameof(dmdt));
        }

        using var runOptions = new RunOptions();
        var batchRows = BatchRows;
        for (var start = 0; start < rows; start += batchRows)
        {
            var count = Math.Min(batchRows, rows - start);
            var inputs = _inputs.Value!;
            var featureInput = inputs.Features(count, width);
            features.Slice(start * width, count * width).CopyTo(featureInput.GetTensorMutableDataAsSpan<float>());
            var dmdtInput = UsesDmdt ? inputs.Dmdt(count, _dmdtRowShape) : null;
            if (dmdtInput is not null)
            {
                dmdt.Slice(start * DmdtLength, count * DmdtLength).CopyTo(dmdtInput.GetTensorMutableDataAsSpan<float>());
            }

            using var outputs = _session.Run(runOptions, _inputNames, dmdtInput is null ? [featureInput] : [featureInput, dmdtInput], _outputNames);
            CopyScores(outputs[0], count, scores.Slice(start, count));
        }
    }

    /// <summary>
    /// Scores already prepared rows (row-major <c>[rows × FeatureCount]</c>, imputed and scaled) of a hierarchical model
    /// into <paramref name="probabilities"/>, row-major <c>[rows × Classes.Count]</c> in <see cref="Classes"/> order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not hierarchical.</exception>
    /// <exception cref="ArgumentException">The spans' lengths do not fit the row count.</exception>
    public void ScoreClassesPrepared(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        if (!IsHierarchical)
        {
            throw new InvalidOperationException($"Model '{Card.Tag}' ({ModelRegistry.AlgorithmName(Card.Algorithm)}) gives one score per row; call ScorePrepared.");
        }

        var width = FeatureCount;
        var classes = Classes.Count;
        if (features.Length % width != 0)
        {
            throw new ArgumentException($"{features.Length} values are not a whole number of rows of {width} features.", nameof(features));
        }

        var rows = features.Length / width;
        if (probabilities.Length != rows * classes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{rows} rows of {classes} classes need {rows * classes} probabilities, got room for {probabilities.Length}."), nameof(probabilities));
        }

        using var runOptions = new RunOptions();
        for (var start = 0; start < rows; start += MaxBatchRows)
        {
            var count = Math.Min(MaxBatchRows, rows - start);
            var featureInput = _inputs.Value!.Features(count, width);
            features.Slice(start * width, count * width).CopyTo(featureInput.GetTensorMutableDataAsSpan<float>());
            using var outputs = _session.Run(runOptions, _inputNames, [featureInput], _outputNames);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            if (shape is not [var n, var k] || n != count || k != classes)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Model '{Card.Tag}' returned an output of shape [{string.Join(", ", shape)}] for {count} rows; expected [{count}, {classes}]."));
            }

            outputs[0].GetTensorDataAsSpan<float>().CopyTo(probabilities.Slice(start * classes, count * classes));
        }
    }

    /// <summary>
    /// Prepares (card order, imputation, scaling) and scores rows of a hierarchical model given as feature name → raw
    /// value maps; returns row-major <c>[rows × Classes.Count]</c> probabilities in <see cref="Classes"/> order.
    /// </summary>
    /// <exception cref="InvalidDataException">A row lacks one of the card's features (the message names row and feature).</exception>
    /// <exception cref="InvalidOperationException">The model is not hierarchical.</exception>
    public float[] ScoreClasses(IReadOnlyList<IReadOnlyDictionary<string, double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var width = FeatureCount;
        var prepared = new float[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            Preprocessor.Prepare(rows[r], prepared.AsSpan(r * width, width), $"row {r}");
        }

        var probabilities = new float[rows.Count * Classes.Count];
        ScoreClassesPrepared(prepared, probabilities);
        return probabilities;
    }

    /// <summary>Prepares (card order, imputation, scaling) and scores rows given as feature name → raw value maps.</summary>
    /// <exception cref="InvalidDataException">A row lacks one of the card's features (the message names row and feature).</exception>
    /// <exception cref="InvalidOperationException">The model also needs dmdt images; use the overload that takes them.</exception>
    public float[] Score(IReadOnlyList<IReadOnlyDictionary<string, double>> rows) => Score(rows, null);

    /// <summary>
    /// Prepares and scores rows with one dmdt image per row (<see cref="DmdtLength"/> values, row-major, rows = dm bins).
    /// A null image is the all-zero image, as SCoPe's empty histogram. Features-only models ignore
    /// <paramref name="dmdts"/>, so one call serves a mixed set of models.
    /// </summary>
    /// <exception cref="InvalidDataException">A row lacks one of the card's features (the message names row and feature).</exception>
    /// <exception cref="ArgumentException">The image count differs from the row count, or an image is not 676 values.</exception>
    /// <exception cref="InvalidOperationException">The model needs dmdt images and <paramref name="dmdts"/> is null.</exception>
    public float[] Score(IReadOnlyList<IReadOnlyDictionary<string, double>> rows, IReadOnlyList<float[]?>? dmdts)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var width = FeatureCount;
        var prepared = new float[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            Preprocessor.Prepare(rows[r], prepared.AsSpan(r * width, width), $"row {r}");
        }

        var images = Array.Empty<float>();
        if (UsesDmdt)
        {
            if (dmdts is null)
            {
                throw new InvalidOperationException(NeedsDmdtMessage());
            }

            if (dmdts.Count != rows.Count)
            {
                throw new ArgumentException($"{rows.Count} rows need {rows.Count} dmdt images, got {dmdts.Count}.", nameof(dmdts));
            }

            images = new float[rows.Count * DmdtLength];
            for (var r = 0; r < rows.Count; r++)
            {
                if (dmdts[r] is not { } image)
                {
                    continue;
                }

                if (image.Length != DmdtLength)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"row {r}: a dmdt image has {DmdtLength} values (26 × 26), not {image.Length}."), nameof(dmdts));
                }

                image.CopyTo(images, r * DmdtLength);
            }
        }

        var scores = new float[rows.Count];
        ScorePrepared(prepared, images, scores);
        return scores;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var inputs in _inputs.Values)
        {
            inputs.Dispose();
        }

        _inputs.Dispose();
        _session.Dispose();
    }

    /// <summary>One thread's input tensors, re-created only when the batch shape changes.</summary>
    private sealed class InputTensors : IDisposable
    {
        private OrtValue? _features;
        private long _featureRows = -1;
        private OrtValue? _dmdt;
        private long _dmdtRows = -1;

        public OrtValue Features(int rows, int width)
        {
            if (_features is null || _featureRows != rows)
            {
                _features?.Dispose();
                _features = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [rows, width]);
                _featureRows = rows;
            }

            return _features;
        }

        public OrtValue Dmdt(int rows, long[] rowShape)
        {
            if (_dmdt is null || _dmdtRows != rows)
            {
                _dmdt?.Dispose();
                _dmdt = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [rows, .. rowShape]);
                _dmdtRows = rows;
            }

            return _dmdt;
        }

        public void Dispose()
        {
            _features?.Dispose();
            _dmdt?.Dispose();
        }
    }

    private string NeedsDmdtMessage() =>
        $"Model '{Card.Tag}' (uses_dmdt) needs a dmdt image per row: call ScorePrepared(features, dmdt, scores) or Score(rows, dmdts).";

    private void CopyScores(OrtValue output, int count, Span<float> destination)
    {
        var shape = output.GetTensorTypeAndShape().Shape;
        var values = output.GetTensorDataAsSpan<float>();
        var columns = shape.Length switch
        {
            1 when shape[0] == count => 1,
            2 when shape[0] == count && shape[1] is 1 or 2 => (int)shape[1],
            _ => 0,
        };
        if (columns == 0)
        {
            throw new InvalidOperationException(
                $"Model '{Card.Tag}' returned an output of shape [{string.Join(", ", shape)}] for {count} rows; expected [{count}], [{count}, 1] or [{count}, 2].");
        }

        if (columns == 1)
        {
            values.CopyTo(destination);
            return;
        }

        // Two-class softmax: column 1 is the class probability.
        for (var r = 0; r < count; r++)
        {
            destination[r] = values[(2 * r) + 1];
        }
    }

    private static OnnxClassifier Open(ModelCard card, string onnxPath, string onnxLabel, string cardSource, string featureSource, SessionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(card);
        card.Validate(cardSource);
        if (!File.Exists(onnxPath))
        {
            throw new InvalidDataException($"{cardSource}: field 'onnx_file': {onnxLabel} does not exist.");
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
            session = OpenSession(onnxPath, onnxLabel, defaults);
        }
        else
        {
            session = OpenSession(onnxPath, onnxLabel, options);
        }

        try
        {
            var notice = CheckIdentity(session, card, onnxLabel, cardSource);
            return new OnnxClassifier(card, session, CheckSignature(session, card, onnxLabel, featureSource), notice);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static InferenceSession OpenSession(string onnxPath, string onnxLabel, SessionOptions options)
    {
        try
        {
            return new InferenceSession(onnxPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{onnxLabel}: ONNX Runtime cannot load the model: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Refuses a card whose tag, algorithm, feature order or classes differ from what the ONNX file records; returns a
    /// notice when the file records nothing (made elsewhere or by an older ScopeWeb), which is accepted: refusing it
    /// would refuse every model converted by tf2onnx or torch.onnx.export, whose input width is still checked.
    /// </summary>
    private static string? CheckIdentity(InferenceSession session, ModelCard card, string onnxLabel, string cardSource)
    {
        var recorded = ModelIdentity.FromMetadata(session.ModelMetadata.CustomMetadataMap, onnxLabel);
        if (recorded is null)
        {
            return $"{onnxLabel} carries no ScopeWeb metadata ({ModelIdentity.TagKey}, {ModelIdentity.FeaturesKey}): its input width was checked "
                + "against the card, but not its feature order or tag. Import it with `scope models import --onnx`, or, once the card is known to be "
                + "right, record the card's in it with `scope models stamp`.";
        }

        if (ModelIdentity.Of(card).FirstDifferenceFrom(recorded) is { } difference)
        {
            throw new InvalidDataException($"{cardSource}: the card does not match {onnxLabel}: {difference}. The model is not loaded.");
        }

        return null;
    }

    /// <summary>Which model input gets what, and which output is the score.</summary>
    private sealed record Signature(string FeaturesInput, string? DmdtInput, long[] DmdtRowShape, string Output);

    private static Signature CheckSignature(InferenceSession session, ModelCard card, string onnxPath, string featureSource)
    {
        var inputs = session.InputMetadata.Select(pair => (Name: pair.Key, Node: pair.Value)).ToList();
        var featureCount = card.FeatureNames.Count;
        var expected = card.UsesDmdt
            ? string.Create(CultureInfo.InvariantCulture, $"float32 features [N, {featureCount}] and a float32 dmdt image {DmdtShapes}")
            : string.Create(CultureInfo.InvariantCulture, $"one float32 features input [N, {featureCount}]");
        if (inputs.Count == 0)
        {
            throw new InvalidDataException($"{onnxPath}: the model has no inputs; expected {expected}.");
        }

        foreach (var (name, node) in inputs)
        {
            if (!node.IsTensor || node.ElementDataType != TensorElementType.Float)
            {
                throw new InvalidDataException(
                    $"{onnxPath}: input '{name}' is {Describe(node)}; ScopeWeb feeds float32 tensors only ({expected}).");
            }
        }

        string? dmdtInput = null;
        long[] dmdtRowShape = [];
        if (card.UsesDmdt)
        {
            var candidates = inputs.Where(input => DmdtRowShape(input.Node) is not null).ToList();
            if (candidates.Count == 0)
            {
                throw new InvalidDataException(
                    $"{onnxPath}: the card uses dmdt (uses_dmdt, --dmdt), but the model has no dmdt input: expected a float32 input {DmdtShapes}; "
                    + $"the model's inputs are {DescribeAll(inputs)}.");
            }

            var dmdt = Pick(candidates, "dmdt", "dmdt", onnxPath);
            dmdtInput = dmdt.Name;
            dmdtRowShape = DmdtRowShape(dmdt.Node)!;
        }

        var rank2 = inputs.Where(input => input.Name != dmdtInput && input.Node.Dimensions.Length == 2).ToList();
        var fitting = rank2.Where(input => input.Node.Dimensions[1] == featureCount || input.Node.Dimensions[1] < 0).ToList();
        if (fitting.Count == 0)
        {
            var names = string.Join(", ", card.FeatureNames);
            if (rank2.Count == 1)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{onnxPath}: input '{rank2[0].Name}' has shape [{Shape(rank2[0].Node)}], but {featureSource} lists {featureCount} features ({names}); "
                    + $"expected float32 [N, {featureCount}]."));
            }

            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{onnxPath}: no features input: expected float32 [N, {featureCount}] ({featureSource} lists {featureCount} features: {names}); "
                + $"the model's inputs are {DescribeAll(inputs)}."));
        }

        var features = Pick(fitting, "feature", "features", onnxPath);
        var extra = inputs.Where(input => input.Name != features.Name && input.Name != dmdtInput).ToList();
        if (extra.Count > 0)
        {
            var unusedImage = extra.FirstOrDefault(input => DmdtRowShape(input.Node) is not null);
            if (!card.UsesDmdt && unusedImage.Name is not null)
            {
                throw new InvalidDataException(
                    $"{onnxPath}: input '{unusedImage.Name}' {Describe(unusedImage.Node)} looks like a dmdt image, but the card does not use dmdt "
                    + "(uses_dmdt is false; import the model with --dmdt).");
            }

            throw new InvalidDataException(
                $"{onnxPath}: unexpected input{(extra.Count > 1 ? "s" : "")} {DescribeAll(extra)}; expected only {expected} "
                + $"(features: '{features.Name}'{(dmdtInput is null ? "" : $", dmdt: '{dmdtInput}'")}).");
        }

        foreach (var (name, node) in inputs)
        {
            if (node.Dimensions[0] > 0)
            {
                // Rows are scored in batches of up to MaxBatchRows; a batch axis fixed at export cannot take them.
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{onnxPath}: input '{name}' has a fixed batch size of {node.Dimensions[0]} ([{Shape(node)}]); export the model with a dynamic "
                    + $"batch axis (torch.onnx.export(..., dynamic_axes={{'{name}': {{0: 'N'}}}}); tf2onnx keeps Keras' batch axis dynamic)."));
            }
        }

        var output = card.Algorithm == ModelAlgorithm.Hierarchical ? PickClassesOutput(session, card, onnxPath) : PickOutput(session, onnxPath);
        return new Signature(features.Name, dmdtInput, dmdtRowShape, output);
    }

    /// <summary>The per-row shape of an accepted dmdt layout, or null when <paramref name="node"/> is not one.</summary>
    private static long[]? DmdtRowShape(NodeMetadata node)
    {
        const int side = DmdtHistogram.DmBinCount;
        return node.Dimensions switch
        {
            [_, side, side, 1] => [side, side, 1],
            [_, 1, side, side] => [1, side, side],
            [_, side, side] => [side, side],
            _ => null,
        };
    }

    /// <summary>The only candidate, else the only one whose name contains <paramref name="hint"/>.</summary>
    private static (string Name, NodeMetadata Node) Pick(
        List<(string Name, NodeMetadata Node)> candidates, string hint, string role, string onnxPath)
    {
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        var named = candidates.Where(c => c.Name.Contains(hint, StringComparison.OrdinalIgnoreCase)).ToList();
        if (named.Count == 1)
        {
            return named[0];
        }

        throw new InvalidDataException(
            $"{onnxPath}: cannot tell which input is the {role} input: {DescribeAll(candidates)} all fit; "
            + $"name exactly one of them with '{hint}' in it.");
    }

    private static string PickOutput(InferenceSession session, string onnxPath)
    {
        var outputs = session.OutputMetadata.Select(pair => (Name: pair.Key, Node: pair.Value)).ToList();
        if (outputs.Count == 0)
        {
            throw new InvalidDataException($"{onnxPath}: the model has no output.");
        }

        // Ours is called "score"; models made elsewhere (tf2onnx, torch.onnx.export) name theirs as they like.
        var fitting = outputs.Where(output => IsScoreOutput(output.Node)).ToList();
        if (fitting.FirstOrDefault(output => output.Name == OnnxModelWriter.OutputName) is { Name: not null } ours)
        {
            return ours.Name;
        }

        if (fitting.Count == 0)
        {
            throw new InvalidDataException(
                $"{onnxPath}: no output gives one score per row: expected float32 [N], [N, 1] or [N, 2] (a two-class softmax, of which column 1 is used); "
                + $"the model's outputs are {DescribeAll(outputs)}.");
        }

        return fitting[0].Name;
    }

    /// <summary>A hierarchical model's float [N, K] leaf-probability output (K = the card's class count).</summary>
    private static string PickClassesOutput(InferenceSession session, ModelCard card, string onnxPath)
    {
        var classes = card.Classes?.Count ?? 0;
        var outputs = session.OutputMetadata.Select(pair => (Name: pair.Key, Node: pair.Value)).ToList();
        var fitting = outputs.Where(output => output.Node.IsTensor && output.Node.ElementDataType == TensorElementType.Float
            && output.Node.Dimensions is [_, var k] && (k == classes || k < 0)).ToList();
        if (fitting.FirstOrDefault(output => output.Name == OnnxModelWriter.ProbabilitiesOutputName) is { Name: not null } ours)
        {
            return ours.Name;
        }

        if (fitting.Count == 1)
        {
            return fitting[0].Name;
        }

        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{onnxPath}: no output gives the {classes} class probabilities the card lists (classes): expected float32 [N, {classes}] "
            + $"named '{OnnxModelWriter.ProbabilitiesOutputName}'; the model's outputs are {DescribeAll(outputs)}."));
    }

    private static bool IsScoreOutput(NodeMetadata node) =>
        node.IsTensor && node.ElementDataType == TensorElementType.Float && node.Dimensions switch
        {
            [_] => true,
            [_, var columns] => columns is 1 or 2 or < 0,
            _ => false,
        };

    private static string DescribeAll(IEnumerable<(string Name, NodeMetadata Node)> nodes) =>
        string.Join(", ", nodes.Select(n => $"'{n.Name}' {Describe(n.Node)}"));

    private static string Describe(NodeMetadata node) =>
        node.IsTensor ? $"{ElementName(node.ElementDataType)} [{Shape(node)}]" : node.OnnxValueType.ToString();

    private static string ElementName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>Dimensions with dynamic ones shown as <c>?</c>.</summary>
    private static string Shape(NodeMetadata node) =>
        string.Join(", ", node.Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)));
}
