using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Health;

namespace ScopeWeb.Core.Classifiers;

/// <summary>Registration of the model registry.</summary>
public static class ClassifierServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="ModelRegistry"/> singleton over the start-up-validated <c>Models</c> section (<c>Directory</c>,
    /// default <c>models</c> against the working directory; <c>Watch</c>; <c>ReloadDebounceMilliseconds</c>; <c>RescanSeconds</c>), and, with
    /// <paramref name="backgroundJob"/> and <c>Scoring:Enabled</c>, the job that keeps every source's scores current.
    /// </summary>
    public static IHostApplicationBuilder AddClassifiers(this IHostApplicationBuilder builder, bool backgroundJob = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ModelRegistryOptions>()
            .BindConfiguration(ModelRegistryOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Directory), "Models:Directory must not be empty.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ModelRegistryOptions>>().Value;
            return new ModelRegistry(
                o.Directory,
                o.Watch,
                TimeSpan.FromMilliseconds(o.ReloadDebounceMilliseconds),
                sp.GetService<ILogger<ModelRegistry>>(),
                TimeSpan.FromSeconds(o.RescanSeconds));
        });
        builder.Services.AddOptions<ScoringJobOptions>()
            .BindConfiguration(ScoringJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ScoringJobStatus>();
        builder.Services.AddHealthChecks().AddCheck<ModelRegistryHealthCheck>("models");
        if (backgroundJob && builder.Configuration.GetValue(ScoringJobOptions.SectionName + ":" + nameof(ScoringJobOptions.Enabled), true))
        {
            builder.Services.AddSingleton<CatalogScoringJob>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogScoringJob>());
            builder.AddJobHealthCheck<CatalogScoringJob>("scoring-job");
        }

        return builder;
    }
}
