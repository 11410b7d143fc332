namespace ScopeWeb.Training;

/// <summary>
/// The files one training run writes (ONNX, LightGBM model text, card, training-set list), each recorded before it is
/// written, so a run that fails or is cancelled removes exactly its own files and never another run's in the same folder.
/// </summary>
public sealed class RunFiles
{
    private readonly Lock _gate = new();
    private readonly List<string> _paths = [];

    public IReadOnlyList<string> Paths
    {
        get
        {
            lock (_gate)
            {
                return [.. _paths];
            }
        }
    }

    /// <summary>Records a file about to be written; returns its path.</summary>
    public string Add(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (_gate)
        {
            _paths.Add(path);
        }

        return path;
    }

    /// <summary>Deletes the recorded files that exist; returns those deleted. A file that cannot be deleted is left (never fails the caller).</summary>
    public IReadOnlyList<string> DeleteAll()
    {
        var deleted = new List<string>();
        foreach (var path in Paths.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                    deleted.Add(path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the run's end is recorded either way.
            }
        }

        return deleted;
    }
}
