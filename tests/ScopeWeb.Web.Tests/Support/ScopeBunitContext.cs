using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>
/// bUnit context with the app's UI services (MudBlazor, loose JS interop for MudBlazor and Plotly.Blazor) and a
/// real SQLite catalog registered as the app registers it (context factory, reader, writer, seeding progress).
/// </summary>
public abstract class ScopeBunitContext : AsyncBunitContext
{
    protected ScopeBunitContext()
    {
        Catalog = TestCatalog.Create();

        // The build machine is shared; bUnit's 1 s default makes WaitForAssertion flaky under load.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(Catalog.Factory);
        Services.AddSingleton<IDbContextFactory<CatalogDb>>(Catalog.Factory);
        Services.AddSingleton(Catalog.Catalog);
        Services.AddSingleton(Catalog.Writer);
        Services.AddSingleton<CatalogSeeding>();
        Services.AddSingleton(new ScopeWeb.Core.FeatureExtraction.FeatureExtractor());
        Services.AddSingleton<ScopeWeb.Core.FeatureExtraction.FeatureJobStatus>();
        Services.AddSingleton<ScopeWeb.Core.Classifiers.ScoringJobStatus>();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ScopeWeb.Core.Groups.SourceGroups>();
        Services.AddSingleton<ScopeWeb.Core.Disagreements.DisagreementFinder>();
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ScopeWeb.Core.Classifiers.ModelRegistryOptions { Directory = Path.Combine(Path.GetTempPath(), "scopeweb-bunit-models-" + Guid.NewGuid().ToString("N")) }));
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ScopeWeb.Training.TrainingOptions { OutputDirectory = Path.Combine(Path.GetTempPath(), "scopeweb-bunit-trained") }));
        Services.AddSingleton<ScopeWeb.Training.TrainingRunStore>();
        Services.AddSingleton<ScopeWeb.Training.TrainingProgress>();
        Services.AddSingleton<ScopeWeb.Training.ModelPromoter>();
        // The queue's worker is not started: runs stay queued, which is what the page tests look at.
        Services.AddSingleton<ScopeWeb.Training.TrainingQueue>();
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<ScopeWeb.Training.TrainingQueue>>(Microsoft.Extensions.Logging.Abstractions.NullLogger<ScopeWeb.Training.TrainingQueue>.Instance);

        // The pages run on the interactive server renderer (global InteractiveServer); some work is skipped when prerendering.
        // Last: it resolves the renderer, after which no service can be added.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected TestCatalog Catalog { get; }

    protected override async Task DisposeResourcesAsync() => await Catalog.DisposeAsync();
}
