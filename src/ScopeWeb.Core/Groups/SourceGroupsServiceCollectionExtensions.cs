using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScopeWeb.Core.Groups;

public static class SourceGroupsServiceCollectionExtensions
{
    /// <summary>Local source groups (needs the catalog).</summary>
    public static IHostApplicationBuilder AddSourceGroups(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<SourceGroups>();
        return builder;
    }
}
