using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.Simulation;

/// <summary>One simulated catalog shared by the tests of a class (generating it is the slow part).</summary>
public sealed class SimulatedSky
{
    public const int Count = 1500;
    public const int Seed = 2024;

    public SimulatedSky()
    {
        Sources = new LightCurveSimulator().Generate(Count, Seed).ToList();
        Curves = Sources.ToDictionary(
            s => s.ObjId,
            s => (IReadOnlyDictionary<string, Photometry>)s.LightCurves.ToDictionary(l => l.Band, l => l.ReadPhotometry(), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    public IReadOnlyList<Source> Sources { get; }

    /// <summary>Decoded light curves by object id and band.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Photometry>> Curves { get; }

    public IEnumerable<Source> OfClass(string knownClass) => Sources.Where(s => s.KnownClass == knownClass);

    /// <summary>Clean detections (no upper limits, catflags 0) of one band.</summary>
    public (double[] Mjd, double[] Mag, double[] MagErr) Clean(Source source, string band)
    {
        if (!Curves[source.ObjId].TryGetValue(band, out var p))
        {
            return ([], [], []);
        }

        var idx = Enumerable.Range(0, p.Count).Where(k => !p.IsUpperLimit[k] && p.CatFlags[k] == 0).ToArray();
        return (idx.Select(k => p.Mjd[k]).ToArray(), idx.Select(k => (double)p.Mag[k]).ToArray(), idx.Select(k => (double)p.MagErr[k]).ToArray());
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    public static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }
}
