using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Issue [6/12], case 6: replacing a model is write beside, check, swap (ModelFolder.Install). A replacement whose check
/// fails leaves the previous model in place and serving and removes only its own temporary files; the folder watch never
/// loads a half-written pair.
/// </summary>
public sealed class ModelReplacementTests : IDisposable
{
    private static readonly string[] Features = ["period", "amp", "skew"];
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);

    private readonly ScratchFolder _folder = new();

    [Fact]
    public async Task A_replacement_whose_check_fails_leaves_the_previous_model_serving_and_removes_only_its_temporary_files()
    {
        var first = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v1"));
        var before = RegistryTestModels.Snapshot(_folder.Path);
        using var registry = new ModelRegistry(_folder.Path, watch: true, debounce: TimeSpan.FromMilliseconds(50));
        var row = new Dictionary<string, double> { ["period"] = 1.5, ["amp"] = 0.25, ["skew"] = -1 };
        var scoreBefore = registry.Models[0].Classifier.Score([row])[0];
        var reloads = 0;
        registry.Changed += (_, _) => Interlocked.Increment(ref reloads);

        // The new model takes 2 inputs, its card lists 3 features: the check refuses it before anything is swapped.
        var card = RegistryTestModels.Card("vnv", Features, version: "v2");
        var narrow = RegistryTestModels.Mlp(2, ModelIdentity.Of(card).ToMetadata());
        var error = Assert.Throws<InvalidDataException>(() => ModelFolder.Install(
            _folder.Path, card, "vnv.dnn.json", "vnv.dnn.onnx", s => OnnxModelWriter.Write(narrow, s), "new-model.onnx", replace: true));

        Assert.Equal(
            "new-model.onnx: input 'features' has shape [?, 2], but " + first.CardPath + " (feature_names) lists 3 features (period, amp, skew); expected float32 [N, 3].",
            error.Message);
        Assert.Equal(before, RegistryTestModels.Snapshot(_folder.Path));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*" + ModelFolder.TemporarySuffix));
        await Task.Delay(300);
        Assert.Equal(0, Volatile.Read(ref reloads));
        var serving = Assert.Single(registry.Models);
        Assert.Equal("v1", serving.Card.Version);
        Assert.Equal(scoreBefore, serving.Classifier.Score([row])[0]);
        Assert.Equal("v1", Assert.Single(registry.Reload().Models).Card.Version);
    }

    [Fact]
    public void A_replacement_without_scopeweb_metadata_is_refused_before_the_swap()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v1"));
        var before = RegistryTestModels.Snapshot(_folder.Path);
        var unmarked = RegistryTestModels.Mlp(3, metadata: null);

        var error = Assert.Throws<InvalidDataException>(() => ModelFolder.Install(
            _folder.Path, RegistryTestModels.Card("vnv", Features, version: "v2"), "vnv.dnn.json", "vnv.dnn.onnx",
            s => OnnxModelWriter.Write(unmarked, s), "unmarked.onnx", replace: true));

        Assert.Contains("unmarked.onnx was to be installed without ScopeWeb metadata", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, RegistryTestModels.Snapshot(_folder.Path));
    }

    [Fact]
    public void An_existing_card_is_not_replaced_unless_asked()
    {
        var first = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v1"));
        var before = RegistryTestModels.Snapshot(_folder.Path);

        var error = Assert.Throws<InvalidDataException>(() => RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v2")));

        Assert.Equal($"{first.CardPath} already exists.", error.Message);
        Assert.Equal(before, RegistryTestModels.Snapshot(_folder.Path));
    }

    [Fact]
    public void A_replacement_goes_in_under_a_name_the_old_card_does_not_use_and_the_old_model_is_removed()
    {
        var first = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v1"));
        var second = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v2"), replace: true, scale: 2f);
        var third = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v3"), replace: true, scale: 3f);

        Assert.Equal(_folder.File("vnv.dnn.onnx"), first.OnnxPath);
        Assert.Equal((_folder.File("vnv.dnn.2.onnx"), first.OnnxPath), (second.OnnxPath, second.ReplacedOnnxPath));
        Assert.Equal((_folder.File("vnv.dnn.onnx"), second.OnnxPath), (third.OnnxPath, third.ReplacedOnnxPath));
        Assert.Equal(["vnv.dnn.json", "vnv.dnn.onnx"], RegistryTestModels.Snapshot(_folder.Path).Keys);
        using var registry = new ModelRegistry(_folder.Path, watch: false);
        Assert.Empty(registry.Errors);
        Assert.Empty(registry.Warnings);
        Assert.Equal("v3", Assert.Single(registry.Models).Card.Version);
    }

    [Fact]
    public async Task The_folder_watch_never_loads_a_half_written_pair_while_models_are_replaced()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features, version: "v0"));
        using var registry = new ModelRegistry(_folder.Path, watch: true, debounce: TimeSpan.Zero);
        var snapshots = new List<ModelSet>();
        registry.Changed += (_, set) =>
        {
            lock (snapshots)
            {
                snapshots.Add(set);
            }
        };

        // Each version reorders the features; a card loaded with another version's ONNX file would be refused.
        for (var v = 1; v <= 12; v++)
        {
            var order = v % 2 == 0 ? Features : [.. Features.Reverse()];
            RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", order, version: $"v{v}"), replace: true, scale: v);
        }

        var deadline = DateTime.UtcNow + ReloadTimeout;
        while (registry.Current.Models.FirstOrDefault()?.Card.Version != "v12" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal("v12", Assert.Single(registry.Models).Card.Version);
        lock (snapshots)
        {
            Assert.NotEmpty(snapshots);
            Assert.All(snapshots, set =>
            {
                Assert.Empty(set.Errors);
                Assert.Single(set.Models);
            });
        }
    }

    [Fact]
    public void Adding_metadata_keeps_the_original_bytes_and_never_overwrites_a_recorded_value()
    {
        var card = RegistryTestModels.Card("vnv", Features) with { OnnxFile = "m.onnx" };
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, metadata: null), _folder.File("m.onnx"));
        var original = File.ReadAllBytes(_folder.File("m.onnx"));
        var entries = ModelIdentity.Of(card).ToMetadata();

        using (var stamped = File.Create(_folder.File("stamped.onnx")))
        {
            Assert.Equal(3, OnnxMetadata.CopyWithEntries(_folder.File("m.onnx"), stamped, entries));
        }

        Assert.Equal([.. original, .. OnnxMetadata.EncodeEntries(entries)], File.ReadAllBytes(_folder.File("stamped.onnx")));
        Assert.Equal(original, File.ReadAllBytes(_folder.File("m.onnx")));
        // Same entries again: nothing added (ONNX keys stay unique); another tag: refused.
        using (var again = new MemoryStream())
        {
            Assert.Equal(0, OnnxMetadata.CopyWithEntries(_folder.File("stamped.onnx"), again, entries));
            Assert.Equal(File.ReadAllBytes(_folder.File("stamped.onnx")), again.ToArray());
        }

        var error = Assert.Throws<InvalidDataException>(() => OnnxMetadata.CopyWithEntries(
            _folder.File("stamped.onnx"), Stream.Null, ModelIdentity.Of(card with { Tag = "pnp" }).ToMetadata()));
        Assert.Equal($"{_folder.File("stamped.onnx")}: metadata 'scopeweb.tag' is already 'vnv', not 'pnp'; a model's recorded metadata is not overwritten.", error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
