using ScopeWeb.Core.Classifiers.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ScopeWeb.Training.Dnn;

/// <summary>
/// SCoPe's DNN (docs/science.md "ScopeNet", Keras <c>DNN.build_model</c> at HEAD) as a TorchSharp module. Features branch:
/// <c>dense_fc_1</c> Linear(F, 256) → ReLU → Dropout 0.25 → <c>dense_fc_2</c> Linear(256, 32) → ReLU. dmdt branch:
/// <c>conv_conv_1</c> (1→16) → <c>conv_conv_2</c> (16→16) → Dropout 0.25 → MaxPool 2 → <c>conv_conv_3</c> (16→32) →
/// <c>conv_conv_4</c> (32→32) → Dropout 0.25 → global average pool. The branches' outputs are concatenated
/// [dense, conv] → Dropout 0.4 → <c>fc_1</c> Linear(·, 16) → ReLU → <c>score</c> Linear(16, 1).
/// </summary>
/// <remarks>
/// <c>forward</c> returns the <em>logit</em> <c>[N, 1]</c> (the loss takes logits, which is
/// numerically safer than Keras' clipped probabilities); the score is its sigmoid. The <c>state_dict</c> names are the
/// contract of <see cref="ScopeNetWeights.FromStateDict"/> and of tools/models/make_scopenet_fixture.py. Parameters start
/// from Keras' defaults (glorot-uniform weights, zero biases): with torch's default init the conv branch does not learn,
/// because the L2-normalised dmdt values are tiny next to torch's random biases.
/// </remarks>
public sealed class ScopeNetModule : nn.Module<Tensor?, Tensor?, Tensor>
{
    /// <summary>Dropout after <c>dense_fc_1</c> and in the conv branch (Keras model).</summary>
    public const double BranchDropout = 0.25;

    /// <summary>Dropout on the merged branches.</summary>
    public const double MergeDropout = 0.4;

    // TorchSharp registers module fields under their ComponentName: these names are the state_dict keys.
    [ComponentName(Name = "dense_fc_1")]
    private readonly Linear? _denseFc1;
    [ComponentName(Name = "dense_dropout")]
    private readonly Dropout? _denseDropout;
    [ComponentName(Name = "dense_fc_2")]
    private readonly Linear? _denseFc2;
    [ComponentName(Name = "conv_conv_1")]
    private readonly SeparableConv? _convConv1;
    [ComponentName(Name = "conv_conv_2")]
    private readonly SeparableConv? _convConv2;
    [ComponentName(Name = "conv_dropout_1")]
    private readonly Dropout? _convDropout1;
    [ComponentName(Name = "conv_conv_3")]
    private readonly SeparableConv? _convConv3;
    [ComponentName(Name = "conv_conv_4")]
    private readonly SeparableConv? _convConv4;
    [ComponentName(Name = "conv_dropout_2")]
    private readonly Dropout? _convDropout2;
    [ComponentName(Name = "merge_dropout")]
    private readonly Dropout _mergeDropout;
    [ComponentName(Name = "fc_1")]
    private readonly Linear _fc1;
    [ComponentName(Name = "score")]
    private readonly Linear _score;

    static ScopeNetModule() => OpenMpWaitPolicy.EnsurePassive();

    /// <summary>
    /// Builds the network with Keras-default initial weights drawn from torch's process-wide generator (so building a
    /// module while <see cref="DnnTrainer"/> trains elsewhere in the process changes that run's random draws).
    /// </summary>
    /// <param name="featureCount">F, the features input width (ignored without the dense branch).</param>
    /// <param name="denseBranch">Include the features branch.</param>
    /// <param name="convBranch">Include the dmdt branch.</param>
    /// <exception cref="ArgumentException">Both branches are off, or the dense branch has no features.</exception>
    public ScopeNetModule(int featureCount, bool denseBranch = true, bool convBranch = true)
        : base("ScopeNet")
    {
        if (!denseBranch && !convBranch)
        {
            throw new ArgumentException("ScopeNet needs the dense branch, the conv branch or both.");
        }

        if (denseBranch && featureCount <= 0)
        {
            throw new ArgumentException($"ScopeNet's dense branch needs at least one feature, got {featureCount}.", nameof(featureCount));
        }

        FeatureCount = denseBranch ? featureCount : 0;
        HasDenseBranch = denseBranch;
        HasConvBranch = convBranch;
        if (denseBranch)
        {
            _denseFc1 = nn.Linear(featureCount, ScopeNetWeights.DenseHiddenUnits);
            _denseDropout = nn.Dropout(BranchDropout);
            _denseFc2 = nn.Linear(ScopeNetWeights.DenseHiddenUnits, ScopeNetWeights.BranchUnits);
        }

        if (convBranch)
        {
            _convConv1 = new SeparableConv(1, 16);
            _convConv2 = new SeparableConv(16, 16);
            _convDropout1 = nn.Dropout(BranchDropout);
            _convConv3 = new SeparableConv(16, ScopeNetWeights.BranchUnits);
            _convConv4 = new SeparableConv(ScopeNetWeights.BranchUnits, ScopeNetWeights.BranchUnits);
            _convDropout2 = nn.Dropout(BranchDropout);
        }

        _mergeDropout = nn.Dropout(MergeDropout);
        var merged = ScopeNetWeights.BranchUnits * ((denseBranch ? 1 : 0) + (convBranch ? 1 : 0));
        _fc1 = nn.Linear(merged, ScopeNetWeights.MergeHiddenUnits);
        _score = nn.Linear(ScopeNetWeights.MergeHiddenUnits, 1);
        RegisterComponents();
        KerasInit();
    }

    /// <summary>Features input width (0 without the dense branch).</summary>
    public int FeatureCount { get; }

    public bool HasDenseBranch { get; }

    public bool HasConvBranch { get; }

    /// <summary>Logits <c>[N, 1]</c> for features <c>[N, F]</c> and dmdt <c>[N, 1, 26, 26]</c>; an absent branch's input may be null.</summary>
    public override Tensor forward(Tensor? features, Tensor? dmdt)
    {
        Tensor? dense = null;
        Tensor? conv = null;
        if (_denseFc1 is not null)
        {
            ArgumentNullException.ThrowIfNull(features);
            using var hidden = nn.functional.relu(_denseFc1.forward(features));
            using var dropped = _denseDropout!.forward(hidden);
            using var fc2 = _denseFc2!.forward(dropped);
            dense = nn.functional.relu(fc2);
        }

        if (_convConv1 is not null)
        {
            ArgumentNullException.ThrowIfNull(dmdt);
            using var c1 = _convConv1.forward(dmdt);
            using var c2 = _convConv2!.forward(c1);
            using var d1 = _convDropout1!.forward(c2);

            // Keras MaxPooling2D(2): stride = pool size, valid padding, so 22×22 → 11×11.
            using var pooled = nn.functional.max_pool2d(d1, 2);
            using var c3 = _convConv3!.forward(pooled);
            using var c4 = _convConv4!.forward(c3);
            using var d2 = _convDropout2!.forward(c4);
            conv = d2.mean([2, 3]);
        }

        Tensor merged;
        if (dense is not null && conv is not null)
        {
            // Keras concatenates [dense, conv]; fc_1's weight columns follow that order.
            merged = torch.cat([dense, conv], 1);
            dense.Dispose();
            conv.Dispose();
        }
        else
        {
            merged = dense ?? conv!;
        }

        using (merged)
        {
            using var mergedDropped = _mergeDropout.forward(merged);
            using var fc1 = nn.functional.relu(_fc1.forward(mergedDropped));
            return _score.forward(fc1);
        }
    }

    /// <summary>The parameters as a flat name → row-major values map (the torch <c>state_dict</c>).</summary>
    public Dictionary<string, float[]> StateDictValues()
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state_dict())
        {
            values[name] = tensor.data<float>().ToArray();
        }

        return values;
    }

    /// <summary>The parameters as <see cref="ScopeNetWeights"/> for the ONNX writer.</summary>
    public ScopeNetWeights ToWeights() => ScopeNetWeights.FromStateDict(StateDictValues());

    /// <summary>
    /// Copies a torch <c>state_dict</c> (name → row-major values, e.g. from a PyTorch-trained ScopeNet) into the
    /// parameters. Strict like torch's <c>load_state_dict</c>: every parameter must be given with its size, and nothing else.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is missing, has the wrong size, or is not part of this network.</exception>
    public void LoadStateDictValues(IReadOnlyDictionary<string, float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var own = state_dict();
        var unexpected = values.Keys.Where(name => !own.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
        {
            throw new ArgumentException($"ScopeNet state_dict has tensors outside this network: {string.Join(", ", unexpected)}.", nameof(values));
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in own)
        {
            if (!values.TryGetValue(name, out var source))
            {
                throw new ArgumentException($"ScopeNet state_dict has no tensor '{name}'.", nameof(values));
            }

            if (source.Length != parameter.numel())
            {
                throw new ArgumentException(
                    $"ScopeNet tensor '{name}' has {source.Length} values, expected [{string.Join(", ", parameter.shape)}] = {parameter.numel()}.",
                    nameof(values));
            }

            using var tensor = torch.tensor(source, parameter.shape);
            parameter.copy_(tensor);
        }
    }

    /// <summary>Keras' defaults, as SCoPe keeps them: glorot-uniform kernels (torch's fan computation gives the same bound
    /// for depthwise kernels), zero biases.</summary>
    private void KerasInit()
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                nn.init.zeros_(parameter);
            }
            else
            {
                nn.init.xavier_uniform_(parameter);
            }
        }
    }

    /// <summary>
    /// Keras' SeparableConv2D (3×3, depth multiplier 1, valid) + ReLU: <c>depthwise</c> Conv2d(C, C, 3, groups=C, no bias),
    /// <c>pointwise</c> Conv2d(C, C_out, 1).
    /// </summary>
    private sealed class SeparableConv : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "depthwise")]
        private readonly Conv2d _depthwise;
        [ComponentName(Name = "pointwise")]
        private readonly Conv2d _pointwise;

        public SeparableConv(int inputChannels, int outputChannels)
            : base("SeparableConv")
        {
            _depthwise = nn.Conv2d(inputChannels, inputChannels, ScopeNetWeights.KernelSize, groups: inputChannels, bias: false);
            _pointwise = nn.Conv2d(inputChannels, outputChannels, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var depthwise = _depthwise.forward(input);
            using var pointwise = _pointwise.forward(depthwise);
            return nn.functional.relu(pointwise);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _depthwise.Dispose();
                _pointwise.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
