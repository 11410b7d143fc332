using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Training.Gbdt;

/// <summary>Writes a trained GBDT as ONNX and proves it scores like LightGBM.</summary>
public static class GbdtOnnxExport
{
    /// <summary>Largest allowed |ONNX − LightGBM| probability difference on the check rows.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>
    /// Writes <paramref name="result"/>'s tree ensemble to <paramref name="onnxPath"/> (TreeEnsembleRegressor + Sigmoid, see
    /// <see cref="OnnxModelWriter.BuildTreeEnsemble"/>), scores <paramref name="check"/> with ONNX Runtime and with LightGBM
    /// (<see cref="GbdtTrainingResult.PredictWithLightGbm"/>), and returns the largest probability difference.
    /// </summary>
    /// <param name="result"></param>
    /// <param name="check"></param>
    /// <param name="onnxPath"></param>
    /// <param name="metadata">metadata_props, e.g. the model's <see cref="Core.Classifiers.ModelIdentity.ToMetadata"/>.</param>
    /// <exception cref="InvalidDataException">
    /// The two disagree by more than <see cref="Tolerance"/> on some row (named in the message); the file is deleted.
    /// </exception>
    public static double Export(
        GbdtTrainingResult result, TrainingSplit check, string onnxPath, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        if (check.Rows == 0)
        {
            throw new ArgumentException("The check split has no rows; the export must be compared on some.", nameof(check));
        }

        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(result.Model, metadata), onnxPath);
        try
        {
            var expected = result.PredictWithLightGbm(check);
            var actual = ScoreWithOnnxRuntime(onnxPath, check);
            var worstRow = -1;
            var maxDifference = 0.0;
            for (var row = 0; row < check.Rows; row++)
            {
                // A NaN on either side (never expected) counts as an infinite difference rather than being skipped.
                var difference = Math.Abs((double)actual[row] - expected[row]);
                difference = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                if (difference > maxDifference)
                {
                    maxDifference = difference;
                    worstRow = row;
                }
            }

            if (maxDifference > Tolerance)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{onnxPath}: ONNX scores differ from LightGBM's by {maxDifference:G3} (> {Tolerance:G}) at check row {worstRow} (ONNX {actual[worstRow]:R}, LightGBM {expected[worstRow]:R}); the file was not kept."));
            }

            return maxDifference;
        }
        catch
        {
            File.Delete(onnxPath);
            throw;
        }
    }

    /// <summary>Scores the rows with the ONNX file (one intra-op thread, batches as <see cref="Core.Classifiers.OnnxClassifier"/>).</summary>
    internal static float[] ScoreWithOnnxRuntime(string onnxPath, TrainingSplit split)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnxPath, options);
        using var runOptions = new RunOptions();
        var width = split.FeatureCount;
        var scores = new float[split.Rows];
        const int batchRows = 4096;
        for (var start = 0; start < split.Rows; start += batchRows)
        {
            var count = Math.Min(batchRows, split.Rows - start);
            using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [count, width]);
            split.Features.AsSpan(start * width, count * width).CopyTo(input.GetTensorMutableDataAsSpan<float>());
            using var outputs = session.Run(runOptions, [OnnxModelWriter.InputName], [input], [OnnxModelWriter.OutputName]);
            outputs[0].GetTensorDataAsSpan<float>()[..count].CopyTo(scores.AsSpan(start, count));
        }

        return scores;
    }
}
