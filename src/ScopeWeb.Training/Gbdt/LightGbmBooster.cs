using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ScopeWeb.Training.Gbdt;

/// <summary>A LightGBM booster: trained round by round, or loaded from model text for prediction.</summary>
internal sealed class LightGbmBooster : IDisposable
{
    private readonly LightGbmBoosterHandle _handle;

    private LightGbmBooster(LightGbmBoosterHandle handle)
    {
        _handle = handle;
    }

    /// <summary>A new booster on <paramref name="train"/>, which must outlive it.</summary>
    public static LightGbmBooster Create(LightGbmDataset train, string parameters)
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(train.Handle, parameters, out var handle), "LGBM_BoosterCreate");
        return new LightGbmBooster(handle);
    }

    /// <summary>Loads a model saved with <see cref="SaveModelToString"/>; returns the booster and its iteration count.</summary>
    public static (LightGbmBooster Booster, int Iterations) Load(string modelText)
    {
        LightGbmNative.Check(
            LightGbmNative.LGBM_BoosterLoadModelFromString(modelText, out var iterations, out var handle), "LGBM_BoosterLoadModelFromString");
        return (new LightGbmBooster(handle), iterations);
    }

    /// <summary>Adds a validation set (data index 1 for the first); it must outlive the booster.</summary>
    public void AddValidation(LightGbmDataset validation) =>
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterAddValidData(_handle, validation.Handle), "LGBM_BoosterAddValidData");

    /// <summary>One boosting round; true when LightGBM could not split any more (the empty round is not kept).</summary>
    public bool UpdateOneIteration()
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIter(_handle, out var finished), "LGBM_BoosterUpdateOneIter");
        return finished != 0;
    }

    /// <summary>The metric names in the order <see cref="Evaluate"/> reports them (e.g. <c>auc</c>, <c>binary_logloss</c>).</summary>
    public IReadOnlyList<string> EvaluationNames()
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEvalCounts(_handle, out var count), "LGBM_BoosterGetEvalCounts");
        const int bufferLength = 128;
        var buffers = new IntPtr[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                buffers[i] = Marshal.AllocHGlobal(bufferLength);
            }

            LightGbmNative.Check(
                LightGbmNative.LGBM_BoosterGetEvalNames(_handle, count, out var written, bufferLength, out var needed, buffers),
                "LGBM_BoosterGetEvalNames");
            if (needed > bufferLength)
            {
                throw new LightGbmException(string.Create(CultureInfo.InvariantCulture, $"LightGBM metric name needs {needed} bytes, more than {bufferLength}."));
            }

            return [.. buffers.Take(written).Select(buffer => Marshal.PtrToStringUTF8(buffer) ?? string.Empty)];
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }

    /// <summary>Metric values on data set <paramref name="dataIndex"/> (0 training, 1 first validation set), in <see cref="EvaluationNames"/> order.</summary>
    public double[] Evaluate(int dataIndex, int metricCount)
    {
        var results = new double[metricCount];
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEval(_handle, dataIndex, out var length, results), "LGBM_BoosterGetEval");
        return length == metricCount ? results : results[..Math.Min(length, metricCount)];
    }

    /// <summary>Probabilities of the current model on data set <paramref name="dataIndex"/>, written into <paramref name="result"/>.</summary>
    public void PredictDataset(int dataIndex, double[] result)
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumPredict(_handle, dataIndex, out var needed), "LGBM_BoosterGetNumPredict");
        if (needed != result.Length)
        {
            throw new LightGbmException(string.Create(CultureInfo.InvariantCulture, $"LightGBM has {needed} predictions for data set {dataIndex}, expected {result.Length}."));
        }

        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetPredict(_handle, dataIndex, out _, result), "LGBM_BoosterGetPredict");
    }

    /// <summary>
    /// Scores a row-major float32 matrix with the first <paramref name="iterations"/> rounds (≤ 0: all):
    /// probabilities, or margins when <paramref name="raw"/>.
    /// </summary>
    public double[] Predict(float[] features, int rows, int featureCount, int iterations, bool raw, int threads)
    {
        var result = new double[rows];
        if (rows == 0)
        {
            return result;
        }

        var parameter = string.Create(CultureInfo.InvariantCulture, $"num_threads={threads}");
        LightGbmNative.Check(
            LightGbmNative.LGBM_BoosterPredictForMat(
                _handle, features, LightGbmNative.DataTypeFloat32, rows, featureCount, 1,
                raw ? LightGbmNative.PredictRawScore : LightGbmNative.PredictNormal, 0, iterations, parameter, out var length, result),
            "LGBM_BoosterPredictForMat");
        if (length != rows)
        {
            throw new LightGbmException(string.Create(CultureInfo.InvariantCulture, $"LightGBM returned {length} predictions for {rows} rows."));
        }

        return result;
    }

    /// <summary>LightGBM's model text of rounds [0, <paramref name="iterations"/>) (≤ 0: all), loadable with <see cref="Load"/>.</summary>
    public string SaveModelToString(int iterations) =>
        ReadString(
            (int length, out long needed, byte[] buffer) => LightGbmNative.LGBM_BoosterSaveModelToString(
                _handle, 0, iterations, LightGbmNative.FeatureImportanceSplit, length, out needed, buffer),
            "LGBM_BoosterSaveModelToString");

    /// <summary>The JSON dump of rounds [0, <paramref name="iterations"/>) (≤ 0: all): tree structure with thresholds and missing-value rules.</summary>
    public string DumpModel(int iterations) =>
        ReadString(
            (int length, out long needed, byte[] buffer) => LightGbmNative.LGBM_BoosterDumpModel(
                _handle, 0, iterations, LightGbmNative.FeatureImportanceSplit, length, out needed, buffer),
            "LGBM_BoosterDumpModel");

    public void Dispose() => _handle.Dispose();

    /// <summary>LightGBM's string getters report the length they need (with the terminating NUL); call again when it did not fit.</summary>
    private static string ReadString(StringGetter getter, string call)
    {
        var buffer = new byte[1 << 20];
        LightGbmNative.Check(getter(buffer.Length, out var needed, buffer), call);
        if (needed > buffer.Length)
        {
            buffer = new byte[checked((int)needed)];
            LightGbmNative.Check(getter(buffer.Length, out needed, buffer), call);
        }

        var length = Array.IndexOf(buffer, (byte)0, 0, (int)Math.Min(needed, buffer.Length));
        return Encoding.UTF8.GetString(buffer, 0, length < 0 ? (int)Math.Min(needed, buffer.Length) : length);
    }

    private delegate int StringGetter(int length, out long needed, byte[] buffer);
}
