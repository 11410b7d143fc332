using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Training;

/// <summary>
/// Puts a trained model into the registry folder as the tag's model for its algorithm. The ONNX file goes in under a
/// versioned name first and the card (<c>&lt;tag&gt;_&lt;algorithm&gt;.json</c>) is swapped in atomically, so the
/// registry's folder watch never sees a card pointing at a half-written model; older files of that tag and
/// algorithm are removed afterwards.
/// </summary>
public static class ModelPromotion
{
    /// <summary>Promotes the card at <paramref name="cardPath"/> (its ONNX file beside it) into <paramref name="registryDirectory"/>; returns the new card path.</summary>
    /// <exception cref="InvalidDataException">The card or its ONNX file is missing or invalid.</exception>
    public static string Promote(string cardPath, string registryDirectory)
    {
        var card = ModelCard.Load(cardPath);
        var onnxSource = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cardPath))!, card.OnnxFile);
        if (!File.Exists(onnxSource))
        {
            throw new InvalidDataException($"{cardPath}: field 'onnx_file': {onnxSource} does not exist.");
        }

        Directory.CreateDirectory(registryDirectory);
        var column = ModelRegistry.ScoreColumn(card);
        var onnxName = $"{column}.{Sanitize(card.Version)}.onnx";
        var onnxTarget = Path.Combine(registryDirectory, onnxName);
        if (!string.Equals(Path.GetFullPath(onnxSource), Path.GetFullPath(onnxTarget), StringComparison.Ordinal))
        {
            File.Copy(onnxSource, onnxTarget + ".tmp", overwrite: true);
            File.Move(onnxTarget + ".tmp", onnxTarget, overwrite: true);
        }

        var cardTarget = Path.Combine(registryDirectory, column + ".json");
        (card with { OnnxFile = onnxName }).Save(cardTarget + ".tmp");
        File.Move(cardTarget + ".tmp", cardTarget, overwrite: true);

        // Other cards for the same score column would make the registry refuse one of them; their models go too.
        foreach (var other in Directory.GetFiles(registryDirectory, "*.json"))
        {
            if (string.Equals(other, cardTarget, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                var otherCard = ModelCard.Load(other);
                if (string.Equals(ModelRegistry.ScoreColumn(otherCard), column, StringComparison.Ordinal))
                {
                    File.Delete(other);
                }
            }
            catch (InvalidDataException)
            {
                // Not a card of ours to judge; the registry reports it.
            }
        }

        foreach (var stale in Directory.GetFiles(registryDirectory, column + ".*.onnx"))
        {
            if (!string.Equals(Path.GetFileName(stale), onnxName, StringComparison.Ordinal))
            {
                File.Delete(stale);
            }
        }

        return cardTarget;
    }

    private static string Sanitize(string version) =>
        string.Concat(version.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
