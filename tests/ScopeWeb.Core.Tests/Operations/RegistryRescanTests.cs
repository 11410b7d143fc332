using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Core.Tests.Operations;

/// <summary>
/// Issue [7/12]: instances sharing a registry folder follow each other's promotions through the periodic rescan
/// (Models:RescanSeconds), since a folder watch does not see changes made by another container or on a network
/// filesystem. Here the registry does not watch at all, so only the rescan can see the change.
/// </summary>
public sealed class RegistryRescanTests : IDisposable
{
    private static readonly string[] Features = ["period", "amp", "skew"];

    private readonly ScratchFolder _folder = new();

    [Fact]
    public async Task Without_a_watch_the_rescan_serves_a_replaced_model_and_an_unchanged_folder_is_not_reloaded()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v1"));
        using var registry = new ModelRegistry(_folder.Path, watch: false, rescan: TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, registry.Reloads);

        // Many ticks over an unchanged folder: the listing matches, nothing is loaded again.
        await Task.Delay(600);
        Assert.Equal(1, registry.Reloads);
        Assert.Equal("v1", Assert.Single(registry.Models).Card.Version);

        // What a promotion on another instance does to the shared folder.
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v2"), replace: true);
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("ew", Features, version: "e1"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (registry.Models.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(["ew_dnn", "vnv_dnn"], registry.Models.Select(m => m.ScoreColumn));
        Assert.Equal("v2", registry.Models.Single(m => m.Card.Tag == "vnv").Card.Version);
        Assert.Empty(registry.Errors);
        Assert.True(registry.Reloads >= 2);
    }

    [Fact]
    public async Task A_registry_without_rescan_keeps_what_it_loaded()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v1"));
        using var registry = new ModelRegistry(_folder.Path, watch: false);

        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("ew", Features, version: "e1"));
        await Task.Delay(300);

        Assert.Single(registry.Models);
        Assert.Equal(1, registry.Reloads);
    }

    public void Dispose() => _folder.Dispose();
}
