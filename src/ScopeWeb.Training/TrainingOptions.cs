using System.ComponentModel.DataAnnotations;

namespace ScopeWeb.Training;

/// <summary>Section <c>Training</c>: where runs write their models and uploaded data sets, and how runs show they are alive.</summary>
public sealed class TrainingOptions : IValidatableObject
{
    public const string SectionName = "Training";

    /// <summary>Run the training worker in the web app.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder for trained models (not the registry: a model is served only once promoted).</summary>
    [Required]
    public string OutputDirectory { get; set; } = "models/trained";

    /// <summary>Folder for CSV data sets uploaded on the training page.</summary>
    [Required]
    public string DatasetsDirectory { get; set; } = "data/datasets";

    /// <summary>CPU threads per run; 0 = all cores.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>
    /// How often the process training a run (the web app's queue or <c>scope train</c>) writes the run's heartbeat and
    /// looks for a cancel request; also how often the queue looks for runs whose owner stopped.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A running run whose heartbeat is older than this is failed as interrupted. Generous: a beat can wait for a busy
    /// database (SQLite waits up to 30 s for a lock) or a loaded machine, and clocks of different hosts differ a little.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "1.00:00:00")]
    public TimeSpan HeartbeatStaleAfter { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // One late beat must never make a live run look stopped.
        if (HeartbeatStaleAfter < 2 * HeartbeatInterval)
        {
            yield return new ValidationResult(
                $"{nameof(HeartbeatStaleAfter)} ({HeartbeatStaleAfter}) must be at least twice {nameof(HeartbeatInterval)} ({HeartbeatInterval}).",
                [nameof(HeartbeatStaleAfter)]);
        }
    }
}
