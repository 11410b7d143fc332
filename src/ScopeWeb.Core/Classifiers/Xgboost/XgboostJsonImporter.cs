using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Classifiers.Xgboost;

/// <summary>A binary XGBoost model read from its JSON format, as an exact tree ensemble.</summary>
/// <param name="Ensemble">Trees with XGBoost's strict <c>x &lt; threshold</c> rule and default directions; margin offset included.</param>
/// <param name="FeatureNames">Input feature names (XGBoost's <c>f0, f1, …</c> when the model has none).</param>
/// <param name="BaseScore">learner_model_param.base_score, a probability for the logistic objectives.</param>
/// <param name="Objective">The objective name (binary:logistic or reg:logistic).</param>
public sealed record XgboostModel(TreeEnsembleModel Ensemble, IReadOnlyList<string> FeatureNames, float BaseScore, string Objective);

/// <summary>
/// Reads XGBoost's JSON model format (<c>Booster.save_model("x.json")</c>, xgboost ≥ 1.0) for binary:logistic gbtree
/// models and converts it to an ONNX tree ensemble that reproduces <c>Booster.predict</c>.
/// </summary>
/// <remarks>
/// XGBoost sends <c>x &lt; split_condition</c> left (strict). The trees keep that rule and are written with ONNX's
/// BRANCH_LT mode, so no threshold is altered: nudging the threshold one float down under BRANCH_LEQ would be
/// equivalent for float32 input, but BRANCH_LT states the rule directly and cannot be off by one ulp.
/// NaN follows <c>default_left</c>. Leaf values are <c>split_conditions</c> of leaf nodes (already multiplied by eta;
/// <c>base_weights</c> holds the unshrunk weights). base_score is stored as a probability, so the margin offset is
/// logit(base_score), computed in float32 as XGBoost does (<c>-logf(1/p - 1)</c>).
/// </remarks>
public static class XgboostJsonImporter
{
    /// <summary>Reads and converts a model file.</summary>
    /// <exception cref="InvalidDataException">The file is not a supported XGBoost JSON model; the message names file and field.</exception>
    public static XgboostModel Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Converts a model file straight to ONNX (with optional metadata, e.g. the model card JSON).</summary>
    public static void ConvertToOnnx(string jsonPath, string onnxPath, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = Load(jsonPath);
        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(model.Ensemble, metadata), onnxPath);
    }

    /// <summary>Parses model JSON; <paramref name="source"/> names the origin in error messages.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a supported XGBoost model.</exception>
    public static XgboostModel Parse(ReadOnlyMemory<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            return new Reader(source).Read(document.RootElement);
        }
    }

    private sealed class Reader(string source)
    {
        public XgboostModel Read(JsonElement root)
        {
            var learner = Property(root, "learner", string.Empty);
            var objective = String(Property(Property(learner, "objective", "learner"), "name", "learner.objective"), "learner.objective.name");
            if (!string.Equals(objective, "binary:logistic", StringComparison.Ordinal)
                && !string.Equals(objective, "reg:logistic", StringComparison.Ordinal))
            {
                Fail("learner.objective.name", $"'{objective}' is not supported; only binary:logistic (and reg:logistic) models convert to a probability score.");
            }

            var parameters = Property(learner, "learner_model_param", "learner");
            var featureCount = IntString(Property(parameters, "num_feature", "learner.learner_model_param"), "learner.learner_model_param.num_feature");
            if (featureCount <= 0)
            {
                Fail("learner.learner_model_param.num_feature", $"must be positive, not {featureCount}.");
            }

            if (parameters.TryGetProperty("num_class", out var numClass) && IntString(numClass, "learner.learner_model_param.num_class") > 1)
            {
                Fail("learner.learner_model_param.num_class", "multi-class models are not supported (binary classifiers only).");
            }

            if (parameters.TryGetProperty("num_target", out var numTarget) && IntString(numTarget, "learner.learner_model_param.num_target") > 1)
            {
                Fail("learner.learner_model_param.num_target", "multi-target models are not supported.");
            }

            var baseScore = BaseScore(Property(parameters, "base_score", "learner.learner_model_param"));
            if (!(baseScore > 0f && baseScore < 1f))
            {
                Fail("learner.learner_model_param.base_score", $"must be a probability strictly between 0 and 1 for {objective}, not {baseScore.ToString("R", CultureInfo.InvariantCulture)}.");
            }

            var booster = Property(learner, "gradient_booster", "learner");
            var boosterName = String(Property(booster, "name", "learner.gradient_booster"), "learner.gradient_booster.name");
            if (!string.Equals(boosterName, "gbtree", StringComparison.Ordinal))
            {
                Fail("learner.gradient_booster.name", $"'{boosterName}' is not supported; only gbtree (dart weights and gblinear are not converted).");
            }

            var model = Property(booster, "model", "learner.gradient_booster");
            var treesElement = Property(model, "trees", "learner.gradient_booster.model");
            if (treesElement.ValueKind != JsonValueKind.Array || treesElement.GetArrayLength() == 0)
            {
                Fail("learner.gradient_booster.model.trees", "must be a non-empty array.");
            }

            if (model.TryGetProperty("tree_info", out var treeInfo) && treeInfo.ValueKind == JsonValueKind.Array
                && treeInfo.EnumerateArray().Any(group => group.ValueKind != JsonValueKind.Number || group.GetInt32() != 0))
            {
                Fail("learner.gradient_booster.model.tree_info", "trees belong to more than one output group (multi-class); not supported.");
            }

            var trees = new List<IReadOnlyList<TreeNode>>();
            var t = 0;
            foreach (var tree in treesElement.EnumerateArray())
            {
                trees.Add(ReadTree(tree, $"learner.gradient_booster.model.trees[{t}]", featureCount));
                t++;
            }

            // XGBoost: margin offset = ProbToMargin(base_score) = -logf(1/p - 1), in float.
            var baseMargin = -MathF.Log((1.0f / baseScore) - 1.0f);
            var names = FeatureNames(learner, featureCount);
            return new XgboostModel(new TreeEnsembleModel(featureCount, trees, baseMargin), names, baseScore, objective);
        }

        private List<TreeNode> ReadTree(JsonElement tree, string path, int featureCount)
        {
            var left = Ints(tree, "left_children", path);
            var right = Ints(tree, "right_children", path);
            var features = Ints(tree, "split_indices", path);
            var conditions = Floats(tree, "split_conditions", path);
            var defaultLeft = Flags(tree, "default_left", path);
            var count = left.Length;
            if (count == 0)
            {
                Fail($"{path}.left_children", "is empty.");
            }

            CheckLength(right.Length, count, $"{path}.right_children");
            CheckLength(features.Length, count, $"{path}.split_indices");
            CheckLength(conditions.Length, count, $"{path}.split_conditions");
            CheckLength(defaultLeft.Length, count, $"{path}.default_left");
            if (tree.TryGetProperty("split_type", out _))
            {
                var splitTypes = Ints(tree, "split_type", path);
                CheckLength(splitTypes.Length, count, $"{path}.split_type");
                var categorical = Array.FindIndex(splitTypes, type => type != 0);
                if (categorical >= 0)
                {
                    Fail($"{path}.split_type[{categorical}]", "categorical splits are not supported.");
                }
            }

            var nodes = new List<TreeNode>(count);
            for (var n = 0; n < count; n++)
            {
                if (left[n] == -1)
                {
                    if (right[n] != -1)
                    {
                        Fail($"{path}.right_children[{n}]", $"a leaf (left child −1) has right child {right[n]}.");
                    }

                    nodes.Add(TreeNode.Leaf(conditions[n]));
                    continue;
                }

                if (left[n] <= 0 || left[n] >= count)
                {
                    Fail($"{path}.left_children[{n}]", $"child {left[n]} is outside 1..{count - 1}.");
                }

                if (right[n] <= 0 || right[n] >= count)
                {
                    Fail($"{path}.right_children[{n}]", $"child {right[n]} is outside 1..{count - 1}.");
                }

                if (features[n] < 0 || features[n] >= featureCount)
                {
                    Fail($"{path}.split_indices[{n}]", $"feature {features[n]} is outside 0..{featureCount - 1}.");
                }

                nodes.Add(new TreeNode(features[n], conditions[n], TreeSplitRule.LessThan, left[n], right[n], defaultLeft[n], 0f));
            }

            return nodes;
        }

        private IReadOnlyList<string> FeatureNames(JsonElement learner, int featureCount)
        {
            if (learner.TryGetProperty("feature_names", out var names) && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0)
            {
                if (names.GetArrayLength() != featureCount)
                {
                    Fail("learner.feature_names", $"lists {names.GetArrayLength()} names but num_feature is {featureCount}.");
                }

                return [.. names.EnumerateArray().Select((name, i) => String(name, $"learner.feature_names[{i}]"))];
            }

            return [.. Enumerable.Range(0, featureCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"f{i}"))];
        }

        private float BaseScore(JsonElement element)
        {
            const string field = "learner.learner_model_param.base_score";
            if (element.ValueKind == JsonValueKind.Number)
            {
                return element.GetSingle();
            }

            // 1.x/2.x store "5E-1"; 3.x stores a vector as "[5E-1]".
            var text = String(element, field).Trim();
            if (text.StartsWith('[') && text.EndsWith(']'))
            {
                text = text[1..^1].Trim();
                if (text.Contains(',', StringComparison.Ordinal))
                {
                    Fail(field, $"has several values ('{text}'); multi-target models are not supported.");
                }
            }

            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                Fail(field, $"'{text}' is not a number.");
            }

            return value;
        }

        private int IntString(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number))
            {
                return number;
            }

            if (element.ValueKind == JsonValueKind.String
                && int.TryParse(element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            Fail(path, $"expected an integer, found {element.GetRawText()}.");
            return 0;
        }

        private int[] Ints(JsonElement parent, string name, string path)
        {
            var array = ArrayProperty(parent, name, path);
            var values = new int[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out values[i]))
                {
                    Fail($"{path}.{name}[{i}]", $"expected an integer, found {item.GetRawText()}.");
                }

                i++;
            }

            return values;
        }

        private float[] Floats(JsonElement parent, string name, string path)
        {
            var array = ArrayProperty(parent, name, path);
            var values = new float[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                // Parsed straight to float32 (not via double) so thresholds keep XGBoost's exact float value.
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetSingle(out values[i]) || !float.IsFinite(values[i]))
                {
                    Fail($"{path}.{name}[{i}]", $"expected a finite number, found {item.GetRawText()}.");
                }

                i++;
            }

            return values;
        }

        private bool[] Flags(JsonElement parent, string name, string path)
        {
            var array = ArrayProperty(parent, name, path);
            var values = new bool[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                values[i] = item.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when item.TryGetInt32(out var flag) && flag is 0 or 1 => flag == 1,
                    _ => throw Error($"{path}.{name}[{i}]", $"expected 0, 1, true or false, found {item.GetRawText()}."),
                };
                i++;
            }

            return values;
        }

        private JsonElement ArrayProperty(JsonElement parent, string name, string path)
        {
            var array = Property(parent, name, path);
            if (array.ValueKind != JsonValueKind.Array)
            {
                Fail($"{path}.{name}", $"expected an array, found {array.ValueKind}.");
            }

            return array;
        }

        private JsonElement Property(JsonElement parent, string name, string path)
        {
            var field = path.Length == 0 ? name : $"{path}.{name}";
            if (parent.ValueKind != JsonValueKind.Object)
            {
                Fail(path.Length == 0 ? "(root)" : path, $"expected an object, found {parent.ValueKind}.");
            }

            if (!parent.TryGetProperty(name, out var value))
            {
                Fail(field, "is missing; is this an XGBoost JSON model (Booster.save_model with a .json name)?");
            }

            return value;
        }

        private string String(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                Fail(path, $"expected a string, found {element.ValueKind}.");
            }

            return element.GetString()!;
        }

        private void CheckLength(int actual, int expected, string path)
        {
            if (actual != expected)
            {
                Fail(path, $"has {actual} entries but the tree has {expected} nodes.");
            }
        }

        private InvalidDataException Error(string field, string problem) => new($"{source}: field '{field}': {problem}");

        [DoesNotReturn]
        private void Fail(string field, string problem) => throw Error(field, problem);
    }
}
