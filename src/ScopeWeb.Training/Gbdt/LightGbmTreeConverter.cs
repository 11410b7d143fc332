using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Training.Gbdt;

/// <summary>
/// Converts LightGBM's JSON model dump (<c>LGBM_BoosterDumpModel</c>) of a binary model into a <see cref="TreeEnsembleModel"/>
/// that an ONNX tree ensemble evaluates exactly as LightGBM's <c>Tree::NumericalDecision</c> does.
/// </summary>
/// <remarks>
/// Rules (measured in docs/toolchain.md):
/// <list type="number">
/// <item>LightGBM compares <c>(double)x ≤ threshold</c> with a double threshold; ONNX Runtime compares float with float.
/// The threshold becomes the largest float ≤ it (a plain cast rounds up about half the time and misroutes inputs
/// that fall between the float and the double), so <c>x ≤ f ⇔ (double)x ≤ t</c> for every float x.</item>
/// <item>Missing values: <c>missing_type "NaN"</c> sends NaN the <c>default_left</c> way; <c>"None"</c> (the feature had no
/// NaN in training) makes LightGBM read NaN as 0, so NaN goes left exactly when <c>0 ≤ threshold</c>.</item>
/// <item>LightGBM's prediction reads |x| ≤ 1e-35 as 0, and it does split at ±1e-35 (the bin edges around 0); a threshold
/// within that band is moved to the band's edge (<see cref="FloatThreshold"/>), so e.g. x = −1e-35 goes right at t = −1e-35
/// as in LightGBM. Found by the export test's rows placed exactly on thresholds.</item>
/// <item><c>missing_type "Zero"</c> (zero_as_missing=true also routes |x| ≤ 1e-35 to the default side) and categorical
/// (<c>"=="</c>) splits cannot be written as one BRANCH_LEQ node and are refused; the trainer never produces them.</item>
/// </list>
/// The binary objective's <c>boost_from_average</c> start is already folded into the first tree's leaves, so the margin
/// offset is 0. Leaf values (doubles) become floats, which moves the probability by well under 1e-6.
/// </remarks>
public static class LightGbmTreeConverter
{
    /// <summary>Converts a JSON dump; <paramref name="source"/> names its origin in error messages.</summary>
    /// <exception cref="InvalidDataException">Not a supported LightGBM binary model; the message names source and field.</exception>
    public static TreeEnsembleModel Convert(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            // Each tree level nests one object deeper; LightGBM trees can be deeper than the default limit of 64.
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4096 });
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

    /// <summary>
    /// LightGBM's kZeroThreshold (1e-35f): when it predicts, inputs with |x| ≤ this are read as 0 (its dense rows are
    /// turned into sparse ones), and bin boundaries around 0 sit at ±this value.
    /// </summary>
    public const double ZeroThreshold = 1e-35f;

    /// <summary>The largest float not above <paramref name="threshold"/>, so <c>x ≤ result</c> ⇔ <c>(double)x ≤ threshold</c> for float x.</summary>
    public static float RoundThresholdDown(double threshold)
    {
        var rounded = (float)threshold;
        return rounded > threshold ? MathF.BitDecrement(rounded) : rounded;
    }

    /// <summary>
    /// The float threshold f for which <c>x ≤ f</c> holds exactly when LightGBM's prediction sends a (non-NaN) float x left:
    /// LightGBM tests <c>x' ≤ t</c> with <c>x' = 0</c> when |x| ≤ <see cref="ZeroThreshold"/>, else x. For |t| beyond the
    /// zero band that is <see cref="RoundThresholdDown"/>(t); for t in [0, z) everything up to z goes left (f = z); for
    /// t in [−z, 0) only x &lt; −z does (f = the float below −z). Splits at −z are real: LightGBM puts a bin boundary there.
    /// </summary>
    public static float FloatThreshold(double threshold)
    {
        if (threshold >= ZeroThreshold || threshold < -ZeroThreshold)
        {
            return RoundThresholdDown(threshold);
        }

        return threshold >= 0 ? (float)ZeroThreshold : MathF.BitDecrement(-(float)ZeroThreshold);
    }

    private sealed class Reader(string source)
    {
        public TreeEnsembleModel Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Fail("(root)", $"expected an object, found {root.ValueKind}.");
            }

            var numClass = Int(Property(root, "num_class", string.Empty), "num_class");
            if (numClass != 1)
            {
                Fail("num_class", $"is {numClass}; only binary models (one class score) convert.");
            }

            var perIteration = Int(Property(root, "num_tree_per_iteration", string.Empty), "num_tree_per_iteration");
            if (perIteration != 1)
            {
                Fail("num_tree_per_iteration", $"is {perIteration}; only one tree per round (binary) converts.");
            }

            var objective = String(Property(root, "objective", string.Empty), "objective");
            if (!string.Equals(objective, "binary sigmoid:1", StringComparison.Ordinal))
            {
                Fail("objective", $"'{objective}' is not supported; only the binary objective with sigmoid 1 gives probability = sigmoid(margin).");
            }

            if (root.TryGetProperty("average_output", out var average) && average.ValueKind == JsonValueKind.True)
            {
                Fail("average_output", "is true (random forest mode); only boosted sums convert.");
            }

            var featureCount = Int(Property(root, "max_feature_idx", string.Empty), "max_feature_idx") + 1;
            if (featureCount <= 0)
            {
                Fail("max_feature_idx", $"gives {featureCount} features.");
            }

            var treeInfo = Property(root, "tree_info", string.Empty);
            if (treeInfo.ValueKind != JsonValueKind.Array || treeInfo.GetArrayLength() == 0)
            {
                Fail("tree_info", "must be a non-empty array.");
            }

            var trees = new List<IReadOnlyList<TreeNode>>(treeInfo.GetArrayLength());
            var t = 0;
            foreach (var tree in treeInfo.EnumerateArray())
            {
                var path = string.Create(CultureInfo.InvariantCulture, $"tree_info[{t}]");
                if (tree.TryGetProperty("num_cat", out var numCat) && numCat.ValueKind == JsonValueKind.Number && numCat.GetInt32() != 0)
                {
                    Fail($"{path}.num_cat", "the tree has categorical splits, which are not supported.");
                }

                var nodes = new List<TreeNode>();
                AddNode(Property(tree, "tree_structure", path), $"{path}.tree_structure", featureCount, nodes);
                trees.Add(nodes);
                t++;
            }

            return new TreeEnsembleModel(featureCount, trees, 0f);
        }

        /// <summary>Appends the subtree in pre-order (node, left subtree, right subtree) and returns its root's index.</summary>
        private int AddNode(JsonElement node, string path, int featureCount, List<TreeNode> nodes)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                Fail(path, $"expected an object, found {node.ValueKind}.");
            }

            if (node.TryGetProperty("leaf_coeff", out _) || node.TryGetProperty("leaf_const", out _))
            {
                Fail(path, "linear-tree leaves (linear_tree=true) are not supported.");
            }

            if (!node.TryGetProperty("split_feature", out var featureElement))
            {
                var value = Double(Property(node, "leaf_value", path), $"{path}.leaf_value");
                nodes.Add(TreeNode.Leaf((float)value));
                return nodes.Count - 1;
            }

            var feature = Int(featureElement, $"{path}.split_feature");
            if (feature < 0 || feature >= featureCount)
            {
                Fail($"{path}.split_feature", $"feature {feature} is outside 0..{featureCount - 1}.");
            }

            var decision = String(Property(node, "decision_type", path), $"{path}.decision_type");
            if (!string.Equals(decision, "<=", StringComparison.Ordinal))
            {
                Fail($"{path}.decision_type", $"'{decision}' is a categorical split; only numerical '<=' splits are supported (do not declare categorical features).");
            }

            var threshold = Double(Property(node, "threshold", path), $"{path}.threshold");
            var defaultLeft = Bool(Property(node, "default_left", path), $"{path}.default_left");
            var missingType = String(Property(node, "missing_type", path), $"{path}.missing_type");
            var missingGoesLeft = missingType switch
            {
                "NaN" => defaultLeft,
                "None" => 0.0 <= threshold,
                "Zero" => throw Error(
                    $"{path}.missing_type",
                    "'Zero' (zero_as_missing=true) also sends values near 0 to the default side, which one ONNX node cannot express; train with zero_as_missing=false."),
                _ => throw Error($"{path}.missing_type", $"'{missingType}' is not one of None, NaN, Zero."),
            };

            var index = nodes.Count;
            nodes.Add(default);
            var left = AddNode(Property(node, "left_child", path), $"{path}.left_child", featureCount, nodes);
            var right = AddNode(Property(node, "right_child", path), $"{path}.right_child", featureCount, nodes);
            nodes[index] = new TreeNode(feature, FloatThreshold(threshold), TreeSplitRule.LessOrEqual, left, right, missingGoesLeft, 0f);
            return index;
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
                Fail(field, "is missing; is this a LightGBM JSON dump (LGBM_BoosterDumpModel / Booster.dump_model)?");
            }

            return value;
        }

        private int Int(JsonElement element, string path)
        {
            var value = 0;
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out value))
            {
                Fail(path, $"expected an integer, found {element.GetRawText()}.");
            }

            return value;
        }

        private double Double(JsonElement element, string path)
        {
            // Parsed as double: LightGBM writes 17 significant digits, so the value is exactly the one it compares with.
            var value = 0.0;
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out value) || !double.IsFinite(value))
            {
                Fail(path, $"expected a finite number, found {element.GetRawText()}.");
            }

            return value;
        }

        private bool Bool(JsonElement element, string path) => element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(path, $"expected true or false, found {element.GetRawText()}."),
        };

        private string String(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                Fail(path, $"expected a string, found {element.ValueKind}.");
            }

            return element.GetString()!;
        }

        private InvalidDataException Error(string field, string problem) => new($"{source}: field '{field}': {problem}");

        [DoesNotReturn]
        private void Fail(string field, string problem) => throw Error(field, problem);
    }
}
