using System.Globalization;
using ScopeWeb.Core.Astronomy;

namespace ScopeWeb.Web.Sources;

/// <summary>Sexagesimal notation of sky positions: RA in hours (<c>hh:mm:ss.ss</c>), Dec in degrees (<c>±dd:mm:ss.s</c>).</summary>
public static class Sexagesimal
{
    /// <summary>Right ascension as <c>hh:mm:ss.ss</c>, rounded to 0.01 s of time (24:00:00.00 wraps to 00:00:00.00).</summary>
    public static string Ra(double raDeg)
    {
        // Round once on the smallest unit so that 59.999 s carries into the minutes instead of printing 60.00.
        var centiseconds = (long)Math.Round(SkyPosition.NormalizeRa(raDeg) / 15.0 * 3600.0 * 100.0, MidpointRounding.AwayFromZero);
        centiseconds %= 24L * 3600 * 100;
        var h = centiseconds / 360000;
        var m = centiseconds / 6000 % 60;
        var s = centiseconds % 6000 / 100.0;
        return string.Create(CultureInfo.InvariantCulture, $"{h:00}:{m:00}:{s:00.00}");
    }

    /// <summary>Declination as <c>±dd:mm:ss.s</c>, rounded to 0.1″.</summary>
    public static string Dec(double decDeg)
    {
        var deciseconds = (long)Math.Round(Math.Abs(decDeg) * 3600.0 * 10.0, MidpointRounding.AwayFromZero);
        var sign = decDeg < 0 && deciseconds > 0 ? '-' : '+';
        var d = deciseconds / 36000;
        var m = deciseconds / 600 % 60;
        var s = deciseconds % 600 / 10.0;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{d:00}:{m:00}:{s:00.0}");
    }
}
