using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ScopeWeb.Training;

public static class TrainingMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Training runs by state as an instrument (<see cref="TrainingMetrics"/>, counted in the background on every
    /// instance, whether it trains or not). Needs <c>AddTraining</c>; exporting is the host's business.
    /// </summary>
    public static IHostApplicationBuilder AddTrainingMetrics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TrainingMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TrainingMetrics>());
        return builder;
    }
}
