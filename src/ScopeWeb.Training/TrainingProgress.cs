namespace ScopeWeb.Training;

/// <summary>What the page shows of the run in progress: its steps so far, live.</summary>
public sealed class TrainingProgress
{
    private readonly Lock _gate = new();
    private List<TrainingStep> _steps = [];

    public long? RunId { get; private set; }

    public IReadOnlyList<TrainingStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps];
            }
        }
    }

    /// <summary>Raised on the training thread after every step and when a run starts or ends.</summary>
    public event Action? Changed;

    internal void Start(long runId)
    {
        lock (_gate)
        {
            RunId = runId;
            _steps = [];
        }

        Changed?.Invoke();
    }

    internal void Add(TrainingStep step)
    {
        lock (_gate)
        {
            _steps.Add(step);
        }

        Changed?.Invoke();
    }

    internal void End()
    {
        lock (_gate)
        {
            RunId = null;
        }

        Changed?.Invoke();
    }
}
