using System.Runtime.InteropServices;

namespace ScopeWeb.Training.Gbdt;

/// <summary>A LightGBM C API call failed; the message carries LightGBM's own error text (LGBM_GetLastError).</summary>
public sealed class LightGbmException : Exception
{
    public LightGbmException()
    {
    }

    public LightGbmException(string message)
        : base(message)
    {
    }

    public LightGbmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// P/Invoke declarations for the LightGBM 4.7 C API (<c>include/LightGBM/c_api.h</c>) in the <c>LightGBM</c> NuGet package's
/// native <c>lib_lightgbm</c>. Every function returns 0 on success and −1 on failure; <see cref="Check"/> turns the
/// failure into a <see cref="LightGbmException"/> with LightGBM's message.
/// </summary>
/// <remarks>
/// Plain <c>DllImport</c> with arrays and SafeHandles (no unsafe code): blittable arrays are pinned for the call, and
/// LightGBM copies what it keeps (datasets bin the matrix on creation), so nothing has to stay pinned afterwards.
/// </remarks>
internal static class LightGbmNative
{
    /// <summary>C_API_DTYPE_FLOAT32.</summary>
    public const int DataTypeFloat32 = 0;

    /// <summary>C_API_PREDICT_NORMAL: probabilities for the binary objective.</summary>
    public const int PredictNormal = 0;

    /// <summary>C_API_PREDICT_RAW_SCORE: the margin before the sigmoid.</summary>
    public const int PredictRawScore = 1;

    /// <summary>C_API_FEATURE_IMPORTANCE_SPLIT.</summary>
    public const int FeatureImportanceSplit = 0;

    private const string Library = "lib_lightgbm";

    // Before the first LightGBM call loads lib_lightgbm, and with it libgomp (see OpenMpWaitPolicy).
    static LightGbmNative() => OpenMpWaitPolicy.EnsurePassive();

    /// <summary>Throws with LightGBM's last error text when <paramref name="result"/> is not 0.</summary>
    public static void Check(int result, string call)
    {
        if (result != 0)
        {
            var message = Marshal.PtrToStringUTF8(LGBM_GetLastError());
            throw new LightGbmException($"LightGBM {call} failed: {(string.IsNullOrWhiteSpace(message) ? "(no error text)" : message)}");
        }
    }

    [DllImport(Library)]
    public static extern IntPtr LGBM_GetLastError();

    [DllImport(Library)]
    public static extern int LGBM_DatasetCreateFromMat(
        float[] data, int dataType, int nrow, int ncol, int isRowMajor,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string parameters, IntPtr reference, out LightGbmDatasetHandle handle);

    [DllImport(Library)]
    public static extern int LGBM_DatasetSetField(
        LightGbmDatasetHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string fieldName, float[] fieldData, int numElement, int type);

    [DllImport(Library)]
    public static extern int LGBM_DatasetFree(IntPtr handle);

    [DllImport(Library)]
    public static extern int LGBM_BoosterCreate(
        LightGbmDatasetHandle trainData, [MarshalAs(UnmanagedType.LPUTF8Str)] string parameters, out LightGbmBoosterHandle handle);

    [DllImport(Library)]
    public static extern int LGBM_BoosterLoadModelFromString(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string modelText, out int numIterations, out LightGbmBoosterHandle handle);

    [DllImport(Library)]
    public static extern int LGBM_BoosterFree(IntPtr handle);

    [DllImport(Library)]
    public static extern int LGBM_BoosterAddValidData(LightGbmBoosterHandle handle, LightGbmDatasetHandle validData);

    [DllImport(Library)]
    public static extern int LGBM_BoosterUpdateOneIter(LightGbmBoosterHandle handle, out int producedEmptyTree);

    [DllImport(Library)]
    public static extern int LGBM_BoosterGetEvalCounts(LightGbmBoosterHandle handle, out int count);

    /// <summary><paramref name="outStrings"/>: <paramref name="length"/> caller-allocated buffers of <paramref name="bufferLength"/> bytes each.</summary>
    [DllImport(Library)]
    public static extern int LGBM_BoosterGetEvalNames(
        LightGbmBoosterHandle handle, int length, out int outLength, nuint bufferLength, out nuint outBufferLength, IntPtr[] outStrings);

    /// <summary>Data index 0 is the training set, 1 the first validation set.</summary>
    [DllImport(Library)]
    public static extern int LGBM_BoosterGetEval(LightGbmBoosterHandle handle, int dataIndex, out int outLength, double[] results);

    [DllImport(Library)]
    public static extern int LGBM_BoosterGetNumPredict(LightGbmBoosterHandle handle, int dataIndex, out long outLength);

    /// <summary>Transformed (probability) predictions of the current model on a training (0) or validation (1…) set.</summary>
    [DllImport(Library)]
    public static extern int LGBM_BoosterGetPredict(LightGbmBoosterHandle handle, int dataIndex, out long outLength, double[] result);

    [DllImport(Library)]
    public static extern int LGBM_BoosterPredictForMat(
        LightGbmBoosterHandle handle, float[] data, int dataType, int nrow, int ncol, int isRowMajor, int predictType,
        int startIteration, int numIteration, [MarshalAs(UnmanagedType.LPUTF8Str)] string parameter, out long outLength, double[] result);

    [DllImport(Library)]
    public static extern int LGBM_BoosterSaveModelToString(
        LightGbmBoosterHandle handle, int startIteration, int numIteration, int featureImportanceType, long bufferLength, out long outLength, byte[] outString);

    [DllImport(Library)]
    public static extern int LGBM_BoosterDumpModel(
        LightGbmBoosterHandle handle, int startIteration, int numIteration, int featureImportanceType, long bufferLength, out long outLength, byte[] outString);
}

/// <summary>Owns a LightGBM <c>DatasetHandle</c>; freed with LGBM_DatasetFree.</summary>
internal sealed class LightGbmDatasetHandle : SafeHandle
{
    public LightGbmDatasetHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => LightGbmNative.LGBM_DatasetFree(handle) == 0;
}

/// <summary>Owns a LightGBM <c>BoosterHandle</c>; freed with LGBM_BoosterFree.</summary>
internal sealed class LightGbmBoosterHandle : SafeHandle
{
    public LightGbmBoosterHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => LightGbmNative.LGBM_BoosterFree(handle) == 0;
}
