namespace ScopeWeb.Core.Classifiers.Onnx;

/// <summary>Activation applied after a dense layer.</summary>
public enum DenseActivation
{
    /// <summary>Identity (no node).</summary>
    None,

    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,
}

/// <summary>
/// One fully connected layer in PyTorch layout: <c>y = x·Wᵀ + b</c> with <see cref="Weights"/> row-major
/// <c>[OutputCount, InputCount]</c>, so a torch <c>state_dict</c> can be copied as is.
/// </summary>
public sealed record DenseLayer(int InputCount, int OutputCount, float[] Weights, float[] Bias, DenseActivation Activation)
{
    internal void Validate(int index)
    {
        if (InputCount <= 0 || OutputCount <= 0)
        {
            throw new ArgumentException($"Dense layer {index}: sizes must be positive (in {InputCount}, out {OutputCount}).");
        }

        if (Weights.Length != InputCount * OutputCount)
        {
            throw new ArgumentException(
                $"Dense layer {index}: {Weights.Length} weights, expected out×in = {OutputCount}×{InputCount}.");
        }

        if (Bias.Length != OutputCount)
        {
            throw new ArgumentException($"Dense layer {index}: {Bias.Length} biases, expected {OutputCount}.");
        }
    }
}

/// <summary>How a tree's interior node compares a feature value with its threshold; true goes to the left child.</summary>
public enum TreeSplitRule
{
    /// <summary><c>x &lt; threshold</c> (XGBoost).</summary>
    LessThan,

    /// <summary><c>x ≤ threshold</c> (LightGBM, scikit-learn).</summary>
    LessOrEqual,
}

/// <summary>
/// One node of a regression tree. Interior nodes send a row to <see cref="Left"/> when the split rule holds,
/// to <see cref="Right"/> otherwise, and a missing value (NaN) to the left when <see cref="MissingGoesLeft"/>.
/// Leaves have <see cref="Left"/> = −1 and carry <see cref="LeafValue"/>.
/// </summary>
public readonly record struct TreeNode(
    int FeatureIndex, float Threshold, TreeSplitRule Rule, int Left, int Right, bool MissingGoesLeft, float LeafValue)
{
    /// <summary>True for a leaf.</summary>
    public bool IsLeaf => Left < 0;

    /// <summary>A leaf with the given value.</summary>
    public static TreeNode Leaf(float value) => new(0, 0f, TreeSplitRule.LessOrEqual, -1, -1, false, value);
}

/// <summary>
/// An additive ensemble of regression trees for binary classification: <c>score = sigmoid(Σ leaf + BaseMargin)</c>.
/// Node 0 of every tree is its root.
/// </summary>
public sealed record TreeEnsembleModel(int FeatureCount, IReadOnlyList<IReadOnlyList<TreeNode>> Trees, float BaseMargin)
{
    /// <summary>A plain C# evaluation of the ensemble for one row, used to cross-check ONNX output.</summary>
    public double Margin(ReadOnlySpan<float> features)
    {
        float sum = 0f;
        foreach (var tree in Trees)
        {
            var index = 0;
            while (!tree[index].IsLeaf)
            {
                var node = tree[index];
                var value = features[node.FeatureIndex];
                bool goLeft = float.IsNaN(value)
                    ? node.MissingGoesLeft
                    : node.Rule == TreeSplitRule.LessThan ? value < node.Threshold : value <= node.Threshold;
                index = goLeft ? node.Left : node.Right;
            }

            sum += tree[index].LeafValue;
        }

        return sum + BaseMargin;
    }

    internal void Validate()
    {
        if (FeatureCount <= 0)
        {
            throw new ArgumentException($"Tree ensemble needs a positive feature count, got {FeatureCount}.");
        }

        if (Trees.Count == 0)
        {
            throw new ArgumentException("Tree ensemble has no trees.");
        }

        for (var t = 0; t < Trees.Count; t++)
        {
            var tree = Trees[t];
            if (tree.Count == 0)
            {
                throw new ArgumentException($"Tree {t} has no nodes.");
            }

            for (var n = 0; n < tree.Count; n++)
            {
                var node = tree[n];
                if (node.IsLeaf)
                {
                    continue;
                }

                if (node.Left >= tree.Count || node.Right < 0 || node.Right >= tree.Count || node.Left == n || node.Right == n)
                {
                    throw new ArgumentException($"Tree {t} node {n}: child index out of range (left {node.Left}, right {node.Right}, {tree.Count} nodes).");
                }

                if (node.FeatureIndex < 0 || node.FeatureIndex >= FeatureCount)
                {
                    throw new ArgumentException($"Tree {t} node {n}: feature index {node.FeatureIndex} outside 0..{FeatureCount - 1}.");
                }
            }
        }
    }
}

/// <summary>A torch <c>nn.Linear</c>: <see cref="Weight"/> row-major <c>[out, in]</c>, <see cref="Bias"/> <c>[out]</c>.</summary>
public sealed record LinearWeights(float[] Weight, float[] Bias);

/// <summary>
/// Keras' SeparableConv2D (3×3, depth multiplier 1, stride 1, valid padding) as two torch convolutions:
/// depthwise <c>Conv2d(C_in, C_in, 3, groups=C_in, bias=False)</c> with <see cref="DepthwiseWeight"/>
/// <c>[C_in, 1, 3, 3]</c>, then pointwise <c>Conv2d(C_in, C_out, 1)</c> with <see cref="PointwiseWeight"/>
/// <c>[C_out, C_in, 1, 1]</c> and <see cref="PointwiseBias"/> <c>[C_out]</c>. ReLU follows.
/// </summary>
public sealed record SeparableConvWeights(float[] DepthwiseWeight, float[] PointwiseWeight, float[] PointwiseBias);

/// <summary>ScopeNet's features branch: <c>dense_fc_1</c> Linear(F, 256) → ReLU → <c>dense_fc_2</c> Linear(256, 32) → ReLU.</summary>
public sealed record ScopeNetDenseBranch(int FeatureCount, LinearWeights DenseFc1, LinearWeights DenseFc2);

/// <summary>
/// ScopeNet's dmdt branch: <c>conv_conv_1</c> (1→16), <c>conv_conv_2</c> (16→16), MaxPool 2×2, <c>conv_conv_3</c> (16→32),
/// <c>conv_conv_4</c> (32→32), global average pool: 26×26 → 24 → 22 → 11 → 9 → 7 → 32 values.
/// </summary>
public sealed record ScopeNetConvBranch(
    SeparableConvWeights ConvConv1, SeparableConvWeights ConvConv2, SeparableConvWeights ConvConv3, SeparableConvWeights ConvConv4)
{
    internal IEnumerable<(string Name, int InputChannels, int OutputChannels, SeparableConvWeights Weights)> Layers()
    {
        yield return ("conv_conv_1", 1, 16, ConvConv1);
        yield return ("conv_conv_2", 16, 16, ConvConv2);
        yield return ("conv_conv_3", 16, ScopeNetWeights.BranchUnits, ConvConv3);
        yield return ("conv_conv_4", ScopeNetWeights.BranchUnits, ScopeNetWeights.BranchUnits, ConvConv4);
    }
}

/// <summary>
/// The weights of SCoPe's DNN (docs/science.md "ScopeNet", Keras <c>DNN.build_model</c>) in PyTorch layouts, as the project's
/// trainer produces them: either branch or both, their 32-value outputs concatenated [dense, conv] →
/// <c>fc_1</c> Linear(32 or 64, 16) → ReLU → <c>score</c> Linear(16, 1) → sigmoid. Dropouts are identity at inference.
/// </summary>
/// <remarks>
/// The torch <c>state_dict</c> names (see <see cref="FromStateDict"/>) follow the Keras layer names: <c>dense_fc_1</c>,
/// <c>dense_fc_2</c>, <c>conv_conv_1..4</c> (each with <c>.depthwise</c> and <c>.pointwise</c>), <c>fc_1</c>, <c>score</c>.
/// </remarks>
public sealed record ScopeNetWeights(ScopeNetDenseBranch? Dense, ScopeNetConvBranch? Conv, LinearWeights Fc1, LinearWeights Score)
{
    /// <summary>Units of <c>dense_fc_1</c>.</summary>
    public const int DenseHiddenUnits = 256;

    /// <summary>Values each branch gives the merge (<c>dense_fc_2</c> units, <c>conv_conv_4</c> channels).</summary>
    public const int BranchUnits = 32;

    /// <summary>Units of <c>fc_1</c>.</summary>
    public const int MergeHiddenUnits = 16;

    /// <summary>Side of the dmdt histogram (26 dm bins × 26 dt bins).</summary>
    public const int DmdtSize = 26;

    /// <summary>Side of every depthwise kernel.</summary>
    public const int KernelSize = 3;

    /// <summary>Inputs of <c>fc_1</c>: 32 per present branch.</summary>
    public int MergedUnits => BranchUnits * ((Dense is null ? 0 : 1) + (Conv is null ? 0 : 1));

    /// <summary>
    /// Maps a torch <c>state_dict</c> (name → values, flattened row-major) onto the record. The dense branch is present when
    /// <c>dense_fc_1.weight</c> is, the conv branch when <c>conv_conv_1.depthwise.weight</c> is; F is
    /// <c>dense_fc_1.weight</c>'s length / 256. A missing or unexpected tensor is an error naming it (like torch's strict
    /// <c>load_state_dict</c>); sizes are checked when the graph is built.
    /// </summary>
    public static ScopeNetWeights FromStateDict(IReadOnlyDictionary<string, float[]> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var used = new HashSet<string>(StringComparer.Ordinal);
        float[] Take(string name)
        {
            if (!stateDict.TryGetValue(name, out var values))
            {
                throw new ArgumentException($"ScopeNet state_dict has no tensor '{name}'.", nameof(stateDict));
            }

            used.Add(name);
            return values;
        }

        LinearWeights Linear(string layer) => new(Take(layer + ".weight"), Take(layer + ".bias"));
        SeparableConvWeights Separable(string layer) =>
            new(Take(layer + ".depthwise.weight"), Take(layer + ".pointwise.weight"), Take(layer + ".pointwise.bias"));

        ScopeNetDenseBranch? dense = null;
        if (stateDict.ContainsKey("dense_fc_1.weight"))
        {
            var fc1 = Linear("dense_fc_1");
            if (fc1.Weight.Length == 0 || fc1.Weight.Length % DenseHiddenUnits != 0)
            {
                throw new ArgumentException(
                    $"ScopeNet layer dense_fc_1: {fc1.Weight.Length} weights is not {DenseHiddenUnits} × F for a positive feature count F.",
                    nameof(stateDict));
            }

            dense = new ScopeNetDenseBranch(fc1.Weight.Length / DenseHiddenUnits, fc1, Linear("dense_fc_2"));
        }

        ScopeNetConvBranch? conv = stateDict.ContainsKey("conv_conv_1.depthwise.weight")
            ? new ScopeNetConvBranch(Separable("conv_conv_1"), Separable("conv_conv_2"), Separable("conv_conv_3"), Separable("conv_conv_4"))
            : null;
        var weights = new ScopeNetWeights(dense, conv, Linear("fc_1"), Linear("score"));
        var unexpected = stateDict.Keys.Where(name => !used.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
        {
            throw new ArgumentException(
                $"ScopeNet state_dict has tensors outside the architecture: {string.Join(", ", unexpected)}.", nameof(stateDict));
        }

        return weights;
    }

    internal void Validate()
    {
        if (Dense is null && Conv is null)
        {
            throw new ArgumentException("ScopeNet needs the dense branch, the conv branch or both; both are absent.");
        }

        if (Dense is not null)
        {
            if (Dense.FeatureCount <= 0)
            {
                throw new ArgumentException($"ScopeNet layer dense_fc_1: feature count must be positive, got {Dense.FeatureCount}.");
            }

            CheckLinear("dense_fc_1", Dense.DenseFc1, Dense.FeatureCount, DenseHiddenUnits);
            CheckLinear("dense_fc_2", Dense.DenseFc2, DenseHiddenUnits, BranchUnits);
        }

        if (Conv is not null)
        {
            foreach (var (name, inputChannels, outputChannels, layer) in Conv.Layers())
            {
                if (layer is null)
                {
                    throw new ArgumentException($"ScopeNet layer {name}: weights are missing.");
                }

                CheckLength(name + ".depthwise", "weight", layer.DepthwiseWeight, inputChannels, 1, KernelSize, KernelSize);
                CheckLength(name + ".pointwise", "weight", layer.PointwiseWeight, outputChannels, inputChannels, 1, 1);
                CheckLength(name + ".pointwise", "bias", layer.PointwiseBias, outputChannels);
            }
        }

        CheckLinear("fc_1", Fc1, MergedUnits, MergeHiddenUnits);
        CheckLinear("score", Score, MergeHiddenUnits, 1);
    }

    private static void CheckLinear(string layer, LinearWeights? weights, int inputs, int outputs)
    {
        if (weights is null)
        {
            throw new ArgumentException($"ScopeNet layer {layer}: weights are missing.");
        }

        CheckLength(layer, "weight", weights.Weight, outputs, inputs);
        CheckLength(layer, "bias", weights.Bias, outputs);
    }

    private static void CheckLength(string layer, string tensor, float[]? values, params int[] shape)
    {
        var expected = shape.Aggregate(1, (product, dim) => product * dim);
        if (values is null || values.Length != expected)
        {
            throw new ArgumentException(
                $"ScopeNet layer {layer}: {tensor} has {values?.Length ?? 0} values, expected [{string.Join(", ", shape)}] = {expected}.");
        }
    }
}
