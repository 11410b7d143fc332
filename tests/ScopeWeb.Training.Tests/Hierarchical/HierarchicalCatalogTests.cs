using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Classifiers.Onnx.Proto;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Core.Simulation;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Training.Tests.Hierarchical;

/// <summary>The simulated catalog trains the default taxonomy, and the scoring job stores one probability per leaf class.</summary>
public class HierarchicalCatalogTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Trains_on_the_simulated_catalog_and_the_scoring_job_stores_the_leaf_probabilities(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync(new LightCurveSimulator().Generate(200, 5), ExistingSourcePolicy.Reject, atomic: true);
        await new CatalogFeatureJob(c.Factory, new FeatureExtractor(), new FeatureJobStatus(), new CatalogSeeding(), new JobLeases(c.Factory, TimeProvider.System),
            Options.Create(new FeatureJobOptions()), TimeProvider.System, NullLogger<CatalogFeatureJob>.Instance).RunOnceAsync(CancellationToken.None);
        var table = await CatalogTrainingSet.LoadAsync(c.Factory);
        using var trained = new ScratchFolder();
        using var registryFolder = new ScratchFolder();

        // The default taxonomy is strict unless told to skip what the data lacks: supernova light curves are too short for features.
        var strict = Assert.Throws<InvalidDataException>(() => HierarchicalTraining.Train(table, new HierarchicalTrainingOptions(), trained.Path));
        Assert.Contains("class 'SNIa' (group 'Transient') has no rows", strict.Message, StringComparison.Ordinal);
        var outcome = HierarchicalTraining.Train(
            table, new HierarchicalTrainingOptions { SkipMissingClasses = true, Gbdt = HierarchicalTrainingOptions.DefaultGbdt with { Threads = 1 } }, trained.Path);

        // The simulator's 13 variable classes with features in ALeRCE's Periodic and Stochastic groups; constant stars are left out.
        Assert.Equal(0, outcome.SkippedClasses["SNIa"]);
        Assert.Equal(["Periodic", "Stochastic"], outcome.Card.Groups!.Select(g => g.Name));
        Assert.Equal(13, outcome.Card.Classes!.Count);
        Assert.Equal(ScopeTags.CatalogFeatures, outcome.Card.FeatureNames);
        Assert.True(outcome.LeftOut["Constant"] > 0);
        Assert.Equal(["Constant"], outcome.LeftOut.Keys);
        Assert.True(outcome.OnnxMaxAbsDifference <= 1e-5);
        // Chance is 1/13 for the leaves and at most the largest group's share (about 60 %) at the top.
        Assert.True(outcome.TestLeaves.Accuracy > 0.4, $"leaf accuracy {outcome.TestLeaves.Accuracy}");
        Assert.True(outcome.TestTop.Accuracy > 0.75, $"top-level accuracy {outcome.TestTop.Accuracy}");
        var pool = File.ReadAllLines(ModelPromoter.TrainingSetFile(outcome.CardPath));
        Assert.Equal(outcome.Train.Rows + outcome.Validation.Rows + outcome.Test.Rows, pool.Length);

        ModelPromotion.Promote(outcome.CardPath, registryFolder.Path);
        OnnxModelWriter.Write(
            OnnxModelWriter.BuildMlp([new DenseLayer(2, 1, [0.5f, -0.25f], [0.1f], DenseActivation.Sigmoid)]), registryFolder.File("vnv_dnn.onnx"));
        ClassificationTestFiles.Card(["median", "stetson_j"], ModelAlgorithm.Dnn, ImputationMethod.Zero, "vnv_dnn.onnx").Save(registryFolder.File("vnv_dnn.json"));
        // Leaf scores are stored under the class name, so a second hierarchical model with the same classes is not applied.
        // It gets its own ONNX file recording its own tag: a card naming another tag's model is refused by the registry.
        var promotedCard = ModelCard.Load(registryFolder.File("lc_classifier_hierarchical.json"));
        var copyCard = promotedCard with { Tag = "lc_copy", OnnxFile = "lc_copy.onnx" };
        var copy = ModelProto.Parser.ParseFrom(File.ReadAllBytes(registryFolder.File(promotedCard.OnnxFile)));
        copy.MetadataProps.Clear();
        copy.MetadataProps.AddRange(ModelIdentity.Of(copyCard).ToMetadata().Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }));
        OnnxModelWriter.Write(copy, registryFolder.File("lc_copy.onnx"));
        copyCard.Save(registryFolder.File("lc_copy.json"));
        using var registry = new ModelRegistry(registryFolder.Path, watch: false);
        Assert.Equal(["lc_classifier_hierarchical", "lc_copy_hierarchical", "vnv_dnn"], registry.Models.Select(m => m.ScoreColumn));
        var status = new ScoringJobStatus();
        var job = new CatalogScoringJob(c.Factory, registry, status, new CatalogSeeding(), new JobLeases(c.Factory, TimeProvider.System), Options.Create(new ScoringJobOptions { BatchSize = 64 }),
            TimeProvider.System, NullLogger<CatalogScoringJob>.Instance);

        await using var db = c.Factory.CreateDbContext();
        var features = await db.Features.AsNoTracking().Where(f => f.ValuesJson != "{}").ToListAsync();
        Assert.Equal(features.Count, await job.RunOnceAsync(CancellationToken.None));
        var notice = Assert.Single(status.Notices);
        Assert.StartsWith("lc_copy_hierarchical (lc_copy.json) is not applied to the catalog: its class 'RRab' is already scored by lc_classifier_hierarchical", notice, StringComparison.Ordinal);
        Assert.Equal(0, await job.RunOnceAsync(CancellationToken.None));

        var rows = await db.Classifications.AsNoTracking().ToListAsync();
        Assert.Equal(features.Count, rows.Count(x => x.Tag == "vnv" && x.Algorithm == "dnn"));
        var leaves = rows.Where(x => x.Algorithm == "hierarchical").ToList();
        Assert.Equal(features.Count * 13, leaves.Count);
        Assert.All(leaves, x => Assert.Equal(outcome.Card.Version, x.ModelVersion));
        Assert.Equal(outcome.Card.Classes.Order(StringComparer.Ordinal), leaves.Select(x => x.Tag).Distinct().Order(StringComparer.Ordinal));

        var confidence = leaves.GroupBy(x => x.SourceId).Average(g => g.Max(x => x.Score));
        Assert.True(confidence > 0.7, $"mean probability of the most likely class {confidence}");

        // Per source: the leaf probabilities add up to 1 and are what the registry's model gives for its features.
        var classifier = registry.Models.Single(m => m.ScoreColumn == "lc_classifier_hierarchical").Classifier;
        foreach (var source in features.Take(25))
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, double?>>(source.ValuesJson)!;
            var raw = (IReadOnlyDictionary<string, double>)classifier.Card.FeatureNames.ToDictionary(
                f => f, f => values.TryGetValue(f, out var v) && v is { } value ? value : double.NaN, StringComparer.Ordinal);
            var expected = classifier.ScoreClasses([raw]);
            var stored = leaves.Where(x => x.SourceId == source.SourceId).ToDictionary(x => x.Tag, x => x.Score);
            Assert.Equal(1.0, stored.Values.Sum(), 1e-5);
            for (var k = 0; k < 13; k++)
            {
                Assert.True(Math.Abs(stored[classifier.Classes[k]] - expected[k]) <= 1e-6,
                    string.Create(CultureInfo.InvariantCulture, $"source {source.SourceId} class {classifier.Classes[k]}: stored {stored[classifier.Classes[k]]}, model {expected[k]}"));
            }
        }
    }
}
