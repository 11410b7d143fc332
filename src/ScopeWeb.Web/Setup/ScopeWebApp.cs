using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Disagreements;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Groups;
using ScopeWeb.Core.Import;
using ScopeWeb.Training;
using ScopeWeb.Web.Components;
using ScopeWeb.Web.Health;
using ScopeWeb.Web.Telemetry;

namespace ScopeWeb.Web.Setup;

/// <summary>Builds the web app; shared by <c>Program</c> and the test hosts so both run the same pipeline.</summary>
public static class ScopeWebApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json and the static web assets manifest sit next to the binaries.
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(ScopeWebApp).Assembly.GetName().Name,
        });
        // Serve package assets (_content/…) from a build output in any environment, not only Development;
        // a no-op for a published app, whose wwwroot holds them.
        builder.WebHost.UseStaticWebAssets();
        configure?.Invoke(builder);

        // A background job that fails is logged and shown degraded or unhealthy on /healthz; it never stops the app.
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        builder.AddCatalog();
        builder.AddLightCurveImport();
        builder.AddFeatureExtraction();
        builder.AddClassifiers();
        builder.AddSourceGroups();
        builder.AddDisagreements();
        builder.AddTraining();
        builder.AddScopeUi();
        builder.AddTelemetry();

        var app = builder.Build();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapScopeHealth();
        app.MapScopeMetrics();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
