using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Core.Health;

/// <summary>
/// The model registry is loaded: how many models, any card that failed to load (degraded, not down: the rest serve), and
/// any model that could only be partly checked (listed under <c>warnings</c>).
/// </summary>
public sealed class ModelRegistryHealthCheck(ModelRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var set = registry.Current;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["directory"] = registry.Directory,
            ["models"] = set.Models.Select(m => m.ScoreColumn).ToList(),
        };
        if (set.Errors.Count > 0)
        {
            data["errors"] = set.Errors.Select(e => $"{Path.GetFileName(e.File)}: {e.Message}").ToList();
        }

        // A model without ScopeWeb metadata serves (docs/architecture.md, "Model registry"), so it does not degrade the
        // check; it is listed so that someone can stamp or re-import it.
        var unverified = string.Empty;
        if (set.Warnings.Count > 0)
        {
            data["warnings"] = set.Warnings.Select(w => $"{Path.GetFileName(w.File)}: {w.Message}").ToList();
            unverified = $" ({set.Warnings.Count} not fully checked: no ScopeWeb metadata in the ONNX file)";
        }

        var result = (set.Models.Count, set.Errors.Count) switch
        {
            (_, > 0) => HealthCheckResult.Degraded($"{set.Models.Count} models loaded{unverified}; {set.Errors.Count} card(s) could not be loaded", data: data),
            (0, _) => HealthCheckResult.Degraded("no models in the registry folder: nothing is scored", data: data),
            _ => HealthCheckResult.Healthy($"{set.Models.Count} models loaded{unverified}", data),
        };
        return Task.FromResult(result);
    }
}
