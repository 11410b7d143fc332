using System.Globalization;
using System.IO.Compression;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Tests.Classifiers;

/// <summary>The table scorer behind `scope predict` (and open to the web app and the stream): batches, columns, errors.</summary>
public class FeatureTableScorerTests
{
    [Fact]
    public async Task Scores_every_row_across_batches_as_the_classifier_scores_it_alone()
    {
        using var folder = new ScratchFolder();
        using var registry = Registry(folder);
        using var lease = registry.Acquire();
        var model = Assert.Single(lease.Set.Models);
        var rows = FeatureTableScorer.BatchRows + 123;
        var rng = new Random(3);
        var values = Enumerable.Range(0, rows).Select(_ => (Amp: rng.NextDouble(), Period: rng.NextDouble() * 10)).ToArray();
        var input = folder.File("features.csv.gz");
        // gzip under a .gz name here; the opener goes by the bytes (DataFileTests).
        await using (var gz = new StreamWriter(new GZipStream(File.Create(input), CompressionLevel.Fastest)))
        {
            await gz.WriteLineAsync("obj_id,ra,dec,period,amp,unused");
            for (var r = 0; r < rows; r++)
            {
                await gz.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ZTF{r},10.5,-3.25,{values[r].Period:R},{values[r].Amp:R},x"));
            }
        }

        var reports = new List<long>();
        var scorer = new FeatureTableScorer(lease.Set.Models);
        var output = folder.File("preds.csv");
        var scored = await scorer.ScoreFileAsync(input, output, new Core.Jobs.SynchronousProgress<long>(reports.Add));

        Assert.Equal(rows, scored);
        Assert.Equal([FeatureTableScorer.BatchRows, rows], reports);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal("obj_id,ra,dec,period,vnv_dnn", lines[0]);
        Assert.Equal(rows + 1, lines.Length);
        foreach (var r in new[] { 0, FeatureTableScorer.BatchRows - 1, FeatureTableScorer.BatchRows, rows - 1 })
        {
            var alone = model.Classifier.Score([new Dictionary<string, double> { ["period"] = values[r].Period, ["amp"] = values[r].Amp }]);
            var cells = lines[r + 1].Split(',');
            Assert.Equal($"ZTF{r}", cells[0]);
            Assert.Equal(alone[0], float.Parse(cells[4], CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("obj_id,period\nZTF1,1\n", "needs feature 'amp', which")]
    [InlineData("name,period,amp\nZTF1,1,2\n", "no id column; expected one of: object_id, obj_id, _id, ztf_id")]
    // Rows count data rows (the header is line 1), as scope predict has always reported them.
    [InlineData("obj_id,period,amp\nZTF1,1,2\nZTF2,1,bright\n", "row 2, column 'amp': 'bright' is not a number")]
    [InlineData("obj_id,period,amp\nZTF1,1,2\nZTF2,1\n", "row 2 (line 3): 2 fields, the header has 3")]
    [InlineData("", "the file is empty (no header row)")]
    public async Task Bad_input_names_the_problem_and_leaves_no_output(string csv, string problem)
    {
        using var folder = new ScratchFolder();
        using var registry = Registry(folder);
        using var lease = registry.Acquire();
        var input = folder.File("in.csv");
        await File.WriteAllTextAsync(input, csv);
        var output = folder.File("out.csv");
        await File.WriteAllTextAsync(output, "an earlier, complete predictions file\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new FeatureTableScorer(lease.Set.Models).ScoreFileAsync(input, output));

        Assert.True(error.Message.Contains(problem, StringComparison.Ordinal), error.Message);
        Assert.Equal("an earlier, complete predictions file\n", await File.ReadAllTextAsync(output));
        Assert.Equal(["in.csv", "m.json", "m.onnx", "out.csv"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static ModelRegistry Registry(ScratchFolder folder)
    {
        OnnxModelWriter.Write(
            OnnxModelWriter.BuildMlp([new DenseLayer(2, 1, [0.3f, -0.7f], [0.1f], DenseActivation.Sigmoid)]),
            folder.File("m.onnx"));
        ClassificationTestFiles.Card(["period", "amp"], ModelAlgorithm.Dnn, ImputationMethod.Zero, "m.onnx").Save(folder.File("m.json"));
        var registry = new ModelRegistry(folder.Path, watch: false);
        Assert.Empty(registry.Errors);
        return registry;
    }
}
