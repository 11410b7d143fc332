using System.Globalization;
using Google.Protobuf;
using ScopeWeb.Core.Classifiers.Onnx.Proto;

namespace ScopeWeb.Core.Classifiers.Onnx;

/// <summary>
/// Builds the project's own ONNX classifiers: input <c>features</c> float32 [N, F] (and, for ScopeNet, <c>dmdt</c>
/// float32 [N, 1, 26, 26]), output <c>score</c> float32 [N, 1].
/// Stamped IR 8, ai.onnx 17, ai.onnx.ml 3, which ONNX Runtime 1.31 loads (it refuses IR 14, ai.onnx ≥ 27, and
/// TreeEnsembleRegressor under ai.onnx.ml 5).
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>Name of the model input.</summary>
    public const string InputName = "features";

    /// <summary>Name of ScopeNet's dmdt input, float32 [N, 1, 26, 26] (NCHW; with one channel the same memory as Keras' NHWC).</summary>
    public const string DmdtInputName = "dmdt";

    /// <summary>Name of the model output.</summary>
    public const string OutputName = "score";

    /// <summary>Name of a hierarchical model's leaf-probability output, float32 [N, leaves].</summary>
    public const string ProbabilitiesOutputName = "probabilities";

    /// <summary>Name of a hierarchical model's top-level output, float32 [N, groups].</summary>
    public const string TopOutputName = "top";

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

        var graph = new GraphProto { Name = "scopeweb_tree_ensemble" };
        graph.Input.Add(OnnxGraph.FloatBatchTensor(InputName, model.FeatureCount));
        graph.Node.Add(TreeEnsembleNode("trees", InputName, "margin", [model]));
        graph.Node.Add(OnnxGraph.Node("Sigmoid", "sigmoid", ["margin"], [OutputName]));
        graph.Output.Add(OnnxGraph.FloatBatchTensor(OutputName, 1));
        return Wrap(graph, useMlDomain: true, metadata);
    }

    /// <summary>
    /// A hierarchical classifier (ALeRCE's product rule) from one-vs-rest tree ensembles: input <c>features</c> [N, F],
    /// outputs <c>top</c> [N, G] and <c>probabilities</c> [N, K] with P(leaf) = P_top(group) × P_child(leaf | group).
    /// Each level is one multi-target TreeEnsembleRegressor (target j = binary model j) → Sigmoid → divided by its row
    /// sum, so the one-vs-rest probabilities of a level sum to 1; a group's child probabilities are multiplied by its top
    /// column (Slice) and the groups are concatenated in order.
    /// </summary>
    /// <param name="top">One binary model per group (≥ 2), in group order.</param>
    /// <param name="children">
    /// Per group, one binary model per leaf class in leaf order; an empty list for a group with a single leaf class,
    /// whose probability is then the group's top probability.
    /// </param>
    /// <param name="metadata">Optional metadata_props, e.g. the model card JSON.</param>
    public static ModelProto BuildHierarchical(
        IReadOnlyList<TreeEnsembleModel> top,
        IReadOnlyList<IReadOnlyList<TreeEnsembleModel>> children,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(children);
        if (top.Count < 2)
        {
            throw new ArgumentException($"A hierarchical model needs at least 2 top-level models, got {top.Count}.", nameof(top));
        }

        if (children.Count != top.Count)
        {
            throw new ArgumentException($"{children.Count} child model lists for {top.Count} groups.", nameof(children));
        }

        var featureCount = top[0].FeatureCount;
        foreach (var (model, index) in top.Concat(children.SelectMany(c => c)).Select((m, i) => (m, i)))
        {
            model.Validate();
            if (model.FeatureCount != featureCount)
            {
                throw new ArgumentException($"Binary model {index} takes {model.FeatureCount} features, the first takes {featureCount}.", nameof(children));
            }
        }

        for (var g = 0; g < children.Count; g++)
        {
            if (children[g].Count == 1)
            {
                throw new ArgumentException(
                    $"Group {g} has one child model: a group with one leaf class takes none (its probability is the top one), a group with K ≥ 2 takes K.",
                    nameof(children));
            }
        }

        var graph = new GraphProto { Name = "scopeweb_hierarchical" };
        graph.Input.Add(OnnxGraph.FloatBatchTensor(InputName, featureCount));
        graph.Initializer.Add(Int64Tensor("axes.classes", [1]));
        // Guards the division when every sigmoid of a level underflows to 0 (margins below about −88); never met in practice.
        graph.Initializer.Add(OnnxGraph.FloatTensor("sum.floor", [1e-30f]));
        AddNormalisedLevel(graph, "top", top, TopOutputName);

        var leaves = new List<string>();
        var leafCount = 0;
        for (var g = 0; g < children.Count; g++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"group{g}");
            graph.Initializer.Add(Int64Tensor(prefix + ".start", [g]));
            graph.Initializer.Add(Int64Tensor(prefix + ".end", [g + 1]));
            graph.Node.Add(OnnxGraph.Node("Slice", prefix + ".top", [TopOutputName, prefix + ".start", prefix + ".end", "axes.classes"], [prefix + ".top"]));
            if (children[g].Count == 0)
            {
                leaves.Add(prefix + ".top");
                leafCount++;
                continue;
            }

            AddNormalisedLevel(graph, prefix + ".child", children[g], prefix + ".child");
            graph.Node.Add(OnnxGraph.Node("Mul", prefix + ".leaves", [prefix + ".child", prefix + ".top"], [prefix + ".leaves"]));
            leaves.Add(prefix + ".leaves");
            leafCount += children[g].Count;
        }

        var concat = OnnxGraph.Node("Concat", "leaves", [.. leaves], [ProbabilitiesOutputName]);
        concat.Attribute.Add(OnnxGraph.Int("axis", 1));
        graph.Node.Add(concat);
        graph.Output.Add(OnnxGraph.FloatBatchTensor(ProbabilitiesOutputName, leafCount));
        graph.Output.Add(OnnxGraph.FloatBatchTensor(TopOutputName, top.Count));
        return Wrap(graph, useMlDomain: true, metadata);
    }

    /// <summary>Multi-target trees → Sigmoid → each row divided by its sum (ReduceSum takes its axes as an input from opset 13).</summary>
    private static void AddNormalisedLevel(GraphProto graph, string prefix, IReadOnlyList<TreeEnsembleModel> models, string output)
    {
        graph.Node.Add(TreeEnsembleNode(prefix + ".trees", InputName, prefix + ".margin", models));
        graph.Node.Add(OnnxGraph.Node("Sigmoid", prefix + ".sigmoid", [prefix + ".margin"], [prefix + ".binary"]));
        var sum = OnnxGraph.Node("ReduceSum", prefix + ".sum", [prefix + ".binary", "axes.classes"], [prefix + ".sum"]);
        sum.Attribute.Add(OnnxGraph.Int("keepdims", 1));
        graph.Node.Add(sum);
        graph.Node.Add(OnnxGraph.Node("Max", prefix + ".denominator", [prefix + ".sum", "sum.floor"], [prefix + ".denominator"]));
        graph.Node.Add(OnnxGraph.Node("Div", prefix + ".normalise", [prefix + ".binary", prefix + ".denominator"], [output]));
    }

    /// <summary>
    /// ai.onnx.ml TreeEnsembleRegressor (v3, aggregate SUM) with one target per model: output [N, models], target j =
    /// Σ model j's leaves + its base margin. Missing values follow <see cref="TreeNode.MissingGoesLeft"/> through
    /// nodes_missing_value_tracks_true.
    /// </summary>
    private static NodeProto TreeEnsembleNode(string name, string input, string output, IReadOnlyList<TreeEnsembleModel> models)
    {
        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<string>();
        var values = new List<float>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var missingTrue = new List<long>();
        var targetIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetWeights = new List<float>();

        var t = 0;
        for (var target = 0; target < models.Count; target++)
        {
            foreach (var tree in models[target].Trees)
            {
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
                        targetIds.Add(target);
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

                t++;
            }
        }

        var trees = OnnxGraph.Node("TreeEnsembleRegressor", name, [input], [output], OnnxGraph.MlDomain);
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
        trees.Attribute.Add(OnnxGraph.Ints("target_ids", targetIds));
        trees.Attribute.Add(OnnxGraph.Floats("target_weights", targetWeights));
        trees.Attribute.Add(OnnxGraph.Int("n_targets", models.Count));
        trees.Attribute.Add(OnnxGraph.String("aggregate_function", "SUM"));
        trees.Attribute.Add(OnnxGraph.String("post_transform", "NONE"));
        trees.Attribute.Add(OnnxGraph.Floats("base_values", models.Select(m => m.BaseMargin)));
        return trees;
    }

    /// <summary>An int64 initializer (Slice bounds, ReduceSum axes).</summary>
    private static TensorProto Int64Tensor(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    /// <summary>
    /// SCoPe's DNN (<see cref="ScopeNetWeights"/>): inputs <c>features</c> [N, F] when the dense branch is present and
    /// <c>dmdt</c> [N, 1, 26, 26] when the conv branch is, output <c>score</c> [N, 1]. Linear layers are Gemm (transB = 1,
    /// torch layout), each separable convolution a grouped 3×3 Conv then a 1×1 Conv; initializers keep the torch
    /// <c>state_dict</c> names. Only opset-17 operators (Gemm, Relu, Conv, MaxPool, GlobalAveragePool, Flatten, Concat, Sigmoid).
    /// </summary>
    public static ModelProto BuildScopeNet(ScopeNetWeights weights, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();

        var graph = new GraphProto { Name = "scopeweb_scopenet" };
        var branches = new List<string>();
        if (weights.Dense is { } dense)
        {
            graph.Input.Add(OnnxGraph.FloatBatchTensor(InputName, dense.FeatureCount));
            var hidden = AddLinear(graph, "dense_fc_1", InputName, dense.DenseFc1, dense.FeatureCount, ScopeNetWeights.DenseHiddenUnits, relu: true);
            branches.Add(AddLinear(
                graph, "dense_fc_2", hidden, dense.DenseFc2, ScopeNetWeights.DenseHiddenUnits, ScopeNetWeights.BranchUnits, relu: true));
        }

        if (weights.Conv is { } conv)
        {
            graph.Input.Add(OnnxGraph.FloatBatchTensor(DmdtInputName, 1, ScopeNetWeights.DmdtSize, ScopeNetWeights.DmdtSize));
            var current = DmdtInputName;
            foreach (var (name, inputChannels, outputChannels, layer) in conv.Layers())
            {
                current = AddSeparableConv(graph, name, current, layer, inputChannels, outputChannels);
                if (name == "conv_conv_2")
                {
                    // Keras MaxPooling2D(2): stride = pool size, valid padding, so 22×22 → 11×11.
                    var pool = OnnxGraph.Node("MaxPool", "conv_pool", [current], ["conv_pool.out"]);
                    pool.Attribute.Add(OnnxGraph.Ints("kernel_shape", [2, 2]));
                    pool.Attribute.Add(OnnxGraph.Ints("strides", [2, 2]));
                    graph.Node.Add(pool);
                    current = "conv_pool.out";
                }
            }

            graph.Node.Add(OnnxGraph.Node("GlobalAveragePool", "conv_gap", [current], ["conv_gap.out"]));
            var flatten = OnnxGraph.Node("Flatten", "conv_flatten", ["conv_gap.out"], ["conv_branch.out"]);
            flatten.Attribute.Add(OnnxGraph.Int("axis", 1));
            graph.Node.Add(flatten);
            branches.Add("conv_branch.out");
        }

        var merged = branches[0];
        if (branches.Count > 1)
        {
            // Keras concatenates [dense, conv] in that order; fc_1's weight columns follow it.
            var concat = OnnxGraph.Node("Concat", "merge", [.. branches], ["merge.out"]);
            concat.Attribute.Add(OnnxGraph.Int("axis", 1));
            graph.Node.Add(concat);
            merged = "merge.out";
        }

        var fc1 = AddLinear(graph, "fc_1", merged, weights.Fc1, weights.MergedUnits, ScopeNetWeights.MergeHiddenUnits, relu: true);
        var logit = AddLinear(graph, "score", fc1, weights.Score, ScopeNetWeights.MergeHiddenUnits, 1, relu: false);
        graph.Node.Add(OnnxGraph.Node("Sigmoid", "score.sigmoid", [logit], [OutputName]));
        graph.Output.Add(OnnxGraph.FloatBatchTensor(OutputName, 1));
        return Wrap(graph, useMlDomain: false, metadata);
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

    /// <summary>Serialises a model to a stream (e.g. a <see cref="ModelFolder.Install"/> writer's temporary file).</summary>
    public static void Write(ModelProto model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.WriteTo(stream);
    }

    /// <summary>Gemm (transB = 1) with the torch-named initializers, optionally followed by Relu; returns the output name.</summary>
    private static string AddLinear(GraphProto graph, string layer, string input, LinearWeights weights, int inputs, int outputs, bool relu)
    {
        graph.Initializer.Add(OnnxGraph.FloatTensor(layer + ".weight", weights.Weight, outputs, inputs));
        graph.Initializer.Add(OnnxGraph.FloatTensor(layer + ".bias", weights.Bias, outputs));
        var gemm = OnnxGraph.Node("Gemm", layer, [input, layer + ".weight", layer + ".bias"], [layer + ".out"]);
        gemm.Attribute.Add(OnnxGraph.Int("transB", 1));
        graph.Node.Add(gemm);
        if (!relu)
        {
            return layer + ".out";
        }

        graph.Node.Add(OnnxGraph.Node("Relu", layer + ".relu", [layer + ".out"], [layer + ".act"]));
        return layer + ".act";
    }

    /// <summary>Depthwise 3×3 Conv (group = C_in, no bias), pointwise 1×1 Conv with bias, Relu; returns the output name.</summary>
    private static string AddSeparableConv(
        GraphProto graph, string layer, string input, SeparableConvWeights weights, int inputChannels, int outputChannels)
    {
        var depthwise = layer + ".depthwise";
        var pointwise = layer + ".pointwise";
        const int kernel = ScopeNetWeights.KernelSize;
        graph.Initializer.Add(OnnxGraph.FloatTensor(depthwise + ".weight", weights.DepthwiseWeight, inputChannels, 1, kernel, kernel));
        graph.Initializer.Add(OnnxGraph.FloatTensor(pointwise + ".weight", weights.PointwiseWeight, outputChannels, inputChannels, 1, 1));
        graph.Initializer.Add(OnnxGraph.FloatTensor(pointwise + ".bias", weights.PointwiseBias, outputChannels));

        var depthwiseNode = OnnxGraph.Node("Conv", depthwise, [input, depthwise + ".weight"], [depthwise + ".out"]);
        depthwiseNode.Attribute.Add(OnnxGraph.Int("group", inputChannels));
        depthwiseNode.Attribute.Add(OnnxGraph.Ints("kernel_shape", [kernel, kernel]));
        graph.Node.Add(depthwiseNode);

        var pointwiseNode = OnnxGraph.Node("Conv", pointwise, [depthwise + ".out", pointwise + ".weight", pointwise + ".bias"], [pointwise + ".out"]);
        pointwiseNode.Attribute.Add(OnnxGraph.Ints("kernel_shape", [1, 1]));
        graph.Node.Add(pointwiseNode);

        graph.Node.Add(OnnxGraph.Node("Relu", layer + ".relu", [pointwise + ".out"], [layer + ".act"]));
        return layer + ".act";
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
