using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScopeWeb.Core.Import;

public static class ImportServiceCollectionExtensions
{
    /// <summary>
    /// Light-curve import from CSV files (used by the /import page and <c>scope import-lightcurves</c>), with the
    /// <c>Import</c> section's ranges, limits and duplicate policy (<see cref="ImportOptions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddLightCurveImport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImportOptions>()
            .BindConfiguration(ImportOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<LightCurveImporter>();
        return builder;
    }
}
