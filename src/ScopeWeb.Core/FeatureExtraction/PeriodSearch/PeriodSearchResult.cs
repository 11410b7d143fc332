namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>How the reported period relates to the strongest periodogram signal.</summary>
public enum PeriodDecision
{
    /// <summary>The best peak of the deciding periodogram, refined.</summary>
    BestPeak,

    /// <summary>A sampling alias or harmonic of the best peak described the light curve better (multi-harmonic fit, BIC).</summary>
    AliasResolved,

    /// <summary>Doubled: consecutive cycles differ significantly (unequal minima of an eclipsing binary).</summary>
    DoubledUnequalMinima,

    /// <summary>Doubled: one symmetric, eclipse-like minimum per cycle, i.e. an eclipsing binary with equal minima.</summary>
    DoubledEclipsingBinary,
}

/// <summary>One peak of a periodogram.</summary>
/// <param name="PeriodDays">Period, days.</param>
/// <param name="Power">The algorithm's statistic: GLS power (0–1), conditional entropy (lower is better), AOV θ, or
/// for <c>FOURIER</c> the BIC improvement over a constant model.</param>
/// <param name="Algorithm">ELS, ECE, EAOV or FOURIER (the multi-harmonic fits of the final choice).</param>
public sealed record PeriodCandidate(double PeriodDays, double Power, string Algorithm);

/// <summary>A periodogram for display, decimated to a few thousand points while keeping every bucket's highest value.</summary>
/// <param name="FrequencyPerDay">Trial frequencies, 1/day, ascending.</param>
/// <param name="Power">Statistic at each frequency.</param>
/// <param name="Algorithm">Which statistic (ELS, ECE, EAOV).</param>
public sealed record Periodogram(double[] FrequencyPerDay, float[] Power, string Algorithm);

/// <summary>The outcome of <see cref="PeriodSearch.Search"/>.</summary>
public sealed class PeriodSearchResult
{
    public required double PeriodDays { get; init; }

    public double FrequencyPerDay => 1.0 / PeriodDays;

    /// <summary>
    /// How far the detected peak stands above the periodogram, in standard deviations: (peak − mean)/std over the scan
    /// grid (for conditional entropy (mean − minimum)/std), as SCoPe and periodfind define it. For the nested search the
    /// Lomb–Scargle periodogram is used, at the peak carrying the signal (the reported frequency, or twice it for a
    /// period doubled to an eclipsing binary's orbit).
    /// </summary>
    public required double Significance { get; init; }

    /// <summary>SCoPe's name of the algorithm: ELS_ECE_EAOV, ELS, ECE or EAOV (the suffix of SCoPe's period features).</summary>
    public required string Algorithm { get; init; }

    public required PeriodDecision Decision { get; init; }

    /// <summary>Harmonics of the Fourier model that best describes the light curve at the reported period (0 if not fitted).</summary>
    public int Harmonics { get; init; }

    /// <summary>The scan grid (frequency range and step actually searched).</summary>
    public required FrequencyGrid Grid { get; init; }

    public required Periodogram Periodogram { get; init; }

    /// <summary>The best peaks of each stage, best first within each algorithm.</summary>
    public required IReadOnlyList<PeriodCandidate> Candidates { get; init; }
}
