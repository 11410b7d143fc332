using Bunit;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>
/// bUnit context disposed asynchronously: MudBlazor registers services that only implement IAsyncDisposable
/// (MudBlazor issue #12403), and xunit 2 calls only Dispose() unless the test class is an IAsyncLifetime.
/// </summary>
public abstract class AsyncBunitContext : BunitContext, IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        // xunit calls this before Dispose(), so the container is gone by the time Dispose() runs.
        await base.DisposeAsync();
        await DisposeResourcesAsync();
    }

    /// <summary>Releases what a derived context set up (after the renderer and services are disposed).</summary>
    protected virtual Task DisposeResourcesAsync() => Task.CompletedTask;
}
