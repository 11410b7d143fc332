using ScopeWeb.Core.Classifiers;

namespace ScopeWeb.Training.Hierarchical;

/// <summary>
/// The two-level taxonomy of a hierarchical classifier: top-level groups, each with its leaf classes (ALeRCE's
/// Transient / Stochastic / Periodic, docs/science.md "Hierarchical classifier"). Text form: <c>Periodic:RRab,RRc;Stochastic:AGN,YSO;Transient:SNIa</c>.
/// </summary>
public static class HierarchicalTaxonomy
{
    /// <summary>
    /// The simulator's classes in ALeRCE's three groups. <c>Constant</c> is in none: its rows are left out of training,
    /// as ALeRCE's classifier only sees variable objects.
    /// </summary>
    public static IReadOnlyList<ClassGroup> Simulator { get; } =
    [
        new() { Name = "Periodic", Classes = ["RRab", "RRc", "DSCT", "Cepheid", "EW", "EA", "EB", "Mira"] },
        new() { Name = "Stochastic", Classes = ["AGN", "YSO", "YSO-dipper", "SRV", "Flaring"] },
        new() { Name = "Transient", Classes = ["SNIa"] },
    ];

    /// <summary>
    /// Parses <c>Group:ClassA,ClassB;Group2:ClassC</c> (spaces around names are ignored) and validates it.
    /// <paramref name="source"/> names the origin (e.g. <c>--taxonomy</c>) in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is malformed or the taxonomy is invalid (see <see cref="Validate"/>).</exception>
    public static IReadOnlyList<ClassGroup> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var groups = new List<ClassGroup>();
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new InvalidDataException(
                    $"{source}: '{part}' is not GROUP:CLASS,CLASS (e.g. Periodic:RRab,RRc;Stochastic:AGN,YSO;Transient:SNIa).");
            }

            groups.Add(new ClassGroup
            {
                Name = part[..colon].Trim(),
                Classes = part[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            });
        }

        Validate(groups, source);
        return groups;
    }

    /// <summary>The text form <see cref="Parse"/> reads.</summary>
    public static string Format(IReadOnlyList<ClassGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return string.Join(';', groups.Select(g => g.Name + ":" + string.Join(',', g.Classes)));
    }

    /// <summary>
    /// At least two groups, every group named once and non-empty, every class in exactly one group.
    /// </summary>
    /// <exception cref="InvalidDataException">The taxonomy breaks a rule; the message names <paramref name="source"/>, the group and the class.</exception>
    public static void Validate(IReadOnlyList<ClassGroup> groups, string source)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count < 2)
        {
            throw new InvalidDataException(
                $"{source}: a hierarchical classifier needs at least 2 top-level groups, got {groups.Count} ({Format(groups)}).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (string.IsNullOrWhiteSpace(group.Name))
            {
                throw new InvalidDataException($"{source}: a group has no name (classes {string.Join(", ", group.Classes)}).");
            }

            if (!names.Add(group.Name))
            {
                throw new InvalidDataException($"{source}: group '{group.Name}' is listed twice.");
            }

            if (group.Classes.Count == 0)
            {
                throw new InvalidDataException($"{source}: group '{group.Name}' has no classes.");
            }

            foreach (var name in group.Classes)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new InvalidDataException($"{source}: group '{group.Name}' has an empty class name.");
                }

                if (!groupOf.TryAdd(name, group.Name))
                {
                    throw new InvalidDataException(groupOf[name] == group.Name
                        ? $"{source}: class '{name}' is listed twice in group '{group.Name}'."
                        : $"{source}: class '{name}' is in two groups, '{groupOf[name]}' and '{group.Name}'; each class belongs to one group.");
                }
            }
        }
    }
}
