using System.Security.Cryptography;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// The shipped models (models/) record their cards' identity, so the registry checks every card against its model; the
/// metadata was added by <c>scope models stamp</c> (ModelFolder.Stamp), which appends it: each file is the model trained by
/// tools/models/make_default_models.sh, byte for byte, followed by the metadata entries, and scores as it did.
/// </summary>
public sealed class ShippedModelMetadataTests
{
    /// <summary>SHA-256 of each shipped ONNX file as trained, before the metadata was appended (git history has the files).</summary>
    private static readonly Dictionary<string, string> TrainedSha256 = new(StringComparer.Ordinal)
    {
        ["agn_dnn.20261123_232939-s42.onnx"] = "fc733973f154d5951abb06d2147b885445f9b248bc716c20f05349acc0ed8ec6",
        ["agn_xgb.20261123_232933-s42.onnx"] = "ecfbf27d7f450ba3a7a7476999ef68023bf3922aed388891d2c773ef1c5ee1d1",
        ["e_dnn.20261123_231941-s42.onnx"] = "9298f1d87542803f5c77edcb8b431419abd5e9c9444badfee01fb1f3626ad40e",
        ["e_xgb.20261123_231939-s42.onnx"] = "1a2a84ffb3127ccb7cc402e1a6e1acb2bf620ead9bfe4c1057d1cd711b3c4dff",
        ["ew_dnn.20261123_232040-s42.onnx"] = "bf3d2270e3d759092218b8c5ffaae35c7bcbea7c092d6e676d7d5402329116d6",
        ["ew_xgb.20261123_232037-s42.onnx"] = "a9fc8f275967cfebc3a30d3d2e63381dc6f5631827c3ca43c38e28c0c8f6cf89",
        ["pnp_dnn.20261123_231853-s42.onnx"] = "110bf6836297ccc3081b98549f9a4de48176907371d634fab9a67a47f49212b5",
        ["pnp_xgb.20261123_231851-s42.onnx"] = "8aba6c3d499ab2fe6e9a5015dd66aad23aa75ff6880a9810c732f9765f12263b",
        ["puls_dnn.20261123_232508-s42.onnx"] = "17b39318a02c9360cebd1757a2f9797be29194bcd788868ef0cbe2611f7200d9",
        ["puls_xgb.20261123_232505-s42.onnx"] = "5b11f374c969db4d1411cd0bba82e3967584e72d911dd0099b17aa41e881f909",
        ["rrlyr_dnn.20261123_232159-s42.onnx"] = "37198d9ce6e5a474e718f731d6d70463424e0180673628d2814903333cde7111",
        ["rrlyr_xgb.20261123_232156-s42.onnx"] = "fc886987eeb4a2669bf6e8d9a18e7396ebf248d33d8698e5714971ab68aa5b1e",
        ["vnv_dnn.20261123_231822-s42.onnx"] = "c67eed6df3d00615c663604d27fe249db740d9a29f18482334142901e5076109",
        ["vnv_xgb.20261123_231819-s42.onnx"] = "6125c247d46ef6c6abafa08da486a96d35f5981dd2dddc94c919b5d3254894a1",
        ["yso_dnn.20261123_233525-s42.onnx"] = "f4f95c5166be1f4cdd9fe3f78a44c71ee7fae5acc2e6b511c829fa3797feb704",
        ["yso_xgb.20261123_233522-s42.onnx"] = "b8e7189e2a736267697a1a94a9228903360db75c3ae2e45e9b5aa1531f3d46af",
    };

    [Fact]
    public void The_shipped_registry_loads_every_model_verified()
    {
        using var registry = new ModelRegistry(ShippedFolder(), watch: false);

        Assert.Empty(registry.Errors);
        Assert.Empty(registry.Warnings);
        Assert.Equal(16, registry.Models.Count);
        Assert.All(registry.Models, m => Assert.True(m.Classifier.IsVerified, m.CardPath));
    }

    [Fact]
    public void Each_shipped_model_is_its_trained_file_plus_the_metadata_and_scores_bit_identically()
    {
        using var scratch = new ScratchFolder();
        // Models retrained by make_default_models.sh get new file names and are written with the metadata by the
        // exporters; they are checked by the test above, this one covers the files that were stamped.
        var cards = Directory.GetFiles(ShippedFolder(), "*.json").Select(path => (Path: path, Card: ModelCard.Load(path)))
            .Where(c => TrainedSha256.ContainsKey(c.Card.OnnxFile)).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(cards);
        foreach (var (cardPath, card) in cards)
        {
            var shipped = File.ReadAllBytes(ModelFolder.OnnxPath(cardPath, card));
            var suffix = OnnxMetadata.EncodeEntries(ModelIdentity.Of(card).ToMetadata());
            Assert.True(shipped.AsSpan().EndsWith(suffix), $"{card.OnnxFile} does not end with its card's metadata entries");
            var trained = shipped[..^suffix.Length];
            Assert.Equal(TrainedSha256[card.OnnxFile], Convert.ToHexStringLower(SHA256.HashData(trained)));

            var trainedPath = scratch.File(card.OnnxFile);
            File.WriteAllBytes(trainedPath, trained);
            using var asTrained = OnnxClassifier.Create(card, trainedPath, cardPath);
            using var asShipped = OnnxClassifier.Load(cardPath);
            Assert.False(asTrained.IsVerified);
            Assert.True(asShipped.IsVerified);
            Assert.Null(ModelFolder.FirstDifferentScore(asTrained, asShipped, rows: 512, seed: 11));
        }
    }

    private static string ShippedFolder() => Path.Combine(RepositoryPaths.Root()!, "models");
}
