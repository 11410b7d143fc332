using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Classifiers.Xgboost;

namespace ScopeWeb.Cli.Classifiers;

/// <summary>
/// <c>scope models import (--xgb MODEL.json | --onnx MODEL.onnx [--dmdt]) --tag T --features a,b,c --output-dir DIR</c>:
/// turns a trained model into a model folder entry, <c>&lt;tag&gt;.&lt;algorithm&gt;.onnx</c> plus its card
/// <c>&lt;tag&gt;.&lt;algorithm&gt;.json</c>, which <c>scope predict</c> and the web app's model registry load.
/// </summary>
/// <remarks>
/// An <c>--onnx</c> model is a user's own (a SCoPe Keras model converted by tf2onnx, or one exported by
/// torch.onnx.export): its inputs are checked by shape against <c>--features</c> and <c>--dmdt</c> with
/// <see cref="OnnxClassifier.CheckModel"/> before anything is written, then a copy with the card's
/// <see cref="ModelIdentity"/> added to its metadata goes into the folder (the user's file is never modified).
/// Either kind is put in by <see cref="ModelFolder.Install"/>: written beside, checked, swapped, so a failed
/// <c>--force</c> leaves the previous model serving. <c>scope models stamp</c> records the identity in the ONNX files
/// of cards made before it existed (<see cref="ModelFolder.Stamp"/>).
/// </remarks>
public static partial class ModelsCommand
{
    private static readonly JsonSerializerOptions StatsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static Command Create()
    {
        var command = new Command("models", "Manage classifier models (ONNX files with model cards).");
        command.Subcommands.Add(CreateImport());
        command.Subcommands.Add(CreateStamp());
        return command;
    }

    private static Command CreateImport()
    {
        var xgb = new Option<FileInfo?>("--xgb") { Description = "XGBoost JSON model (Booster.save_model(\"x.json\")), binary:logistic." };
        var onnx = new Option<FileInfo?>("--onnx")
        {
            Description = "ONNX model (tf2onnx, torch.onnx.export): a float input [N, features] (with --dmdt also the dmdt image), one score output [N], [N, 1] or [N, 2] (softmax, column 1).",
        };
        var dmdt = new Option<bool>("--dmdt")
        {
            Description = "The --onnx model also takes the 26×26 dmdt image: a second float input [N, 26, 26, 1] (Keras), [N, 1, 26, 26] (torch) or [N, 26, 26].",
        };
        var tag = new Option<string>("--tag") { Description = "Classifier tag, e.g. vnv (the score column is <tag>_<algorithm>).", Required = true };
        var features = new Option<string>("--features") { Description = "Feature names in model input order, comma-separated.", Required = true };
        var outputDir = new Option<DirectoryInfo>("--output-dir") { Description = "Model folder to write the ONNX file and card into.", Required = true };
        var threshold = new Option<double>("--threshold") { Description = "Score above which a source is a class member (SCoPe: 0.7).", DefaultValueFactory = _ => 0.7 };
        var version = new Option<string?>("--version") { Description = "Model version (default: today's UTC date)." };
        var algorithm = new Option<ModelAlgorithm>("--algorithm") { Description = "Algorithm of an --onnx model: Dnn or Xgb.", DefaultValueFactory = _ => ModelAlgorithm.Dnn };
        var scaling = new Option<ScalingMethod>("--scaling") { Description = "Feature scaling the model was trained with: None, MinMax or MedianStd.", DefaultValueFactory = _ => ScalingMethod.None };
        var stats = new Option<FileInfo?>("--feature-stats") { Description = "JSON {feature: {min, max, median, mean, std}} for --scaling." };
        var force = new Option<bool>("--force") { Description = "Replace an existing card and ONNX file of the same tag and algorithm." };
        var import = new Command("import", "Import a trained model into a model folder, writing its ONNX file and model card.")
        {
            xgb, onnx, dmdt, tag, features, outputDir, threshold, version, algorithm, scaling, stats, force,
        };
        import.Validators.Add(result =>
        {
            if ((result.GetValue(xgb) is null) == (result.GetValue(onnx) is null))
            {
                result.AddError("give exactly one of --xgb or --onnx.");
            }

            if (result.GetValue(xgb) is not null && result.GetResult(algorithm) is { Implicit: false })
            {
                result.AddError("--algorithm applies to --onnx only (an --xgb model is xgb).");
            }

            if (result.GetValue(xgb) is not null && result.GetValue(dmdt))
            {
                result.AddError("--dmdt applies to --onnx only (an XGBoost model takes features only).");
            }

            if (result.GetValue(scaling) != ScalingMethod.None && result.GetValue(stats) is null)
            {
                result.AddError("--scaling needs --feature-stats.");
            }
        });
        import.SetAction(async (parse, ct) =>
        {
            var request = new ImportRequest(
                parse.GetValue(tag)!,
                [.. parse.GetValue(features)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
                parse.GetValue(outputDir)!,
                parse.GetValue(threshold),
                parse.GetValue(version) ?? DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                parse.GetValue(scaling),
                parse.GetValue(stats),
                parse.GetValue(force),
                parse.GetValue(dmdt));
            try
            {
                var cardPath = parse.GetValue(xgb) is { } xgbFile
                    ? ImportXgboost(xgbFile, request)
                    : ImportOnnx(parse.GetValue(onnx)!, parse.GetValue(algorithm), request);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Wrote model card {cardPath}.").ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return import;
    }

    private static Command CreateStamp()
    {
        var models = new Option<DirectoryInfo>("--models") { Description = "Model folder whose cards' ONNX files get the ScopeWeb metadata.", Required = true };
        var stamp = new Command(
            "stamp",
            "Record each card's tag, algorithm and feature order in its ONNX file (metadata only: same graph and weights, checked by scoring) "
            + "where the file has none, so the registry can check the card against it. Trusts the cards: check them first.")
        {
            models,
        };
        stamp.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetValue(models)!;
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!folder.Exists)
            {
                await error.WriteLineAsync($"error: {folder.FullName}: the model folder does not exist.").ConfigureAwait(false);
                return 1;
            }

            var failed = 0;
            var cards = folder.GetFiles("*.json").Where(f => !ModelFolder.IsIgnored(f.Name)).OrderBy(f => f.Name, StringComparer.Ordinal);
            foreach (var card in cards)
            {
                try
                {
                    var result = ModelFolder.Stamp(card.FullName);
                    await output.WriteLineAsync(result.Stamped
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"{card.Name}: stamped {Path.GetFileName(result.OnnxPath)} ({result.RowsCompared} probe rows score bit-identically).")
                        : $"{card.Name}: {Path.GetFileName(result.OnnxPath)} already records the card's metadata.").ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    failed++;
                    await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                }
            }

            return failed == 0 ? 0 : 1;
        });
        return stamp;
    }

    private sealed record ImportRequest(
        string Tag,
        IReadOnlyList<string> Features,
        DirectoryInfo OutputDirectory,
        double Threshold,
        string Version,
        ScalingMethod Scaling,
        FileInfo? FeatureStats,
        bool Force,
        bool UsesDmdt);

    /// <summary>Converts an XGBoost JSON model to an ONNX tree ensemble and writes its card; returns the card path.</summary>
    private static string ImportXgboost(FileInfo source, ImportRequest request)
    {
        RequireFile(source);
        var model = XgboostJsonImporter.Load(source.FullName);
        if (model.FeatureNames.Count != request.Features.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source.FullName}: the model takes {model.FeatureNames.Count} features ({string.Join(", ", model.FeatureNames)}), but --features lists {request.Features.Count}."));
        }

        var unnamed = model.FeatureNames.Select((name, i) => string.Equals(name, "f" + i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).All(x => x);
        if (!unnamed && !model.FeatureNames.SequenceEqual(request.Features, StringComparer.Ordinal))
        {
            // The model knows its input order; a different --features order would silently feed the wrong columns.
            throw new InvalidDataException(
                $"{source.FullName}: the model's feature_names are {string.Join(",", model.FeatureNames)}; --features must list the same names in the same order, not {string.Join(",", request.Features)}.");
        }

        var (card, baseName) = PrepareCard(source, ModelAlgorithm.Xgb, request);
        var onnx = OnnxModelWriter.BuildTreeEnsemble(model.Ensemble, ModelIdentity.Of(card).ToMetadata());
        return ModelFolder.Install(
            request.OutputDirectory.FullName, card, baseName + ".json", baseName + ".onnx", stream => OnnxModelWriter.Write(onnx, stream), source.FullName, request.Force).CardPath;
    }

    /// <summary>
    /// Checks an ONNX model's inputs and output (and its ScopeWeb metadata, if it has some) against --tag, --features and
    /// --dmdt (nothing is written when they do not fit), then installs a copy with the metadata added and its card.
    /// </summary>
    private static string ImportOnnx(FileInfo source, ModelAlgorithm algorithm, ImportRequest request)
    {
        RequireFile(source);
        if (algorithm == ModelAlgorithm.Hierarchical)
        {
            throw new InvalidDataException("--algorithm must be Dnn or Xgb for an ONNX model.");
        }

        var (card, baseName) = PrepareCard(source, algorithm, request);
        OnnxClassifier.CheckModel(card, source.FullName, $"model card for --tag {request.Tag}", "--features");
        // A copy with the metadata appended; importing the folder's own file again (e.g. to rewrite its card with
        // --force) reads it while the copy is written beside it under a new name.
        var metadata = ModelIdentity.Of(card).ToMetadata();
        return ModelFolder.Install(
            request.OutputDirectory.FullName, card, baseName + ".json", baseName + ".onnx",
            stream => OnnxMetadata.CopyWithEntries(source.FullName, stream, metadata), source.FullName, request.Force).CardPath;
    }

    private static (ModelCard Card, string BaseName) PrepareCard(FileInfo source, ModelAlgorithm algorithm, ImportRequest request)
    {
        if (!TagPattern().IsMatch(request.Tag))
        {
            throw new InvalidDataException($"--tag '{request.Tag}': use letters, digits and underscores only (it names files and the score column).");
        }

        var scalingStats = request.FeatureStats is { } statsFile ? ReadStats(statsFile) : new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
        var baseName = $"{request.Tag}.{ModelRegistry.AlgorithmName(algorithm)}";
        var card = new ModelCard
        {
            Tag = request.Tag,
            Algorithm = algorithm,
            FeatureNames = request.Features,
            Scaling = new FeatureScaling { Method = request.Scaling, Stats = scalingStats },
            Imputation = request.Features.Distinct(StringComparer.Ordinal)
                .ToDictionary(name => name, _ => new FeatureImputation { Method = ImputationMethod.None }, StringComparer.Ordinal),
            UsesDmdt = request.UsesDmdt,
            Threshold = request.Threshold,
            Version = request.Version,
            TrainingDataHash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source.FullName))),
            CreatedAtUtc = new DateTimeOffset(DateTime.UtcNow.Ticks, TimeSpan.Zero),
            OnnxFile = baseName + ".onnx",
        };
        card.Validate($"model card for --tag {request.Tag}");
        var cardPath = Path.Combine(request.OutputDirectory.FullName, baseName + ".json");
        if (File.Exists(cardPath) && !request.Force)
        {
            throw new InvalidDataException($"{cardPath} already exists; pass --force to replace it.");
        }

        return (card, baseName);
    }

    private static Dictionary<string, FeatureStats> ReadStats(FileInfo file)
    {
        RequireFile(file);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, FeatureStats>>(File.ReadAllText(file.FullName), StatsJson)
                ?? throw new InvalidDataException($"{file.FullName}: the feature stats are JSON null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file.FullName}: invalid feature stats at '{ex.Path}': {ex.Message}", ex);
        }
    }

    private static void RequireFile(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new InvalidDataException($"{file.FullName}: file not found.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
