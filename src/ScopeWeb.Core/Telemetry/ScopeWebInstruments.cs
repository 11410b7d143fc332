namespace ScopeWeb.Core.Telemetry;

/// <summary>
/// The names ScopeWeb's own instruments share: one meter, attribute keys in the <c>scopeweb.</c> namespace (README,
/// "Metrics", lists every instrument). Names and units follow OpenTelemetry's conventions: dotted lower-case names,
/// seconds for durations, UCUM annotations such as <c>{source}</c> for counts.
/// </summary>
public static class ScopeWebInstruments
{
    /// <summary>The meter every ScopeWeb instrument belongs to (Core's and Training's).</summary>
    public const string MeterName = "ScopeWeb";

    /// <summary>A catalog job: <c>features</c> or <c>scores</c>.</summary>
    public const string JobName = "scopeweb.job.name";

    /// <summary>What became of a job's sources or passes.</summary>
    public const string JobOutcome = "scopeweb.job.outcome";

    /// <summary>A registry model by its score column, e.g. <c>vnv_dnn</c>.</summary>
    public const string ModelName = "scopeweb.model.name";

    /// <summary>A registry model's card version.</summary>
    public const string ModelVersion = "scopeweb.model.version";

    /// <summary>A model card's state in the registry: <c>loaded</c> or <c>failed</c>.</summary>
    public const string ModelState = "scopeweb.model.state";

    /// <summary>A training run's state: <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>.</summary>
    public const string TrainingRunState = "scopeweb.training.run.state";
}
