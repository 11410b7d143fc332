using System.Text.Json;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.Architecture;

/// <summary>
/// Core is what a scoring job or a stream worker loads: catalog, features, ONNX scoring. It must not take back the training
/// natives (libtorch is ~500 MB) or ASP.NET; those belong to ScopeWeb.Training and ScopeWeb.Web (docs/architecture.md).
/// </summary>
public class CoreDependencyTests
{
    private static readonly string[] TrainingPackages = ["TorchSharp", "libtorch", "LightGBM", "SkiaSharp", "SharpZipLib"];

    [Fact]
    public void Core_and_its_tests_resolve_no_training_package()
    {
        // The test assembly references Core (and the shared test library, which references only Core), so its
        // dependency manifest lists every package Core brings, transitively.
        var manifest = Path.Combine(AppContext.BaseDirectory, "ScopeWeb.Core.Tests.deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllBytes(manifest));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
        Assert.Contains(libraries, l => l.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
        var training = libraries.Where(l => TrainingPackages.Any(p => l.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(training.Count == 0, $"ScopeWeb.Core brings training packages: {string.Join(", ", training)}");
    }

    [Fact]
    public void Core_references_neither_training_nor_aspnet_assemblies()
    {
        var references = typeof(CatalogDb).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.Contains("Microsoft.ML.OnnxRuntime", references);
        Assert.DoesNotContain(references, r => r.StartsWith("TorchSharp", StringComparison.Ordinal)
            || r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || r.StartsWith("ScopeWeb.Training", StringComparison.Ordinal));
    }
}
