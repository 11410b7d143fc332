using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScopeWeb.Core.Disagreements;

public static class DisagreementsServiceCollectionExtensions
{
    /// <summary>The DNN/XGB disagreement search (needs the catalog).</summary>
    public static IHostApplicationBuilder AddDisagreements(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<DisagreementFinder>();
        return builder;
    }
}
