using MudBlazor.Services;

namespace ScopeWeb.Web.Setup;

public static class ScopeUiServiceCollectionExtensions
{
    /// <summary>Razor components on the interactive server render mode, MudBlazor.</summary>
    public static IHostApplicationBuilder AddScopeUi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }
}
