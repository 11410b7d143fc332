using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Training;

/// <summary>
/// Puts a trained model into the registry folder as the tag's model for its algorithm: the card becomes
/// <c>&lt;tag&gt;_&lt;algorithm&gt;.json</c> and the ONNX file <c>&lt;tag&gt;_&lt;algorithm&gt;.&lt;version&gt;.onnx</c>, through
/// <see cref="ModelFolder.Install"/> (written beside, checked against the card and its ScopeWeb metadata, then swapped
/// in), so the registry's folder watch never sees a card naming a half-written or mismatched model and a failed check
/// leaves the previous model serving. Other cards of that tag and algorithm, and their models, are removed afterwards.
/// </summary>
public static class ModelPromotion
{
    /// <summary>Promotes the card at <paramref name="cardPath"/> (its ONNX file beside it) into <paramref name="registryDirectory"/>; returns the new card path.</summary>
    /// <exception cref="InvalidDataException">The card or its ONNX file is missing, invalid or mismatched; the registry is as it was.</exception>
    public static string Promote(string cardPath, string registryDirectory)
    {
        var card = ModelCard.Load(cardPath);
        var onnxSource = ModelFolder.OnnxPath(cardPath, card);
        if (!File.Exists(onnxSource))
        {
            throw new InvalidDataException($"{cardPath}: field 'onnx_file': {onnxSource} does not exist.");
        }

        // Checked where it was trained first, so a mismatch is reported against the trained files, not a temporary copy.
        using (OnnxClassifier.Load(cardPath))
        {
        }

        var column = ModelRegistry.ScoreColumn(card);
        // The trainers record the identity at export; a model trained before they did gets it here, from its card,
        // and a model whose recorded identity differs from its card is refused by the check.
        var metadata = ModelIdentity.Of(card).ToMetadata();
        var installed = ModelFolder.Install(
            registryDirectory, card, column + ".json", $"{column}.{Sanitize(card.Version)}.onnx",
            stream => OnnxMetadata.CopyWithEntries(onnxSource, stream, metadata), onnxSource, replace: true);

        // Other cards for the same score column would make the registry refuse one of them; their models go too.
        var superseded = new List<string>();
        foreach (var other in Directory.GetFiles(Path.GetDirectoryName(installed.CardPath)!, "*.json"))
        {
            if (string.Equals(other, installed.CardPath, StringComparison.Ordinal) || ModelFolder.IsIgnored(other))
            {
                continue;
            }

            try
            {
                var otherCard = ModelCard.Load(other);
                if (string.Equals(ModelRegistry.ScoreColumn(otherCard), column, StringComparison.Ordinal))
                {
                    File.Delete(other);
                    superseded.Add(otherCard.OnnxFile);
                }
            }
            catch (InvalidDataException)
            {
                // Not a card of ours to judge; the registry reports it.
            }
        }

        // Earlier promotions' files of this column that no card names any more.
        var stale = Directory.GetFiles(Path.GetDirectoryName(installed.CardPath)!, column + ".*.onnx").Select(Path.GetFileName).OfType<string>();
        ModelFolder.DeleteUnreferenced(Path.GetDirectoryName(installed.CardPath)!, superseded.Concat(stale));
        return installed.CardPath;
    }

    private static string Sanitize(string version) =>
        string.Concat(version.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
