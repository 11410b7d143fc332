using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.Classifiers.Catalog;

public class CatalogScoringJobTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static readonly string[] Features = ["median", "stetson_j"];

    /// <summary>score = sigmoid(w·x + b) over min-max scaled features: simple enough to recompute by hand in the test.</summary>
    private static readonly float[] Weights = [0.8f, -1.5f];
    private const float Bias = 0.25f;
    private const double MedianMin = 12, MedianMax = 21, StetsonMin = -1, StetsonMax = 30;

    private static void WriteModel(string folder, string tag, ModelAlgorithm algorithm, string version, IReadOnlyList<string>? features = null)
    {
        features ??= Features;
        var name = $"{tag}_{ModelRegistry.AlgorithmName(algorithm)}";
        var weights = features.Count == Weights.Length ? Weights : [.. Enumerable.Repeat(0.1f, features.Count)];
        var model = OnnxModelWriter.BuildMlp([new DenseLayer(features.Count, 1, weights, [Bias], DenseActivation.Sigmoid)]);
        OnnxModelWriter.Write(model, Path.Combine(folder, name + ".onnx"));
        var card = ClassificationTestFiles.Card(features, algorithm, ImputationMethod.Zero, name + ".onnx") with
        {
            Tag = tag,
            Version = version,
            Scaling = new FeatureScaling
            {
                Method = ScalingMethod.MinMax,
                Stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal)
                {
                    ["median"] = new() { Min = MedianMin, Max = MedianMax },
                    ["stetson_j"] = new() { Min = StetsonMin, Max = StetsonMax },
                },
            },
        };
        if (features != Features)
        {
            card = card with { Scaling = new FeatureScaling { Method = ScalingMethod.None } };
        }

        card.Save(Path.Combine(folder, name + ".json"));
    }

    private static double Expected(string valuesJson)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, double?>>(valuesJson)!;
        var median = values["median"] is { } m ? (m - MedianMin) / (MedianMax - MedianMin) : 0;
        var stetson = values["stetson_j"] is { } s ? (s - StetsonMin) / (StetsonMax - StetsonMin) : 0;
        var z = (Weights[0] * (float)median) + (Weights[1] * (float)stetson) + Bias;
        return 1 / (1 + Math.Exp(-z));
    }

    private static async Task<int> ScorableAsync(TestCatalog c)
    {
        await using var db = c.Factory.CreateDbContext();
        return await db.Features.CountAsync(f => f.ValuesJson != "{}");
    }

    private static async Task<TestCatalog> CatalogWithFeaturesAsync(DatabaseProvider provider, int count)
    {
        var c = await TestCatalog.CreateAsync(provider);
        var sources = new LightCurveSimulator().Generate(count, 11).ToList();
        var sparse = SourceBuilder.Make(12.5, -3.25, "Constant", points: 12);
        await c.Writer.WriteAsync([.. sources, sparse], ExistingSourcePolicy.Reject, atomic: true);
        var featureJob = new CatalogFeatureJob(
            c.Factory, new FeatureExtractor(), new FeatureJobStatus(), new CatalogSeeding(), new JobLeases(c.Factory, TimeProvider.System),
            Options.Create(new FeatureJobOptions()), TimeProvider.System, NullLogger<CatalogFeatureJob>.Instance);
        await featureJob.RunOnceAsync(CancellationToken.None);
        return c;
    }

    private static CatalogScoringJob Job(TestCatalog c, ModelRegistry registry, ScoringJobStatus status) => new(
        c.Factory,
        registry,
        status,
        new CatalogSeeding(),
        new JobLeases(c.Factory, TimeProvider.System),
        Options.Create(new ScoringJobOptions { BatchSize = 4 }),
        TimeProvider.System,
        NullLogger<CatalogScoringJob>.Instance);

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Scores_every_source_with_every_model_and_stores_the_model_version(DatabaseProvider provider)
    {
        await using var c = await CatalogWithFeaturesAsync(provider, 10);
        using var folder = new ScratchFolder();
        WriteModel(folder.Path, "vnv", ModelAlgorithm.Dnn, "2026.11-a");
        WriteModel(folder.Path, "vnv", ModelAlgorithm.Xgb, "2026.11-a");
        using var registry = new ModelRegistry(folder.Path, watch: false);
        var status = new ScoringJobStatus();
        var job = Job(c, registry, status);

        // Sources with too few clean points (the sparse one, maybe a faint simulated one) have no features and no scores.
        var scorable = await ScorableAsync(c);
        Assert.InRange(scorable, 8, 10);
        Assert.Equal(scorable, await job.RunOnceAsync(CancellationToken.None));
        Assert.Equal(scorable, status.Done);
        Assert.False(status.IsRunning);
        Assert.Empty(status.Notices);
        Assert.Equal(0, await job.RunOnceAsync(CancellationToken.None));

        await using var db = c.Factory.CreateDbContext();
        var features = await db.Features.Where(f => f.ValuesJson != "{}").ToDictionaryAsync(f => f.SourceId);
        var scores = await db.Classifications.ToListAsync();
        Assert.Equal(2 * scorable, scores.Count);
        foreach (var score in scores)
        {
            Assert.Equal("vnv", score.Tag);
            Assert.Equal("2026.11-a", score.ModelVersion);
            Assert.Equal(Expected(features[score.SourceId].ValuesJson), score.Score, 1e-5);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_new_model_version_or_new_features_rescore_only_what_changed(DatabaseProvider provider)
    {
        await using var c = await CatalogWithFeaturesAsync(provider, 6);
        using var folder = new ScratchFolder();
        WriteModel(folder.Path, "vnv", ModelAlgorithm.Dnn, "v1");
        using var registry = new ModelRegistry(folder.Path, watch: false);
        var job = Job(c, registry, new ScoringJobStatus());
        var scorable = await ScorableAsync(c);
        Assert.Equal(scorable, await job.RunOnceAsync(CancellationToken.None));

        // A promoted model (new version) rescores every source, in place: still one row per source and tag.
        WriteModel(folder.Path, "vnv", ModelAlgorithm.Dnn, "v2");
        registry.Reload();
        Assert.Equal(scorable, await job.RunOnceAsync(CancellationToken.None));
        await using (var db = c.Factory.CreateDbContext())
        {
            Assert.Equal(["v2"], await db.Classifications.Select(x => x.ModelVersion).Distinct().ToListAsync());
            Assert.Equal(scorable, await db.Classifications.CountAsync());
        }

        // Recomputed features of one source make only its score stale.
        await Task.Delay(20);
        await using (var db = c.Factory.CreateDbContext())
        {
            var one = await db.Features.Where(f => f.ValuesJson != "{}").OrderBy(f => f.SourceId).FirstAsync();
            one.ComputedAtUtc = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await job.RunOnceAsync(CancellationToken.None));

        // A second tag adds its scores next to the first's.
        WriteModel(folder.Path, "pnp", ModelAlgorithm.Xgb, "v1");
        registry.Reload();
        Assert.Equal(scorable, await job.RunOnceAsync(CancellationToken.None));
        await using (var db = c.Factory.CreateDbContext())
        {
            Assert.Equal(2 * scorable, await db.Classifications.CountAsync());
        }
    }

    [Fact]
    public async Task A_model_needing_features_the_catalog_lacks_is_skipped_with_a_notice()
    {
        await using var c = await CatalogWithFeaturesAsync(DatabaseProvider.Sqlite, 3);
        using var folder = new ScratchFolder();
        WriteModel(folder.Path, "vnv", ModelAlgorithm.Dnn, "v1");
        WriteModel(folder.Path, "agn", ModelAlgorithm.Dnn, "v1", ["median", "AllWISE__w1mpro"]);
        File.WriteAllText(Path.Combine(folder.Path, "broken.json"), "{ not a card");
        using var registry = new ModelRegistry(folder.Path, watch: false);
        var status = new ScoringJobStatus();

        Assert.Equal(await ScorableAsync(c), await Job(c, registry, status).RunOnceAsync(CancellationToken.None));

        Assert.Contains(status.Notices, n => n.Contains("agn_dnn", StringComparison.Ordinal) && n.Contains("AllWISE__w1mpro", StringComparison.Ordinal));
        Assert.Contains(status.Notices, n => n.StartsWith("broken.json not loaded", StringComparison.Ordinal));
        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(["vnv"], await db.Classifications.Select(x => x.Tag).Distinct().ToListAsync());
    }

    [Fact]
    public async Task Without_models_nothing_is_scored()
    {
        await using var c = await CatalogWithFeaturesAsync(DatabaseProvider.Sqlite, 2);
        using var folder = new ScratchFolder();
        using var registry = new ModelRegistry(folder.Path, watch: false);

        Assert.Equal(0, await Job(c, registry, new ScoringJobStatus()).RunOnceAsync(CancellationToken.None));
    }
}
