using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using ScopeWeb.Core.Disagreements;

namespace ScopeWeb.Web.Disagreements;

/// <summary>
/// What the disagreements page shows, kept in its URL so a view can be bookmarked and shared:
/// <c>/disagreements?tag=rrlyr&amp;high=0.8&amp;low=0.2&amp;training=include</c>.
/// </summary>
public sealed record DisagreementPageState
{
    public string? Tag { get; init; }

    public DisagreementCriteria Criteria { get; init; } = new();

    /// <summary>Reads the state from a query string; unparsable values fall back to the defaults.</summary>
    public static DisagreementPageState Parse(string? queryString)
    {
        var q = QueryHelpers.ParseQuery(queryString);
        string? Get(string key) => q.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        double Number(string key, double fallback) =>
            Get(key) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : fallback;

        return new DisagreementPageState
        {
            Tag = Get("tag"),
            Criteria = new DisagreementCriteria
            {
                High = Number("high", DisagreementCriteria.DefaultHigh),
                Low = Number("low", DisagreementCriteria.DefaultLow),
                ExcludeTrainingSet = !string.Equals(Get("training"), "include", StringComparison.OrdinalIgnoreCase),
            },
        };
    }

    /// <summary>The page URL for this state (defaults left out).</summary>
    public string Url()
    {
        var parts = new List<string>();
        if (Tag is not null)
        {
            parts.Add("tag=" + Uri.EscapeDataString(Tag));
        }

        if (Criteria.High != DisagreementCriteria.DefaultHigh)
        {
            parts.Add("high=" + Criteria.High.ToString("R", CultureInfo.InvariantCulture));
        }

        if (Criteria.Low != DisagreementCriteria.DefaultLow)
        {
            parts.Add("low=" + Criteria.Low.ToString("R", CultureInfo.InvariantCulture));
        }

        if (!Criteria.ExcludeTrainingSet)
        {
            parts.Add("training=include");
        }

        return parts.Count == 0 ? "disagreements" : "disagreements?" + string.Join('&', parts);
    }

    /// <summary>The group name offered for saving a tag's disagreements.</summary>
    public static string SuggestedGroupName(string tag) => "disagreements-" + tag;
}
