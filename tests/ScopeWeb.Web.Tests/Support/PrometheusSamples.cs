using System.Globalization;
using System.Text.RegularExpressions;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>One sample of Prometheus's text exposition format: metric name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}

/// <summary>The samples of a <c>/metrics</c> answer (comments skipped), for assertions on instruments by name and labels.</summary>
internal sealed partial class PrometheusSamples
{
    private readonly List<PrometheusSample> _samples = [];

    public PrometheusSamples(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, "not a Prometheus sample line: " + line);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in LabelPair().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["key"].Value] = label.Groups["value"].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            _samples.Add(new PrometheusSample(match.Groups["name"].Value, labels, value));
        }
    }

    public string Text { get; }

    public IReadOnlyList<PrometheusSample> All => _samples;

    /// <summary>The samples of <paramref name="name"/> whose labels include every (key, value) given.</summary>
    public IReadOnlyList<PrometheusSample> Find(string name, params (string Key, string Value)[] labels) =>
        [.. _samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Key) == l.Value))];

    /// <summary>The one sample of <paramref name="name"/> with these labels (fails when there is none or several).</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var found = Find(name, labels);
        Assert.True(found.Count == 1, $"{found.Count} samples of {name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} in:\n{Excerpt(name)}");
        return found[0].Value;
    }

    /// <summary>The sample's value, or <paramref name="otherwise"/> when there is none yet.</summary>
    public double ValueOr(double otherwise, string name, params (string Key, string Value)[] labels) =>
        Find(name, labels) is [var one] ? one.Value : otherwise;

    private string Excerpt(string name) =>
        string.Join('\n', Text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal)).Take(40));

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)",?""")]
    private static partial Regex LabelPair();
}
