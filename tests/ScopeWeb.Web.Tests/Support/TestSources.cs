using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>Small hand-made sources: a sinusoid per band, optional flagged points and upper limits.</summary>
public static class TestSources
{
    public static readonly DateTime Now = new(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// A source whose light curve in each band is a sinusoid of <paramref name="periodDays"/> (or 0.37 d when the
    /// source has no known period), sampled every 0.731 d from MJD 58200. The last <paramref name="flagged"/>
    /// detections of each band have catflags 32768, and <paramref name="upperLimits"/> upper limits follow them.
    /// </summary>
    public static Source Periodic(
        string objId,
        double raDeg,
        double decDeg,
        string? knownClass = null,
        double? periodDays = null,
        int field = 296,
        IReadOnlyDictionary<string, int>? bands = null,
        int flagged = 0,
        int upperLimits = 0)
    {
        var source = new Source
        {
            ObjId = objId,
            RaDeg = raDeg,
            DecDeg = decDeg,
            Field = field,
            Ccd = 12,
            Quad = 3,
            KnownClass = knownClass,
            PeriodDays = periodDays,
            Origin = "test",
        };
        foreach (var (band, count) in bands ?? new Dictionary<string, int> { ["g"] = 30, ["r"] = 40 })
        {
            source.LightCurves.Add(LightCurve.From(band, Curve(count, periodDays ?? 0.37, band == "g" ? 16.2f : 15.8f, flagged, upperLimits), Now));
        }

        return source;
    }

    /// <summary>Photometry of <paramref name="count"/> detections plus <paramref name="upperLimits"/> limits.</summary>
    public static Photometry Curve(int count, double periodDays, float meanMag, int flagged = 0, int upperLimits = 0)
    {
        var points = new List<PhotometryPoint>();
        for (var i = 0; i < count; i++)
        {
            var t = 58200.0 + (i * 0.731);
            var mag = meanMag + (0.4f * (float)Math.Sin(2 * Math.PI * t / periodDays));
            points.Add(new PhotometryPoint(t, mag, 0.02f + (0.001f * (i % 7)), i >= count - flagged ? (ushort)32768 : (ushort)0));
        }

        for (var i = 0; i < upperLimits; i++)
        {
            points.Add(new PhotometryPoint(58200.0 + (count * 0.731) + i, 20.5f, float.NaN, 0, IsUpperLimit: true));
        }

        return Photometry.FromPoints(points);
    }

    public static Classification Score(string tag, string algorithm, double score, string model = "v1") => new()
    {
        Tag = tag,
        Algorithm = algorithm,
        Score = score,
        ModelVersion = model,
        CreatedAtUtc = Now,
    };

    public static Annotation Note(string origin, string key, string value, string author = "tester") => new()
    {
        Origin = origin,
        Key = key,
        Value = value,
        Author = author,
        CreatedAtUtc = Now,
        UpdatedAtUtc = Now,
    };
}
