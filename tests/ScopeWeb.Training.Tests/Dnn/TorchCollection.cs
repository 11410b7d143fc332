namespace ScopeWeb.Training.Tests.Dnn;

/// <summary>
/// Test classes that use TorchSharp run one after another: torch's random generator is process-wide, so a module built
/// in one class while another trains would shift the training's random draws and break its same-seed check.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp";
}
