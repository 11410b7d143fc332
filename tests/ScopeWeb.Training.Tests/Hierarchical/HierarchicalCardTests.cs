using System.Text.Json.Nodes;
using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Training.Tests.Hierarchical;

/// <summary>The card's optional classes and groups: written only for hierarchical models, checked against each other.</summary>
public class HierarchicalCardTests
{
    private static ModelCard Hierarchical() => ClassificationTestFiles.Card(["period", "amp"], ModelAlgorithm.Hierarchical, onnxFile: "h.onnx") with
    {
        Tag = "lc_classifier",
        Classes = ["RRab", "EW", "AGN"],
        Groups = [new() { Name = "Periodic", Classes = ["RRab", "EW"] }, new() { Name = "Stochastic", Classes = ["AGN"] }],
    };

    [Fact]
    public void A_hierarchical_card_round_trips_its_classes_and_groups_and_a_binary_card_writes_neither()
    {
        using var folder = new ScratchFolder();
        Hierarchical().Save(folder.File("h.json"));
        var loaded = ModelCard.Load(folder.File("h.json"));
        Assert.Equal(["RRab", "EW", "AGN"], loaded.Classes);
        Assert.Equal(["Periodic", "Stochastic"], loaded.Groups!.Select(g => g.Name));
        Assert.Equal(["RRab", "EW"], loaded.Groups![0].Classes);
        var json = JsonNode.Parse(File.ReadAllText(folder.File("h.json")))!;
        Assert.Equal("hierarchical", json["algorithm"]!.GetValue<string>());
        Assert.Equal("Periodic", json["groups"]![0]!["name"]!.GetValue<string>());

        var binary = ClassificationTestFiles.Card(["period"]);
        Assert.DoesNotContain("\"classes\"", binary.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"groups\"", binary.ToJson(), StringComparison.Ordinal);
        Assert.Null(ModelCard.Parse(binary.ToJson(), "binary.json").Classes);
    }

    [Theory]
    [InlineData("classes-order", "field 'classes': must be the groups' classes in order (RRab, EW, AGN)")]
    [InlineData("class-twice", "field 'groups[1].classes[0]': 'EW' is already in group 'Periodic'")]
    [InlineData("one-group", "field 'groups': a hierarchical model needs at least 2 top-level groups")]
    [InlineData("no-classes", "field 'classes': is required for algorithm hierarchical")]
    [InlineData("binary-with-groups", "field 'groups': is only for algorithm hierarchical")]
    public void Inconsistent_classes_and_groups_are_refused_naming_the_field(string edit, string message)
    {
        var card = edit switch
        {
            "classes-order" => Hierarchical() with { Classes = ["EW", "RRab", "AGN"] },
            "class-twice" => Hierarchical() with
            {
                Classes = ["RRab", "EW", "EW"],
                Groups = [new() { Name = "Periodic", Classes = ["RRab", "EW"] }, new() { Name = "Stochastic", Classes = ["EW"] }],
            },
            "one-group" => Hierarchical() with { Classes = ["RRab", "EW"], Groups = [new() { Name = "Periodic", Classes = ["RRab", "EW"] }] },
            "no-classes" => Hierarchical() with { Classes = null },
            "binary-with-groups" => Hierarchical() with { Algorithm = ModelAlgorithm.Xgb, Classes = null },
            _ => throw new ArgumentOutOfRangeException(nameof(edit), edit, "unknown edit"),
        };

        var error = Assert.Throws<InvalidDataException>(() => ModelCard.Parse(card.ToJson(), "card.json"));
        Assert.StartsWith("card.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
