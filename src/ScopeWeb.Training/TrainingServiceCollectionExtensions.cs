using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Datasets;
using ScopeWeb.Core.Health;

namespace ScopeWeb.Training;

public static class TrainingServiceCollectionExtensions
{
    /// <summary>
    /// Training runs: the run history, promotion, the requests a page makes (<see cref="TrainingRunRequests"/>, on every
    /// instance) and, with <paramref name="backgroundWorker"/> and <c>Training:Enabled</c>, the queue that trains them here.
    /// </summary>
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder, bool backgroundWorker = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TrainingOptions>()
            .BindConfiguration(TrainingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TrainingRunStore>();
        builder.Services.AddSingleton<TrainingProgress>();
        builder.Services.AddSingleton<ModelPromoter>();
        builder.Services.AddSingleton<TrainingRunLifecycle>();
        builder.Services.AddSingleton<TrainingRunRequests>();
        builder.Services.AddSingleton(sp => new DatasetStore(sp.GetRequiredService<IOptions<TrainingOptions>>().Value.DatasetsDirectory));
        if (backgroundWorker && builder.Configuration.GetValue(TrainingOptions.SectionName + ":" + nameof(TrainingOptions.Enabled), true))
        {
            builder.Services.AddSingleton<TrainingQueue>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TrainingQueue>());
            builder.AddJobHealthCheck<TrainingQueue>("training-queue");
        }

        return builder;
    }
}
