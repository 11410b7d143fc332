namespace ScopeWeb.Core.LightCurves;

/// <summary>Band names: ZTF's g, r, i and other surveys' u, z, y.</summary>
public static class Bands
{
    /// <summary>
    /// Canonical lower-case band for the spellings found in the wild: <c>g</c>, <c>ztfg</c>, <c>ZTF_g</c>,
    /// ZTF's numeric fid (1, 2, 3 = g, r, i), and <c>R</c> (ANTARES' ZTF r). Null when unknown.
    /// </summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var s = raw.Trim().ToLowerInvariant();
        if (s.StartsWith("ztf", StringComparison.Ordinal))
        {
            s = s[3..].TrimStart('_', '-', ':');
        }
        else if (s.StartsWith("lsst", StringComparison.Ordinal) || s.StartsWith("sdss", StringComparison.Ordinal))
        {
            s = s[4..].TrimStart('_', '-', ':');
        }

        return s switch
        {
            "1" or "g" => "g",
            "2" or "r" => "r",
            "3" or "i" => "i",
            "u" => "u",
            "z" => "z",
            "y" => "y",
            _ => null,
        };
    }
}
