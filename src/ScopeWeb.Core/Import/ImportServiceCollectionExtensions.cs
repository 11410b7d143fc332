using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScopeWeb.Core.Import;

public static class ImportServiceCollectionExtensions
{
    /// <summary>Light-curve import from CSV files (used by the /import page and <c>scope import-lightcurves</c>).</summary>
    public static IHostApplicationBuilder AddLightCurveImport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LightCurveImporter>();
        return builder;
    }
}
