namespace ScopeWeb.Training.Gbdt;

/// <summary>A binned LightGBM data set built from a <see cref="TrainingSplit"/> (features and labels).</summary>
internal sealed class LightGbmDataset : IDisposable
{
    private LightGbmDataset(LightGbmDatasetHandle handle, int rows)
    {
        Handle = handle;
        Rows = rows;
    }

    public LightGbmDatasetHandle Handle { get; }

    public int Rows { get; }

    /// <summary>
    /// Bins <paramref name="split"/>'s float32 matrix. A validation set passes the training set as
    /// <paramref name="reference"/> so it shares the training set's bin boundaries (as LightGBM requires).
    /// </summary>
    public static LightGbmDataset Create(TrainingSplit split, string parameters, LightGbmDataset? reference)
    {
        LightGbmDatasetHandle handle;
        var referencePointer = IntPtr.Zero;
        var addedReference = false;
        try
        {
            if (reference is not null)
            {
                reference.Handle.DangerousAddRef(ref addedReference);
                referencePointer = reference.Handle.DangerousGetHandle();
            }

            LightGbmNative.Check(
                LightGbmNative.LGBM_DatasetCreateFromMat(
                    split.Features, LightGbmNative.DataTypeFloat32, split.Rows, split.FeatureCount, 1, parameters, referencePointer, out handle),
                "LGBM_DatasetCreateFromMat");
        }
        finally
        {
            if (addedReference)
            {
                reference!.Handle.DangerousRelease();
            }
        }

        try
        {
            LightGbmNative.Check(
                LightGbmNative.LGBM_DatasetSetField(handle, "label", split.Labels, split.Rows, LightGbmNative.DataTypeFloat32),
                "LGBM_DatasetSetField(label)");
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return new LightGbmDataset(handle, split.Rows);
    }

    public void Dispose() => Handle.Dispose();
}
