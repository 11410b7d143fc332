using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Training.Dnn;

/// <summary>
/// Writes a trained ScopeNet as ONNX (<see cref="OnnxModelWriter.BuildScopeNet"/>) and proves the file computes what
/// torch computes: both score the same check rows and must agree to <see cref="Tolerance"/>.
/// </summary>
public static class DnnOnnxExport
{
    /// <summary>Largest allowed |ONNX Runtime − torch| score difference.</summary>
    public const double Tolerance = 1e-5;

    private const int BatchRows = 4096;

    /// <summary>
    /// Builds the ONNX model of <paramref name="result"/>'s weights, writes it to <paramref name="onnxPath"/>, scores
    /// <paramref name="check"/> with ONNX Runtime and with the torch module, and returns the largest absolute difference.
    /// </summary>
    /// <param name="result">The trained network.</param>
    /// <param name="check">Rows to compare on (e.g. the validation or test split); must fit the network's branches.</param>
    /// <param name="onnxPath">Where to write the model. On a mismatch the file is deleted.</param>
    /// <param name="metadata">ONNX metadata properties, e.g. the model's <see cref="Core.Classifiers.ModelIdentity.ToMetadata"/>.</param>
    /// <exception cref="InvalidDataException">ONNX Runtime and torch differ by more than <see cref="Tolerance"/> (the message names the row).</exception>
    public static double Export(DnnTrainingResult result, TrainingSplit check, string onnxPath, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);

        var torchScores = result.PredictWithTorch(check);
        OnnxModelWriter.Write(OnnxModelWriter.BuildScopeNet(result.Weights, metadata), onnxPath);
        float[] onnxScores;
        try
        {
            onnxScores = ScoreWithOnnxRuntime(onnxPath, result.Weights, check);
        }
        catch
        {
            File.Delete(onnxPath);
            throw;
        }

        double maxDifference = 0;
        var worstRow = 0;
        for (var row = 0; row < torchScores.Length; row++)
        {
            var difference = Math.Abs((double)onnxScores[row] - torchScores[row]);
            if (!(difference <= maxDifference))
            {
                maxDifference = difference;
                worstRow = row;
            }
        }

        if (!(maxDifference <= Tolerance))
        {
            File.Delete(onnxPath);
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{onnxPath}: ONNX Runtime and torch disagree on check row {worstRow}: {onnxScores[worstRow]} vs {torchScores[worstRow]} (|diff| {maxDifference:G3} > {Tolerance:G3}); the file was removed."));
        }

        return maxDifference;
    }

    /// <summary>Scores <paramref name="split"/> with the ONNX file (inputs named as BuildScopeNet names them), one intra-op thread.</summary>
    internal static float[] ScoreWithOnnxRuntime(string onnxPath, ScopeNetWeights weights, TrainingSplit split)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnxPath, options);
        using var runOptions = new RunOptions();
        var dense = weights.Dense is not null;
        var conv = weights.Conv is not null;
        var names = new List<string>();
        if (dense)
        {
            names.Add(OnnxModelWriter.InputName);
        }

        if (conv)
        {
            names.Add(OnnxModelWriter.DmdtInputName);
        }

        var scores = new float[split.Rows];
        for (var start = 0; start < split.Rows; start += BatchRows)
        {
            var count = Math.Min(BatchRows, split.Rows - start);
            var inputs = new List<OrtValue>();
            try
            {
                if (dense)
                {
                    var width = split.FeatureCount;
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(
                        OrtMemoryInfo.DefaultInstance, split.Features.AsMemory(start * width, count * width), [count, width]));
                }

                if (conv)
                {
                    var size = ScopeNetWeights.DmdtSize;
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(
                        OrtMemoryInfo.DefaultInstance,
                        split.Dmdt!.AsMemory(start * TrainingSplit.DmdtLength, count * TrainingSplit.DmdtLength),
                        [count, 1, size, size]));
                }

                using var outputs = session.Run(runOptions, names, inputs, [OnnxModelWriter.OutputName]);
                outputs[0].GetTensorDataAsSpan<float>().CopyTo(scores.AsSpan(start, count));
            }
            finally
            {
                foreach (var input in inputs)
                {
                    input.Dispose();
                }
            }
        }

        return scores;
    }
}
