using ScopeWeb.Core.Astronomy;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Testing;

/// <summary>Small hand-made sources for catalog tests.</summary>
public static class SourceBuilder
{
    public static Source Make(
        double raDeg,
        double decDeg,
        string? knownClass = null,
        double? periodDays = null,
        int? field = null,
        int points = 20,
        params string[] bands)
    {
        var source = new Source
        {
            ObjId = SkyPosition.ZtfName(raDeg, decDeg),
            RaDeg = raDeg,
            DecDeg = decDeg,
            KnownClass = knownClass,
            PeriodDays = periodDays,
            Field = field,
            Ccd = field is null ? null : 1,
            Quad = field is null ? null : 2,
            Origin = "test",
        };
        foreach (var band in bands.Length == 0 ? ["g", "r"] : bands)
        {
            source.LightCurves.Add(LightCurve.From(band, Curve(points, band == "g" ? 17.0f : 16.5f), DateTime.UnixEpoch));
        }

        return source;
    }

    /// <summary>A sinusoid with one trailing upper limit.</summary>
    public static Photometry Curve(int points, float baseMag)
    {
        var list = new List<PhotometryPoint>();
        for (var i = 0; i < points; i++)
        {
            var t = 58300.0 + (i * 1.7);
            list.Add(new PhotometryPoint(t, baseMag + (0.3f * MathF.Sin(i)), 0.02f, (ushort)(i == 3 ? 32768 : 0)));
        }

        list.Add(new PhotometryPoint(58300.0 + (points * 1.7), 20.6f, float.NaN, 0, IsUpperLimit: true));
        return Photometry.FromPoints(list);
    }
}
