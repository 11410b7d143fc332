using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Training.Tests.Hardening;

/// <summary>
/// Issue [6/12], case 6, for promotion: a trained card that does not match its ONNX file is refused before anything in the
/// registry changes (the previous model keeps serving); a model trained before the trainers recorded their metadata gets
/// it from its card on the way in. The trainers themselves record it (ModelTrainingTests and HierarchicalTrainingTests
/// load their outputs through the registry, which checks it).
/// </summary>
public sealed class ModelPromotionIntegrityTests : IDisposable
{
    private static readonly string[] Features = ["period", "amp", "skew"];

    private readonly ScratchFolder _trained = new();
    private readonly ScratchFolder _registry = new();

    [Fact]
    public void A_trained_card_that_does_not_match_its_onnx_is_refused_and_the_previous_model_keeps_serving()
    {
        var first = Promote(RegistryTestModels.Card("vnv", Features, version: "v1"), "first.json");
        var before = RegistryTestModels.Snapshot(_registry.Path);
        // The second run's card lists the features in another order than its model was trained (and stamped) with.
        var card = RegistryTestModels.Card("vnv", Features, version: "v2") with { OnnxFile = "second.onnx" };
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, ModelIdentity.Of(card).ToMetadata()), _trained.File("second.onnx"));
        (card with { FeatureNames = [.. Features.Reverse()] }).Save(_trained.File("second.json"));

        var error = Assert.Throws<InvalidDataException>(() => ModelPromotion.Promote(_trained.File("second.json"), _registry.Path));

        Assert.Equal(
            $"{_trained.File("second.json")}: the card does not match {_trained.File("second.onnx")}: feature_names[0] is 'skew' in the card but 'period' "
            + "in the ONNX (scopeweb.features) (the same names in another order feed the model the wrong columns). The model is not loaded.",
            error.Message);
        Assert.Equal(before, RegistryTestModels.Snapshot(_registry.Path));
        using var registry = new ModelRegistry(_registry.Path, watch: false);
        Assert.Empty(registry.Errors);
        Assert.Equal(first, Assert.Single(registry.Models).CardPath);
        Assert.Equal("v1", registry.Models[0].Card.Version);
    }

    [Fact]
    public void A_model_trained_without_metadata_is_stamped_from_its_card_on_promotion()
    {
        var card = RegistryTestModels.Card("vnv", Features, version: "old-run") with { OnnxFile = "old.onnx" };
        RegistryTestModels.WritePair(_trained.Path, card, "old.json", withMetadata: false);
        var trainedBytes = File.ReadAllBytes(_trained.File("old.onnx"));

        var promoted = ModelPromotion.Promote(_trained.File("old.json"), _registry.Path);

        using var registry = new ModelRegistry(_registry.Path, watch: false);
        Assert.Empty(registry.Errors);
        Assert.Empty(registry.Warnings);
        Assert.Equal(promoted, Assert.Single(registry.Models).CardPath);
        Assert.Equal(_registry.File("vnv_dnn.old-run.onnx"), ModelFolder.OnnxPath(promoted, registry.Models[0].Card));
        Assert.Equal(
            [.. trainedBytes, .. OnnxMetadata.EncodeEntries(ModelIdentity.Of(card).ToMetadata())],
            File.ReadAllBytes(_registry.File("vnv_dnn.old-run.onnx")));
        Assert.Equal(trainedBytes, File.ReadAllBytes(_trained.File("old.onnx")));
    }

    [Fact]
    public void Promoting_the_same_version_again_swaps_it_under_a_new_name_and_leaves_one_model()
    {
        Promote(RegistryTestModels.Card("vnv", Features, version: "v1"), "a.json");
        Promote(RegistryTestModels.Card("vnv", Features, version: "v1"), "b.json");

        Assert.Equal(["vnv_dnn.json", "vnv_dnn.v1.2.onnx"], RegistryTestModels.Snapshot(_registry.Path).Keys);
        using var registry = new ModelRegistry(_registry.Path, watch: false);
        Assert.Empty(registry.Errors);
        Assert.Single(registry.Models);
    }

    public void Dispose()
    {
        _trained.Dispose();
        _registry.Dispose();
    }

    private string Promote(ModelCard card, string cardFileName)
    {
        var onnx = Path.ChangeExtension(cardFileName, ".onnx");
        RegistryTestModels.WritePair(_trained.Path, card with { OnnxFile = onnx }, cardFileName);
        return ModelPromotion.Promote(_trained.File(cardFileName), _registry.Path);
    }
}
