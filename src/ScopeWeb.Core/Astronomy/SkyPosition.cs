using System.Globalization;

namespace ScopeWeb.Core.Astronomy;

/// <summary>Angles and positions on the sky (ICRS degrees).</summary>
public static class SkyPosition
{
    private const double DegToRad = Math.PI / 180.0;

    /// <summary>Great-circle separation in arcseconds (haversine, stable at small angles).</summary>
    public static double SeparationArcsec(double ra1Deg, double dec1Deg, double ra2Deg, double dec2Deg)
    {
        var dRa = (ra2Deg - ra1Deg) * DegToRad;
        var d1 = dec1Deg * DegToRad;
        var d2 = dec2Deg * DegToRad;
        var sinDDec = Math.Sin((d2 - d1) / 2);
        var sinDRa = Math.Sin(dRa / 2);
        var h = (sinDDec * sinDDec) + (Math.Cos(d1) * Math.Cos(d2) * sinDRa * sinDRa);
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) / DegToRad * 3600.0;
    }

    /// <summary>
    /// The RA/Dec box that contains a cone; RA ranges may wrap (then <c>RaMinDeg &gt; RaMaxDeg</c>).
    /// Near a pole the box covers all RA.
    /// </summary>
    public static (double RaMinDeg, double RaMaxDeg, double DecMinDeg, double DecMaxDeg) BoundingBox(double raDeg, double decDeg, double radiusArcsec)
    {
        var r = radiusArcsec / 3600.0;
        var decMin = Math.Max(-90, decDeg - r);
        var decMax = Math.Min(90, decDeg + r);
        var maxAbsDec = Math.Max(Math.Abs(decMin), Math.Abs(decMax));
        if (maxAbsDec >= 89.999 || r >= 90)
        {
            return (0, 360, decMin, decMax);
        }

        var dRa = Math.Asin(Math.Min(1, Math.Sin(r * DegToRad) / Math.Cos(maxAbsDec * DegToRad))) / DegToRad;
        if (dRa >= 180)
        {
            return (0, 360, decMin, decMax);
        }

        var raMin = NormalizeRa(raDeg - dRa);
        var raMax = NormalizeRa(raDeg + dRa);
        return (raMin, raMax, decMin, decMax);
    }

    public static double NormalizeRa(double raDeg)
    {
        var ra = raDeg % 360.0;
        return ra < 0 ? ra + 360.0 : ra;
    }

    /// <summary>SCoPe/Fritz style name <c>ZTFJhhmmss.ss±ddmmss.s</c> (truncated, not rounded, like the J-name convention).</summary>
    public static string ZtfName(double raDeg, double decDeg)
    {
        var raHours = NormalizeRa(raDeg) / 15.0;
        var raCs = (long)Math.Floor(raHours * 3600.0 * 100.0); // centiseconds of time
        var h = raCs / 360000;
        var m = raCs / 6000 % 60;
        var s = raCs % 6000 / 100.0;
        var sign = decDeg < 0 ? '-' : '+';
        var decDs = (long)Math.Floor(Math.Abs(decDeg) * 3600.0 * 10.0); // decisecond of arc
        var d = decDs / 36000;
        var dm = decDs / 600 % 60;
        var ds = decDs % 600 / 10.0;
        return string.Create(CultureInfo.InvariantCulture, $"ZTFJ{h:00}{m:00}{s:00.00}{sign}{d:00}{dm:00}{ds:00.0}");
    }
}
