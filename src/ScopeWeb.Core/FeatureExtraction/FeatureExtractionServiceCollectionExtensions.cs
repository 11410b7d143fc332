using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScopeWeb.Core.Health;

namespace ScopeWeb.Core.FeatureExtraction;

public static class FeatureExtractionServiceCollectionExtensions
{
    /// <summary>Feature extraction: the extractor, and (with <paramref name="backgroundJob"/>) the job keeping the catalog's features current.</summary>
    public static IHostApplicationBuilder AddFeatureExtraction(this IHostApplicationBuilder builder, bool backgroundJob = true)
    {
        builder.Services.AddOptions<FeatureJobOptions>()
            .BindConfiguration(FeatureJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(new FeatureExtractor());
        builder.Services.AddSingleton<FeatureJobStatus>();
        if (backgroundJob && builder.Configuration.GetValue(FeatureJobOptions.SectionName + ":" + nameof(FeatureJobOptions.Enabled), true))
        {
            builder.Services.AddSingleton<CatalogFeatureJob>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogFeatureJob>());
            builder.AddJobHealthCheck<CatalogFeatureJob>("feature-job");
        }

        return builder;
    }
}
