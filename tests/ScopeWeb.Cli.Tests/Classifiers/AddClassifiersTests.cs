using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Cli.Tests.Classifiers;

/// <summary>The <c>Models</c> section: bound, validated at start, and the registry opened on its folder.</summary>
public sealed class AddClassifiersTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scopeweb-cli-models-");

    [Fact]
    public async Task AddClassifiers_OpensTheRegistryOnTheConfiguredFolder()
    {
        var folder = Path.Combine(_dir.FullName, "my-models");
        using var host = Build(new() { ["Models:Directory"] = folder, ["Models:Watch"] = "true" });

        await host.StartAsync();
        var registry = host.Services.GetRequiredService<ModelRegistry>();

        Assert.Equal(folder, registry.Directory);
        Assert.True(Directory.Exists(folder), "the watched folder is created when absent");
        Assert.Empty(registry.Models);
        Assert.Empty(registry.Errors);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddClassifiers_InvalidSection_FailsAtStart()
    {
        using var host = Build(new() { ["Models:Directory"] = " ", ["Models:ReloadDebounceMilliseconds"] = "-5" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Directory", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ReloadDebounceMilliseconds", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        // As the CLI registers it: no background scoring (that needs the catalog).
        builder.AddClassifiers(backgroundJob: false);
        return builder.Build();
    }
}
