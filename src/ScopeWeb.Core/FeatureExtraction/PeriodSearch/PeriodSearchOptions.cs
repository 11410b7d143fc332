using System.Globalization;

namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>Which periodogram decides the period.</summary>
public enum PeriodAlgorithm
{
    /// <summary>
    /// SCoPe's nested search (<c>ELS_ECE_EAOV</c>): Lomb–Scargle and conditional entropy propose their best peaks,
    /// analysis of variance ranks them, and (with <see cref="PeriodSearchOptions.ResolveAliases"/>) multi-harmonic
    /// fits settle aliases and half/double periods.
    /// </summary>
    Nested,

    /// <summary>Generalised Lomb–Scargle with errors and a floating mean (<c>ELS</c>): the highest peak.</summary>
    LombScargle,

    /// <summary>Conditional entropy of the folded light curve (<c>ECE</c>): the lowest entropy.</summary>
    ConditionalEntropy,

    /// <summary>Phase-binned analysis of variance (<c>EAOV</c>): the highest F statistic.</summary>
    AnalysisOfVariance,
}

/// <summary>
/// Settings of <see cref="PeriodSearch.Search"/>. The defaults are SCoPe's (config <c>feature_generation.period_search</c>:
/// max_freq 288 /d, samples_per_peak 10, phase_bins 20, mag_bins 10, top 50 periods into AOV) except where noted.
/// </summary>
public sealed record PeriodSearchOptions
{
    /// <summary>
    /// SCoPe's settings with the maximum frequency of its batch feature-generation jobs (48 /d, periods down to
    /// 30 minutes: every periodic class ZTF's cadence can sample), which is what a CPU catalog run can afford; the
    /// 288 /d default costs six times more per light curve.
    /// </summary>
    public static PeriodSearchOptions Catalog { get; } = new() { MaxFrequencyPerDay = 48 };

    /// <summary>Highest trial frequency, 1/day. SCoPe's config: 288 (5-minute periods, its minimum cadence).</summary>
    public double MaxFrequencyPerDay { get; init; } = 288;

    /// <summary>Lowest trial frequency, 1/day; null means SCoPe's 2 / baseline (at least two cycles covered).</summary>
    public double? MinFrequencyPerDay { get; init; }

    /// <summary>
    /// Frequency resolution of the reported period: grid step = 1 / (SamplesPerPeak × baseline), as in SCoPe (10).
    /// </summary>
    public int SamplesPerPeak { get; init; } = 10;

    /// <summary>
    /// Oversampling of the full-grid scan. A peak's width is about 1/baseline, so with 2 samples per peak the nearest sample
    /// is within a quarter width of the top and keeps ≥ 80% of its power — enough to rank the <see cref="TopPeaks"/>
    /// candidates, which are then located between samples (parabola) and refined far below SCoPe's resolution of
    /// 1/(<see cref="SamplesPerPeak"/> × baseline). On SDSS RR Lyrae and the simulator's periodic classes 2 recovers as many
    /// periods as 3 or 10 at a fifth of SCoPe's scan cost. Setting it to <see cref="SamplesPerPeak"/> scans SCoPe's exact grid.
    /// </summary>
    public int ScanSamplesPerPeak { get; init; } = 2;

    /// <summary>Phase bins of the conditional entropy (SCoPe: 20).</summary>
    public int PhaseBins { get; init; } = 20;

    /// <summary>Magnitude bins of the conditional entropy, over each band's min–max range (SCoPe: 10).</summary>
    public int MagBins { get; init; } = 10;

    /// <summary>Phase bins of the analysis of variance (SCoPe passes its phase_bins, 20).</summary>
    public int AovPhaseBins { get; init; } = 20;

    /// <summary>Most Fourier harmonics in the models that settle aliases and half/double periods (SCoPe's f1 fit: 5).</summary>
    public int MaxHarmonics { get; init; } = 5;

    /// <summary>Peaks of each periodogram passed to the next stage (SCoPe: top 50 of LS and of CE into AOV).</summary>
    public int TopPeaks { get; init; } = 50;

    /// <summary>Which periodogram decides; <see cref="PeriodAlgorithm.Nested"/> is SCoPe's <c>ELS_ECE_EAOV</c>.</summary>
    public PeriodAlgorithm Algorithm { get; init; } = PeriodAlgorithm.Nested;

    /// <summary>
    /// Compute conditional entropy on the whole scan grid, as SCoPe does on GPUs. Off by default: on a CPU it costs
    /// ~30 times the Lomb–Scargle scan, so the nested search evaluates it where a periodic signal can be (the
    /// Lomb–Scargle peaks, their sub-harmonics and sampling aliases). A pulse train such as a detached eclipsing binary
    /// puts Lomb–Scargle power on every harmonic of its frequency, so its fundamental is among those places.
    /// </summary>
    public bool ConditionalEntropyOnFullGrid { get; init; }

    /// <summary>
    /// Nested search only: compare the best candidates with their sampling aliases (1 sidereal day, 1 year and the
    /// window function's own peaks) and with half and double their frequency using multi-band Fourier fits.
    /// Off gives SCoPe's plain AOV choice.
    /// </summary>
    public bool ResolveAliases { get; init; } = true;

    /// <summary>
    /// Report an eclipsing binary whose two minima look alike at its orbital period (twice the light curve's
    /// repetition period), as SCoPe's training labels and VSX do. Pulsators keep their pulsation period.
    /// </summary>
    public bool EclipsingBinariesAtOrbitalPeriod { get; init; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Check(double.IsFinite(MaxFrequencyPerDay) && MaxFrequencyPerDay > 0, nameof(MaxFrequencyPerDay), MaxFrequencyPerDay, "a positive number");
        Check(MinFrequencyPerDay is null || (double.IsFinite(MinFrequencyPerDay.Value) && MinFrequencyPerDay > 0 && MinFrequencyPerDay < MaxFrequencyPerDay),
            nameof(MinFrequencyPerDay), MinFrequencyPerDay, "null or positive and below MaxFrequencyPerDay");
        Check(SamplesPerPeak is >= 1 and <= 1000, nameof(SamplesPerPeak), SamplesPerPeak, "1–1000");
        Check(ScanSamplesPerPeak >= 1 && ScanSamplesPerPeak <= SamplesPerPeak, nameof(ScanSamplesPerPeak), ScanSamplesPerPeak, "1–SamplesPerPeak");
        Check(PhaseBins is >= 2 and <= 1000, nameof(PhaseBins), PhaseBins, "2–1000");
        Check(MagBins is >= 2 and <= 1000, nameof(MagBins), MagBins, "2–1000");
        Check(AovPhaseBins is >= 2 and <= 1000, nameof(AovPhaseBins), AovPhaseBins, "2–1000");
        Check(MaxHarmonics is >= 1 and <= 20, nameof(MaxHarmonics), MaxHarmonics, "1–20");
        Check(TopPeaks is >= 1 and <= 10_000, nameof(TopPeaks), TopPeaks, "1–10000");
        Check(Enum.IsDefined(Algorithm), nameof(Algorithm), Algorithm, "a PeriodAlgorithm value");
    }

    private static void Check(bool ok, string name, object? value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"PeriodSearchOptions.{name} must be {expected} (got {value ?? "null"})."), name);
        }
    }
}
