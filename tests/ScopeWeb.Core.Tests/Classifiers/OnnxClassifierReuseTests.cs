using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>Input tensors are reused per thread; batches of changing sizes, from several threads, still score each row right.</summary>
public class OnnxClassifierReuseTests
{
    [Fact]
    public async Task Changing_batch_sizes_on_several_threads_score_every_row_as_alone()
    {
        using var folder = new ScratchFolder();
        var model = OnnxModelWriter.BuildMlp([
            new DenseLayer(3, 4, [0.5f, -1f, 0.25f, 1f, 0.1f, -0.3f, 0.7f, 0.2f, -0.5f, 0.9f, -0.8f, 0.4f], [0.1f, -0.2f, 0.3f, 0f], DenseActivation.Relu),
            new DenseLayer(4, 1, [1f, -1f, 0.5f, 2f], [-0.25f], DenseActivation.Sigmoid),
        ]);
        OnnxModelWriter.Write(model, folder.File("m.onnx"));
        ClassificationTestFiles.Card(["a", "b", "c"], ModelAlgorithm.Dnn, onnxFile: "m.onnx").Save(folder.File("m.json"));
        using var classifier = OnnxClassifier.Load(folder.File("m.json"));

        var rng = new Random(5);
        var rows = Enumerable.Range(0, 500).Select(_ => new[] { (float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble() }).ToArray();
        var alone = rows.Select(r =>
        {
            var score = new float[1];
            classifier.ScorePrepared(r, score);
            return score[0];
        }).ToArray();

        var sizes = new[] { 7, 1, 64, 3, 64, 1, 250, 2 };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var start = 0;
            for (var i = 0; start < rows.Length; i++)
            {
                var count = Math.Min(sizes[(i + t) % sizes.Length], rows.Length - start);
                var batch = rows.Skip(start).Take(count).SelectMany(r => r).ToArray();
                var scores = new float[count];
                classifier.ScorePrepared(batch, scores);
                for (var k = 0; k < count; k++)
                {
                    Assert.Equal(alone[start + k], scores[k], 6);
                }

                start += count;
            }
        })));
    }
}
