using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Simulation;

/// <summary>Simulated ZTF light curves (interface fixed; implementation in progress).</summary>
public sealed class LightCurveSimulator
{
    /// <summary>Deterministic for a given seed: sources with position, field/ccd/quad, true class and period, light curves.</summary>
    public IEnumerable<Source> Generate(int count, int seed)
    {
        _ = seed;
        return Enumerable.Range(0, count).Select<int, Source>(_ => throw new NotSupportedException("simulator pending"));
    }
}
