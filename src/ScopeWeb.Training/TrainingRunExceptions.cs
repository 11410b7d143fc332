using System.Globalization;

namespace ScopeWeb.Training;

/// <summary>A run was cancelled through the catalog (the training page of another process, or before it started); recorded as cancelled.</summary>
public sealed class TrainingRunCancelledException(long runId, string reason)
    : OperationCanceledException(string.Create(CultureInfo.InvariantCulture, $"Run {runId}: {reason}"))
{
    public long RunId { get; } = runId;

    /// <summary>The reason recorded on the run.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// The run is no longer this process's: another process failed it as interrupted (its heartbeat was stale) or it was
/// never claimed. Nothing was written to it; the files this process wrote for it were removed.
/// </summary>
public sealed class TrainingRunLostException(long runId, string message, Exception? inner = null, bool notStartedHere = false)
    : InvalidOperationException(message, inner)
{
    public long RunId { get; } = runId;

    /// <summary>
    /// This process never claimed the run: another process had started it (or finished it) first. For a queue that is
    /// the normal end of a race between instances, not a failure.
    /// </summary>
    public bool NotStartedHere { get; } = notStartedHere;
}

/// <summary>
/// The catalog could not record a run's start or end (e.g. the database was gone for a moment). A run that ended stays
/// running until a queue finds its owner stopped and fails it as interrupted; one that could not start stays queued.
/// </summary>
/// <param name="runId"></param>
/// <param name="what">What happened, e.g. "succeeded, but the catalog could not record it".</param>
/// <param name="recording">The catalog's error.</param>
public sealed class TrainingRunRecordingException(long runId, string what, Exception recording)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"Run {runId} {what}: {recording.Message}"), recording)
{
    public long RunId { get; } = runId;
}
