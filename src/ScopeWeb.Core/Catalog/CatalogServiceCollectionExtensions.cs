using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Health;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Core.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>
    /// The catalog: typed, start-up-validated <c>Database</c> and <c>Catalog</c> options, the provider-specific
    /// context factory, the reader and writer, and (with <paramref name="initializeOnStart"/>) the hosted service
    /// that migrates the store and fills an empty catalog with simulated sources.
    /// </summary>
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder, bool initializeOnStart = true)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is Postgres.")
            .ValidateOnStart();
        builder.Services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new CatalogDbFactory(o.Provider, o.ResolveConnectionString());
        });
        builder.Services.AddSingleton<IDbContextFactory<CatalogDb>>(sp => sp.GetRequiredService<CatalogDbFactory>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SourceCatalog>();
        builder.Services.AddSingleton(sp => new CatalogWriter(sp.GetRequiredService<IDbContextFactory<CatalogDb>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<CatalogSeeding>();
        builder.Services.AddSingleton<JobLeases>();
        builder.Services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog");
        if (initializeOnStart)
        {
            builder.Services.AddSingleton<CatalogInitializer>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogInitializer>());
            builder.AddJobHealthCheck<CatalogInitializer>("catalog-initializer", runsUntilShutdown: false);
        }

        return builder;
    }
}
