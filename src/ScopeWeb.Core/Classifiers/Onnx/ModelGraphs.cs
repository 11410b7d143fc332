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
