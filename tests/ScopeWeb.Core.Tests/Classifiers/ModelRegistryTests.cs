using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Xgboost;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>The model folder: every card loads, a bad card is reported by file without losing the rest, and edits reload.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] FixtureFeatures = ["ad", "chi2red", "f1_amp", "iqr", "median", "skew"];

    private readonly ScratchFolder _folder = new();

    [Fact]
    public void Load_TwoCards_GivesTwoScoringModels()
    {
        WriteModel("vnv");
        WriteModel("pnp");

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Empty(registry.Errors);
        Assert.Equal(["pnp_xgb", "vnv_xgb"], registry.Models.Select(m => m.ScoreColumn));
        using var lease = registry.Acquire();
        var row = FixtureFeatures.ToDictionary(f => f, _ => 0.1, StringComparer.Ordinal);
        var scores = lease.Set.Models.Select(m => m.Classifier.Score([row])[0]).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
        Assert.Equal(scores[0], scores[1]);
    }

    [Fact]
    public void Load_BadCard_IsReportedByFile_AndTheGoodCardStillLoads()
    {
        WriteModel("vnv");
        File.WriteAllText(_folder.File("broken.json"), "{ \"tag\": \"x\", ");
        File.WriteAllText(_folder.File("noonnx.json"), ClassificationTestFiles.Card(FixtureFeatures, onnxFile: "absent.onnx").ToJson());

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Equal("vnv_xgb", Assert.Single(registry.Models).ScoreColumn);
        Assert.Equal([_folder.File("broken.json"), _folder.File("noonnx.json")], registry.Errors.Select(e => e.File));
        Assert.Contains("broken.json", registry.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("absent.onnx", registry.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_NewCardDropped_IsLoaded_AndRemovedCard_IsUnloaded()
    {
        WriteModel("vnv");
        using var registry = new ModelRegistry(_folder.Path, watch: true, debounce: TimeSpan.FromMilliseconds(100));
        Assert.Single(registry.Models);

        var added = WaitFor(registry, set => set.Models.Count == 2);
        WriteModel("pnp");
        var afterAdd = await added.WaitAsync(ReloadTimeout);

        Assert.Empty(afterAdd.Errors);
        Assert.Equal(["pnp_xgb", "vnv_xgb"], afterAdd.Models.Select(m => m.ScoreColumn));
        Assert.Same(afterAdd, registry.Current);

        var removed = WaitFor(registry, set => set.Models.Count == 1);
        File.Delete(_folder.File("vnv.xgb.json"));
        var afterRemove = await removed.WaitAsync(ReloadTimeout);

        Assert.Equal("pnp_xgb", Assert.Single(afterRemove.Models).ScoreColumn);
        Assert.Equal("pnp_xgb", Assert.Single(registry.Models).ScoreColumn);
    }

    [Fact]
    public void Acquire_KeepsSessionsOpenAcrossAReload()
    {
        WriteModel("vnv");
        using var registry = new ModelRegistry(_folder.Path, watch: false);
        using var lease = registry.Acquire();

        registry.Reload();

        Assert.NotSame(lease.Set, registry.Current);
        var score = lease.Set.Models[0].Classifier.Score([FixtureFeatures.ToDictionary(f => f, _ => 0.1, StringComparer.Ordinal)]);
        Assert.InRange(score[0], 0f, 1f);
    }

    [Fact]
    public void Load_TwoCardsForOneTagAndAlgorithm_KeepsTheFirstAndReportsTheSecond()
    {
        WriteModel("vnv");
        File.Copy(_folder.File("vnv.xgb.json"), _folder.File("zz-copy.json"));

        using var registry = new ModelRegistry(_folder.Path, watch: false);

        Assert.Equal(_folder.File("vnv.xgb.json"), Assert.Single(registry.Models).CardPath);
        var error = Assert.Single(registry.Errors);
        Assert.Equal(_folder.File("zz-copy.json"), error.File);
        Assert.Contains("vnv.xgb.json", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private static Task<ModelSet> WaitFor(ModelRegistry registry, Func<ModelSet, bool> condition)
    {
        var done = new TaskCompletionSource<ModelSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.Changed += (_, set) =>
        {
            if (condition(set))
            {
                done.TrySetResult(set);
            }
        };
        return done.Task;
    }

    /// <summary>The XGBoost fixture as <c>&lt;tag&gt;.xgb.onnx</c>; the card is written last, by rename, as a complete file.</summary>
    private void WriteModel(string tag)
    {
        var onnx = $"{tag}.xgb.onnx";
        XgboostJsonImporter.ConvertToOnnx(ClassificationTestFiles.Fixture("xgb_binary.json"), _folder.File(onnx));
        var card = ClassificationTestFiles.Card(FixtureFeatures, onnxFile: onnx) with { Tag = tag };
        var temporary = _folder.File($"{tag}.card.tmp");
        File.WriteAllText(temporary, card.ToJson());
        File.Move(temporary, _folder.File($"{tag}.xgb.json"));
    }
}
