using System.Globalization;

namespace ScopeWeb.Core.Import;

/// <summary>Right ascension and declination as catalogues write them: decimal degrees, or sexagesimal (BTS: <c>08:29:47.59</c>, <c>+33:54:22.8</c>).</summary>
internal static class SkyCoordinateText
{
    /// <summary>RA in degrees from decimal degrees or sexagesimal hours (<c>hh:mm:ss.s</c> or <c>hh mm ss.s</c>).</summary>
    public static bool TryParseRaDeg(string text, out double raDeg)
    {
        if (IsSexagesimal(text))
        {
            var ok = TryParseSexagesimal(text, out var hours);
            raDeg = hours * 15.0;
            return ok && raDeg >= 0 && raDeg < 360;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out raDeg)
            && raDeg >= 0 && raDeg < 360;
    }

    /// <summary>Dec in degrees from decimal degrees or sexagesimal degrees (<c>±dd:mm:ss.s</c>).</summary>
    public static bool TryParseDecDeg(string text, out double decDeg)
    {
        var ok = IsSexagesimal(text)
            ? TryParseSexagesimal(text, out decDeg)
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decDeg);
        return ok && decDeg >= -90 && decDeg <= 90;
    }

    private static bool IsSexagesimal(string text) => text.Contains(':', StringComparison.Ordinal) || text.Trim().Contains(' ', StringComparison.Ordinal);

    private static bool TryParseSexagesimal(string text, out double value)
    {
        value = double.NaN;
        var s = text.Trim();
        // The sign belongs to the whole angle: "-00:12:03" is negative although its first part is zero.
        var negative = s.StartsWith('-');
        s = s.TrimStart('+', '-');
        var parts = s.Split([':', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3)
        {
            return false;
        }

        double total = 0;
        double scale = 1;
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < 0 || !double.IsFinite(v))
            {
                return false;
            }

            if (scale < 1 && v >= 60)
            {
                return false;
            }

            total += v * scale;
            scale /= 60.0;
        }

        value = negative ? -total : total;
        return true;
    }
}
