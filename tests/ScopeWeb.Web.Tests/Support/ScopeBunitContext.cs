using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MudBlazor.Services;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Disagreements;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Groups;
using ScopeWeb.Core.Import;
using ScopeWeb.Training;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>
/// bUnit context with the services the app registers, from the same <c>Add…()</c> calls as ScopeWebApp.Build, over a
/// real migrated SQLite catalog in a temp folder and an empty model registry. bUnit never starts hosted services, so the
/// background jobs (features, scoring, the training queue's worker) stay idle: queued runs stay queued, which is what the
/// page tests look at. Replaced: the circuit (bUnit's renderer) and JS interop (loose, for MudBlazor and Plotly.Blazor).
/// </summary>
public abstract class ScopeBunitContext : AsyncBunitContext
{
    private readonly DirectoryInfo _folder;

    protected ScopeBunitContext()
        : this(new Dictionary<string, string?>(StringComparer.Ordinal))
    {
    }

    /// <summary>As the app with <paramref name="settings"/> on top of the test defaults (e.g. <c>Training:Enabled</c> false).</summary>
    protected ScopeBunitContext(IReadOnlyDictionary<string, string?> settings)
    {
        Catalog = TestCatalog.Create();
        _folder = Directory.CreateTempSubdirectory("scopeweb-bunit-");

        // The build machine is shared; bUnit's 1 s default makes WaitForAssertion flaky under load.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;

        var app = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        app.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
            ["Database:ConnectionString"] = $"Data Source={Catalog.SqlitePath};Pooling=False",
            ["Models:Directory"] = _folder.CreateSubdirectory("models").FullName,
            ["Models:Watch"] = "false",
            ["Training:OutputDirectory"] = Path.Combine(_folder.FullName, "trained"),
            ["Training:DatasetsDirectory"] = Path.Combine(_folder.FullName, "datasets"),
        });
        app.Configuration.AddInMemoryCollection(settings);
        app.Services.AddLogging();
        app.AddCatalog(initializeOnStart: false);
        app.AddLightCurveImport();
        app.AddFeatureExtraction();
        app.AddClassifiers();
        app.AddSourceGroups();
        app.AddDisagreements();
        app.AddTraining();
        foreach (var service in app.Services)
        {
            Services.Add(service);
        }

        // AddScopeUi's other half (Razor components on the server render mode) is the circuit, which bUnit's renderer replaces.
        Services.AddMudServices();

        // The pages run on the interactive server renderer (global InteractiveServer); some work is skipped when prerendering.
        // Last: it resolves the renderer, after which no service can be added.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected TestCatalog Catalog { get; }

    protected override async Task DisposeResourcesAsync()
    {
        await Catalog.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
