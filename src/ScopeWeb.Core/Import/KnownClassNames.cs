namespace ScopeWeb.Core.Import;

/// <summary>
/// Maps imported class labels onto the simulator's names where they mean the same thing, and keeps the rest verbatim:
/// SDSS Stripe 82 <c>ab</c>/<c>c</c> → <c>RRab</c>/<c>RRc</c>; BTS <c>SN Ia</c> and its sub-types (<c>SN Ia-91T</c>,
/// <c>SN Ia-pec</c>, <c>SN Iax</c>…) → <c>SNIa</c>.
/// </summary>
public static class KnownClassNames
{
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var s = raw.Trim();
        if (s.Equals("ab", StringComparison.OrdinalIgnoreCase) || s.Equals("RRab", StringComparison.OrdinalIgnoreCase))
        {
            return "RRab";
        }

        if (s.Equals("c", StringComparison.OrdinalIgnoreCase) || s.Equals("RRc", StringComparison.OrdinalIgnoreCase))
        {
            return "RRc";
        }

        if (s.StartsWith("SN Ia", StringComparison.OrdinalIgnoreCase) || s.Equals("SNIa", StringComparison.OrdinalIgnoreCase))
        {
            return "SNIa";
        }

        return s;
    }
}
