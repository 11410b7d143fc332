using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Training;

/// <summary>
/// The training queue's own health, apart from its runs' outcomes (a run whose data is bad fails; the queue is fine):
/// the last error of its bookkeeping (recording a run's end, finding abandoned runs), cleared by the next pass that works.
/// </summary>
public sealed class TrainingQueueStatus : JobProgress
{
    internal void Failed(DateTime utc, string error) => Finish(utc, error);

    internal void Succeeded(DateTime utc) => Finish(utc);
}
