namespace ScopeWeb.Core.Catalog;

/// <summary>Where a training run is.</summary>
public enum TrainingRunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>
/// One training run as the history keeps it: what was asked (parameters, data set and its hash, seed), what happened
/// (per-step history, metrics, error) and what came out (the model card), so any run can be reproduced and compared.
/// </summary>
public sealed class TrainingRun
{
    public long Id { get; set; }
    public required string Tag { get; set; }

    /// <summary><c>dnn</c> or <c>xgb</c>.</summary>
    public required string Algorithm { get; set; }

    public TrainingRunState State { get; set; }

    /// <summary><c>catalog</c> or the path of the CSV trained on.</summary>
    public required string Dataset { get; set; }

    /// <summary>SHA-256 of the data trained on (set when the data has been read).</summary>
    public string? DataHash { get; set; }

    public int Seed { get; set; }

    /// <summary>The full training parameters (ScopeWeb.Training's <c>TrainingParameters</c>) as JSON.</summary>
    public required string ParametersJson { get; set; }

    /// <summary>JSON array of training steps (<c>TrainingStep</c>), kept current while the run goes.</summary>
    public string HistoryJson { get; set; } = "[]";

    /// <summary>JSON of the per-split metrics (train, validation, test), set when the run succeeds.</summary>
    public string? MetricsJson { get; set; }

    /// <summary>The model card written by the run (relative to the working directory, as given).</summary>
    public string? CardPath { get; set; }

    public string? Error { get; set; }

    /// <summary>Who asked for it (the page, or <c>cli</c>).</summary>
    public string RequestedBy { get; set; } = "";

    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    public DateTime? PromotedAtUtc { get; set; }

    /// <summary>Host of the process training the run (set when it starts).</summary>
    public string? OwnerHost { get; set; }

    /// <summary>Process id of the process training the run on <see cref="OwnerHost"/>.</summary>
    public int? OwnerProcessId { get; set; }

    /// <summary>Last sign of life of the owner; a running run whose owner stopped beating was interrupted.</summary>
    public DateTime? HeartbeatUtc { get; set; }

    /// <summary>Set by anyone (the page, another process) to ask the owner to stop the run.</summary>
    public DateTime? CancelRequestedAtUtc { get; set; }

    /// <summary>False for a run that only reported metrics (<c>scope train</c> without <c>--save</c>): nothing to promote.</summary>
    public bool Saved { get; set; } = true;
}
