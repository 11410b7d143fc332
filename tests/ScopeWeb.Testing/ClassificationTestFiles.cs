using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Testing;

/// <summary>Fixture paths, a scratch folder and a card factory for the classification tests.</summary>
public static class ClassificationTestFiles
{
    /// <summary>A committed fixture of tests/ScopeWeb.Core.Tests/Fixtures/Classifiers.</summary>
    public static string Fixture(string name) => RepositoryPaths.CoreFixture("Classifiers", name);

    /// <summary>A valid card: no scaling, the given imputation for every feature.</summary>
    public static ModelCard Card(
        IReadOnlyList<string> features,
        ModelAlgorithm algorithm = ModelAlgorithm.Xgb,
        ImputationMethod imputation = ImputationMethod.None,
        string onnxFile = "model.onnx") => new()
        {
            Tag = "vnv",
            Algorithm = algorithm,
            FeatureNames = features,
            Scaling = new FeatureScaling { Method = ScalingMethod.None },
            Imputation = features.ToDictionary(name => name, _ => new FeatureImputation { Method = imputation }, StringComparer.Ordinal),
            UsesDmdt = false,
            Threshold = 0.7,
            Version = "test-1",
            TrainingDataHash = "sha256:0000",
            CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            OnnxFile = onnxFile,
        };
}

/// <summary>A temporary folder removed at dispose.</summary>
public sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scopeweb-classification-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
