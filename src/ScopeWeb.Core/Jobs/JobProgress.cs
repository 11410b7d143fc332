namespace ScopeWeb.Core.Jobs;

/// <summary>
/// Progress of a background catalog job (features, scoring), read by the pages: counts, rate, ETA, the last error and
/// notices (e.g. a model that cannot be applied). Each job has its own subclass so both can be injected.
/// </summary>
public abstract class JobProgress
{
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _notices = [];

    // Totals since the process started, for the metrics (Core/Telemetry/CatalogMetrics.cs); only ever grow.
    private long _computed;
    private long _quarantined;
    private long _claimedElsewhere;
    private long _passes;
    private long _failedPasses;

    /// <summary>Items to process in the current (or last) run.</summary>
    public int Pending { get; private set; }

    /// <summary>Items processed so far in the current (or last) run.</summary>
    public int Done { get; private set; }

    public bool IsRunning { get; private set; }

    /// <summary>Throughput of the current run, items per second.</summary>
    public double ItemsPerSecond { get; private set; }

    /// <summary>Why the last run failed (it retries at the next poll), or null.</summary>
    public string? LastError { get; private set; }

    public DateTime? LastCompletedUtc { get; private set; }

    /// <summary>Things the user should know that do not stop the job (e.g. a model skipped, and why).</summary>
    public IReadOnlyList<string> Notices
    {
        get
        {
            lock (_gate)
            {
                return _notices;
            }
        }
    }

    /// <summary>Items left in the current run (0 between runs).</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                return IsRunning ? Math.Max(Pending - Done, 0) : 0;
            }
        }
    }

    /// <summary>Items computed, quarantined and left to another process since this process started.</summary>
    public (long Computed, long Quarantined, long ClaimedElsewhere) ItemTotals =>
        (Interlocked.Read(ref _computed), Interlocked.Read(ref _quarantined), Interlocked.Read(ref _claimedElsewhere));

    /// <summary>Passes of the background job since this process started, and how many of them failed.</summary>
    public (long Passes, long Failed) PassTotals => (Interlocked.Read(ref _passes), Interlocked.Read(ref _failedPasses));

    public TimeSpan? Eta => IsRunning && ItemsPerSecond > 0 ? TimeSpan.FromSeconds((Pending - Done) / ItemsPerSecond) : null;

    /// <summary>Raised on every change, on the job's thread.</summary>
    public event Action? Changed;

    protected internal void Start(int pending)
    {
        lock (_gate)
        {
            Pending = pending;
            Done = 0;
            ItemsPerSecond = 0;
            IsRunning = true;
        }

        Changed?.Invoke();
    }

    protected internal void Report(int done, double perSecond)
    {
        lock (_gate)
        {
            Done = done;
            ItemsPerSecond = perSecond;
        }

        Changed?.Invoke();
    }

    protected internal void Finish(DateTime utc, string? error = null)
    {
        lock (_gate)
        {
            IsRunning = false;
            LastError = error;
            LastCompletedUtc = utc;
        }

        Changed?.Invoke();
    }

    /// <summary>Adds a batch's outcome to the totals (<see cref="ItemTotals"/>).</summary>
    protected internal void CountItems(int computed, int quarantined, int claimedElsewhere)
    {
        Interlocked.Add(ref _computed, computed);
        Interlocked.Add(ref _quarantined, quarantined);
        Interlocked.Add(ref _claimedElsewhere, claimedElsewhere);
    }

    /// <summary>Counts one pass of the background job (<see cref="PassTotals"/>).</summary>
    protected internal void CountPass(bool failed)
    {
        Interlocked.Increment(ref _passes);
        if (failed)
        {
            Interlocked.Increment(ref _failedPasses);
        }
    }

    protected internal void SetNotices(IReadOnlyList<string> notices)
    {
        lock (_gate)
        {
            if (_notices.SequenceEqual(notices, StringComparer.Ordinal))
            {
                return;
            }

            _notices = notices;
        }

        Changed?.Invoke();
    }
}
