using Google.Protobuf;
using ScopeWeb.Core.Classifiers.Onnx.Proto;

namespace ScopeWeb.Core.Classifiers.Onnx;

/// <summary>
/// Builds the project's own ONNX classifiers: input <c>features</c> float32 [N, F], output <c>score</c> float32 [N, 1].
/// Stamped IR 8, ai.onnx 17, ai.onnx.ml 3, which ONNX Runtime 1.31 loads (it refuses IR 14, ai.onnx ≥ 27, and
/// TreeEnsembleRegressor under ai.onnx.ml 5).
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>Name of the model input.</summary>
    public const string InputName = "features";

    /// <summary>Name of the model output.</summary>
    public const string OutputName = "score";

    /// <summary>metadata_props key holding the model card JSON, when one is attached.</summary>
    public const string ModelCardMetadataKey = "scopeweb.model_card";

    internal const long IrVersion = 8;
    internal const long OnnxOpset = 17;
    internal const long OnnxMlOpset = 3;

    /// <summary>A Gemm stack (transB = 1, PyTorch weight layout) with the given activations.</summary>
    public static ModelProto BuildMlp(IReadOnlyList<DenseLayer> layers, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("An MLP needs at least one layer.", nameof(layers));
        }

        for (var i = 0; i < layers.Count; i++)
        {
            layers[i].Validate(i);
            if (i > 0 && layers[i].InputCount != layers[i - 1].OutputCount)
            {
                throw new ArgumentException(
                    $"Dense layer {i} takes {layers[i].InputCount} inputs but layer {i - 1} gives {layers[i - 1].OutputCount}.",
                    nameof(layers));
            }
        }

        if (layers[^1].OutputCount != 1)
        {
            throw new ArgumentException($"The last layer must have one output (the score), not {layers[^1].OutputCount}.", nameof(layers));
        }

        var graph = new GraphProto { Name = "scopeweb_mlp" };
        graph.Input.Add(OnnxGraph.FloatBatchTensor(InputName, layers[0].InputCount));
        var current = InputName;
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var last = i == layers.Count - 1;
            var weightName = $"dense{i}.weight";
            var biasName = $"dense{i}.bias";
            graph.Initializer.Add(OnnxGraph.FloatTensor(weightName, layer.Weights, layer.OutputCount, layer.InputCount));
            graph.Initializer.Add(OnnxGraph.FloatTensor(biasName, layer.Bias, layer.OutputCount));

            var gemmOut = last && layer.Activation == DenseActivation.None ? OutputName : $"dense{i}.out";
            var gemm = OnnxGraph.Node("Gemm", $"dense{i}", [current, weightName, biasName], [gemmOut]);
            gemm.Attribute.Add(OnnxGraph.Int("transB", 1));
            graph.Node.Add(gemm);
            current = gemmOut;

            if (layer.Activation != DenseActivation.None)
            {
                var activationOut = last ? OutputName : $"dense{i}.act";
                var op = layer.Activation == DenseActivation.Relu ? "Relu" : "Sigmoid";
                graph.Node.Add(OnnxGraph.Node(op, $"dense{i}.{op.ToLowerInvariant()}", [current], [activationOut]));
                current = activationOut;
            }
        }

        graph.Output.Add(OnnxGraph.FloatBatchTensor(OutputName, 1));
        return Wrap(graph, useMlDomain: false, metadata);
    }

    /// <summary>
    /// ai.onnx.ml TreeEnsembleRegressor (v3, aggregate SUM, base_values = margin offset) followed by Sigmoid.
    /// Missing values follow <see cref="TreeNode.MissingGoesLeft"/> through nodes_missing_value_tracks_true.
    /// </summary>
    public static ModelProto BuildTreeEnsemble(TreeEnsembleModel model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();

        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<string>();
        var values = new List<float>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var missingTrue = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetWeights = new List<float>();

        for (var t = 0; t < model.Trees.Count; t++)
        {
            var tree = model.Trees[t];
            for (var n = 0; n < tree.Count; n++)
            {
                var node = tree[n];
                treeIds.Add(t);
                nodeIds.Add(n);
                if (node.IsLeaf)
                {
                    featureIds.Add(0);
                    modes.Add("LEAF");
                    values.Add(0f);
                    trueIds.Add(0);
                    falseIds.Add(0);
                    missingTrue.Add(0);
                    targetTreeIds.Add(t);
                    targetNodeIds.Add(n);
                    targetWeights.Add(node.LeafValue);
                }
                else
                {
                    featureIds.Add(node.FeatureIndex);
                    modes.Add(node.Rule == TreeSplitRule.LessThan ? "BRANCH_LT" : "BRANCH_LEQ");
                    values.Add(node.Threshold);
                    trueIds.Add(node.Left);
                    falseIds.Add(node.Right);
                    missingTrue.Add(node.MissingGoesLeft ? 1 : 0);
                }
            }
        }

        var graph = new GraphProto { Name = "scopeweb_tree_ensemble" };
        graph.Input.Add(OnnxGraph.FloatBatchTensor(InputName, model.FeatureCount));
        var trees = OnnxGraph.Node("TreeEnsembleRegressor", "trees", [InputName], ["margin"], OnnxGraph.MlDomain);
        trees.Attribute.Add(OnnxGraph.Ints("nodes_treeids", treeIds));
        trees.Attribute.Add(OnnxGraph.Ints("nodes_nodeids", nodeIds));
        trees.Attribute.Add(OnnxGraph.Ints("nodes_featureids", featureIds));
        trees.Attribute.Add(OnnxGraph.Strings("nodes_modes", modes));
        trees.Attribute.Add(OnnxGraph.Floats("nodes_values", values));
        trees.Attribute.Add(OnnxGraph.Ints("nodes_truenodeids", trueIds));
        trees.Attribute.Add(OnnxGraph.Ints("nodes_falsenodeids", falseIds));
        trees.Attribute.Add(OnnxGraph.Ints("nodes_missing_value_tracks_true", missingTrue));
        trees.Attribute.Add(OnnxGraph.Ints("target_treeids", targetTreeIds));
        trees.Attribute.Add(OnnxGraph.Ints("target_nodeids", targetNodeIds));
        trees.Attribute.Add(OnnxGraph.Ints("target_ids", targetTreeIds.Select(_ => 0L)));
        trees.Attribute.Add(OnnxGraph.Floats("target_weights", targetWeights));
        trees.Attribute.Add(OnnxGraph.Int("n_targets", 1));
        trees.Attribute.Add(OnnxGraph.String("aggregate_function", "SUM"));
        trees.Attribute.Add(OnnxGraph.String("post_transform", "NONE"));
        trees.Attribute.Add(OnnxGraph.Floats("base_values", [model.BaseMargin]));
        graph.Node.Add(trees);
        graph.Node.Add(OnnxGraph.Node("Sigmoid", "sigmoid", ["margin"], [OutputName]));
        graph.Output.Add(OnnxGraph.FloatBatchTensor(OutputName, 1));
        return Wrap(graph, useMlDomain: true, metadata);
    }

    /// <summary>Serialises a model to a file (written to a temporary name first, so readers never see half a file).</summary>
    public static void Write(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            model.WriteTo(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static ModelProto Wrap(GraphProto graph, bool useMlDomain, IReadOnlyDictionary<string, string>? metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "ScopeWeb",
            ProducerVersion = typeof(OnnxModelWriter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OnnxOpset });
        if (useMlDomain)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraph.MlDomain, Version = OnnxMlOpset });
        }

        if (metadata is not null)
        {
            foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            }
        }

        return model;
    }
}
