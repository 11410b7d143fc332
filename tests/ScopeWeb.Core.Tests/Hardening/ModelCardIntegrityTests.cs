using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Health;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Issue [6/12], case 6: a card that does not describe the ONNX file it names (reversed feature order, another tag's
/// model, a path out of the folder) is refused with one message naming the card, the model and the first difference,
/// and the registry keeps serving every other model. A model made elsewhere (no ScopeWeb metadata) serves with a warning.
/// </summary>
public sealed class ModelCardIntegrityTests : IDisposable
{
    private static readonly string[] Features = ["period", "amp", "skew"];

    private readonly ScratchFolder _folder = new();

    [Fact]
    public void A_card_with_the_feature_order_reversed_is_refused_naming_card_onnx_and_first_difference()
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("pnp", Features));
        var vnv = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features));
        var card = ModelCard.Load(vnv.CardPath);
        File.WriteAllText(vnv.CardPath, (card with { FeatureNames = [.. Features.Reverse()] }).ToJson());

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        var error = Assert.Single(registry.Errors);
        Assert.Equal(vnv.CardPath, error.File);
        Assert.Equal(
            $"{vnv.CardPath}: the card does not match {vnv.OnnxPath}: feature_names[0] is 'skew' in the card but 'period' in the ONNX "
            + "(scopeweb.features) (the same names in another order feed the model the wrong columns). The model is not loaded.",
            error.Message);
        // Nothing scores under vnv_dnn; pnp_dnn still does.
        Assert.Equal("pnp_dnn", Assert.Single(registry.Models).ScoreColumn);
        Assert.Empty(registry.Warnings);
    }

    [Fact]
    public void A_card_pointing_at_another_tags_onnx_is_refused_and_that_tag_still_serves()
    {
        var pnp = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("pnp", Features));
        var vnv = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features));
        File.WriteAllText(vnv.CardPath, (ModelCard.Load(vnv.CardPath) with { OnnxFile = Path.GetFileName(pnp.OnnxPath) }).ToJson());

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        var error = Assert.Single(registry.Errors);
        Assert.Equal(vnv.CardPath, error.File);
        Assert.Equal(
            $"{vnv.CardPath}: the card does not match {pnp.OnnxPath}: tag is 'vnv' in the card but 'pnp' in the ONNX (scopeweb.tag): "
            + "the card names another classifier's model. The model is not loaded.",
            error.Message);
        Assert.Equal("pnp_dnn", Assert.Single(registry.Models).ScoreColumn);
    }

    [Fact]
    public void A_card_of_another_algorithm_than_its_onnx_is_refused()
    {
        var vnv = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features));
        File.WriteAllText(vnv.CardPath, (ModelCard.Load(vnv.CardPath) with { Algorithm = ModelAlgorithm.Xgb }).ToJson());

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Contains("algorithm is xgb in the card but dnn in the ONNX (scopeweb.algorithm)", Assert.Single(registry.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_card_listing_one_feature_fewer_names_the_missing_one()
    {
        var vnv = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features));
        var card = ModelCard.Load(vnv.CardPath);
        File.WriteAllText(vnv.CardPath, (card with
        {
            FeatureNames = Features[..2],
            Imputation = card.Imputation.Where(p => p.Key != "skew").ToDictionary(StringComparer.Ordinal),
        }).ToJson());

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Contains(
            "feature_names lists 2 names in the card but 3 in the ONNX (scopeweb.features); the first missing one is 'skew' at [2]",
            Assert.Single(registry.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x.onnx")]
    [InlineData("sub/x.onnx")]
    [InlineData("/tmp/x.onnx")]
    public void An_onnx_file_outside_the_card_folder_is_refused_naming_the_card(string onnxFile)
    {
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("pnp", Features));
        var card = RegistryTestModels.Card("vnv", Features);
        // A real, matching model is waiting at the escaped path: it must not be the reason for the refusal.
        var outside = Path.GetFullPath(onnxFile.StartsWith('/') ? onnxFile + "-" + Guid.NewGuid().ToString("N") + ".onnx" : Path.Combine(_folder.Path, onnxFile));
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, ModelIdentity.Of(card).ToMetadata()), outside);
        var escaping = onnxFile.StartsWith('/') ? outside : onnxFile;
        var cardPath = _folder.File("vnv.dnn.json");
        File.WriteAllText(cardPath, (card with { OnnxFile = escaping }).ToJson());

        try
        {
            using var registry = new ModelRegistry(_folder.Path, watch: false);

            var error = Assert.Single(registry.Errors);
            Assert.Equal(cardPath, error.File);
            Assert.Equal(
                $"{cardPath}: field 'onnx_file': must be the name of a .onnx file in the card's folder (no directories, no '..', not absolute), not '{escaping}'.",
                error.Message);
            Assert.Equal("pnp_dnn", Assert.Single(registry.Models).ScoreColumn);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void A_symbolic_link_to_a_model_outside_the_folder_is_refused_and_one_inside_is_followed()
    {
        using var elsewhere = new ScratchFolder();
        var card = RegistryTestModels.Card("vnv", Features) with { OnnxFile = "vnv.dnn.onnx" };
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, ModelIdentity.Of(card).ToMetadata()), elsewhere.File("vnv.dnn.onnx"));
        File.CreateSymbolicLink(_folder.File("vnv.dnn.onnx"), elsewhere.File("vnv.dnn.onnx"));
        card.Save(_folder.File("vnv.dnn.json"));
        var pnp = RegistryTestModels.Card("pnp", Features) with { OnnxFile = "pnp.link.onnx" };
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, ModelIdentity.Of(pnp).ToMetadata()), _folder.File("pnp.real.onnx"));
        File.CreateSymbolicLink(_folder.File("pnp.link.onnx"), "pnp.real.onnx");
        pnp.Save(_folder.File("pnp.dnn.json"));

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        var error = Assert.Single(registry.Errors);
        Assert.Equal(_folder.File("vnv.dnn.json"), error.File);
        Assert.Equal(
            $"{_folder.File("vnv.dnn.json")}: field 'onnx_file': {_folder.File("vnv.dnn.onnx")} is a symbolic link to {elsewhere.File("vnv.dnn.onnx")}, "
            + $"outside the card's folder {_folder.Path}; copy the model into the folder instead.",
            error.Message);
        Assert.Equal("pnp_dnn", Assert.Single(registry.Models).ScoreColumn);
    }

    [Fact]
    public async Task A_model_made_elsewhere_serves_with_a_warning_that_health_shows_without_degrading()
    {
        // The torch fixture (tools/models/make_torch_fixture.py) has no ScopeWeb metadata, like any tf2onnx or torch export.
        var features = new[] { "ad", "chi2red", "f1_amp", "iqr", "skew" };
        File.Copy(ClassificationTestFiles.Fixture("torch_mlp.onnx"), _folder.File("mlp.onnx"));
        ClassificationTestFiles.Card(features, ModelAlgorithm.Dnn, ImputationMethod.Zero, "mlp.onnx").Save(_folder.File("mlp.json"));
        RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("pnp", Features));

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Empty(registry.Errors);
        Assert.Equal(["pnp_dnn", "vnv_dnn"], registry.Models.Select(m => m.ScoreColumn));
        var warning = Assert.Single(registry.Warnings);
        Assert.Equal(_folder.File("mlp.json"), warning.File);
        Assert.StartsWith($"{_folder.File("mlp.onnx")} carries no ScopeWeb metadata (scopeweb.tag, scopeweb.features): its input width was checked", warning.Message, StringComparison.Ordinal);
        Assert.False(registry.Models.Single(m => m.ScoreColumn == "vnv_dnn").Classifier.IsVerified);
        Assert.True(registry.Models.Single(m => m.ScoreColumn == "pnp_dnn").Classifier.IsVerified);

        var health = await new ModelRegistryHealthCheck(registry).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("2 models loaded (1 not fully checked: no ScopeWeb metadata in the ONNX file)", health.Description);
        Assert.StartsWith("mlp.json: ", Assert.Single((List<string>)health.Data["warnings"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mismatched_card_degrades_health_naming_it()
    {
        var vnv = RegistryTestModels.Install(_folder.Path, RegistryTestModels.Card("vnv", Features));
        File.WriteAllText(vnv.CardPath, (ModelCard.Load(vnv.CardPath) with { Tag = "pnp" }).ToJson());
        using var registry = new ModelRegistry(_folder.Path, watch: false);

        var health = await new ModelRegistryHealthCheck(registry).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("vnv.dnn.json: ", Assert.Single((List<string>)health.Data["errors"]), StringComparison.Ordinal);
        Assert.Contains("tag is 'pnp' in the card but 'vnv' in the ONNX", Assert.Single((List<string>)health.Data["errors"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Incomplete_scopeweb_metadata_is_refused_naming_the_key()
    {
        var card = RegistryTestModels.Card("vnv", Features) with { OnnxFile = "vnv.onnx" };
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ModelIdentity.TagKey] = "vnv", [ModelIdentity.AlgorithmKey] = "dnn" };
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, metadata), _folder.File("vnv.onnx"));
        card.Save(_folder.File("vnv.json"));

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Equal(
            $"{_folder.File("vnv.onnx")}: metadata 'scopeweb.features' is missing; the file's ScopeWeb metadata is incomplete.",
            Assert.Single(registry.Errors).Message);
    }

    [Fact]
    public void A_card_embedded_by_an_older_xgb_import_is_checked_too()
    {
        var card = RegistryTestModels.Card("vnv", Features) with { OnnxFile = "vnv.onnx" };
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [OnnxModelWriter.ModelCardMetadataKey] = card.ToJson() };
        OnnxModelWriter.Write(RegistryTestModels.Mlp(3, metadata), _folder.File("vnv.onnx"));
        (card with { FeatureNames = ["amp", "period", "skew"] }).Save(_folder.File("vnv.json"));

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Contains("feature_names[0] is 'amp' in the card but 'period' in the ONNX (scopeweb.features)", Assert.Single(registry.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writers_temporary_files_are_not_loaded()
    {
        var card = RegistryTestModels.Card("vnv", Features) with { OnnxFile = "vnv.onnx" };
        File.WriteAllBytes(_folder.File("vnv.onnx.0123456789ab.tmp"), [8, 8]);
        File.WriteAllText(_folder.File("vnv.json.0123456789ab.tmp"), card.ToJson());

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Empty(registry.Models);
        Assert.Empty(registry.Errors);
    }

    public void Dispose() => _folder.Dispose();
}
