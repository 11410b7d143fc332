namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// Phase-bin indices of every point, either at an arbitrary frequency (double precision) or stepping along a regular grid.
/// On the grid, each point's phase is kept as a 64-bit fixed-point fraction of a cycle and advanced by its per-step increment:
/// the integer wrap-around is the "mod 1", and rounding errors stay below 10⁻¹⁰ cycles after millions of steps.
/// </summary>
internal sealed class PhaseBinning
{
    private const double TwoTo64 = 18446744073709551616.0;
    private readonly double[] _time;
    private readonly ulong[] _phase;
    private readonly ulong[] _step;

    public PhaseBinning(double[] time)
    {
        _time = time;
        _phase = new ulong[time.Length];
        _step = new ulong[time.Length];
    }

    /// <summary>Bins at <paramref name="frequency"/>: floor(frac(f·t) × bins).</summary>
    public void BinsAt(double frequency, int bins, Span<int> bin)
    {
        for (var i = 0; i < _time.Length; i++)
        {
            var b = (int)(Phase.Fraction(frequency * _time[i]) * bins);
            bin[i] = b < bins ? b : bins - 1;
        }
    }

    /// <summary>Phases frac(f·t) of every point, to share between statistics evaluated at one frequency.</summary>
    public void Phases(double frequency, Span<double> phase)
    {
        for (var i = 0; i < _time.Length; i++)
        {
            phase[i] = Phase.Fraction(frequency * _time[i]);
        }
    }

    /// <summary>Bins floor(phase × bins) from phases computed by <see cref="Phases"/>.</summary>
    public static void BinsFromPhases(ReadOnlySpan<double> phase, int bins, Span<int> bin)
    {
        for (var i = 0; i < phase.Length; i++)
        {
            var b = (int)(phase[i] * bins);
            bin[i] = b < bins ? b : bins - 1;
        }
    }

    /// <summary>Starts a walk along the grid f0, f0+df, …; call <see cref="NextBins"/> once per frequency.</summary>
    public void StartGrid(double f0, double df)
    {
        for (var i = 0; i < _time.Length; i++)
        {
            _phase[i] = ToFixed(Phase.Fraction(f0 * _time[i]));
            _step[i] = ToFixed(Phase.Fraction(df * _time[i]));
        }
    }

    /// <summary>Bins at the current grid frequency, then advances every phase one grid step.</summary>
    public void NextBins(int bins, Span<int> bin)
    {
        var phase = _phase.AsSpan();
        var step = _step.AsSpan();
        var nb = (ulong)bins;
        for (var i = 0; i < phase.Length; i++)
        {
            // Top 32 bits of the fraction times the bin count, divided by 2^32: floor(phase × bins), never = bins.
            bin[i] = (int)(((phase[i] >> 32) * nb) >> 32);
            phase[i] += step[i];
        }
    }

    private static ulong ToFixed(double fraction)
    {
        var x = fraction * TwoTo64;
        return x >= TwoTo64 ? ulong.MaxValue : (ulong)x;
    }
}
