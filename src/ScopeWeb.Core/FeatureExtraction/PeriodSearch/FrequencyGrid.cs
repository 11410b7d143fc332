using System.Globalization;

namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// An evenly spaced grid of trial frequencies (1/day): <c>f_k = MinFrequencyPerDay + k·StepPerDay</c>, k = 0..Count−1.
/// </summary>
public readonly record struct FrequencyGrid
{
    /// <summary>Largest grid SCoPe-style settings may produce (a 30-year baseline at 288 /d and 10 samples per peak is ~3×10⁷).</summary>
    public const int MaxCount = 200_000_000;

    public FrequencyGrid(double minFrequencyPerDay, double stepPerDay, int count)
    {
        if (!(double.IsFinite(minFrequencyPerDay) && minFrequencyPerDay >= 0 && double.IsFinite(stepPerDay) && stepPerDay > 0 && count is >= 1 and <= MaxCount))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Frequency grid needs min ≥ 0, step > 0 and 1–{MaxCount} frequencies (got min {minFrequencyPerDay}, step {stepPerDay}, count {count})."));
        }

        MinFrequencyPerDay = minFrequencyPerDay;
        StepPerDay = stepPerDay;
        Count = count;
    }

    public double MinFrequencyPerDay { get; }
    public double StepPerDay { get; }
    public int Count { get; }
    public double MaxFrequencyPerDay => FrequencyAt(Count - 1);

    public double FrequencyAt(int index) => MinFrequencyPerDay + (index * StepPerDay);

    /// <summary>
    /// SCoPe's grid for a light curve (or group of bands) spanning <paramref name="baselineDays"/>: from
    /// <c>MinFrequencyPerDay</c> (default 2/baseline) up to, not including, <c>MaxFrequencyPerDay</c>, in steps of
    /// 1 / (samplesPerPeak × baseline). <paramref name="samplesPerPeak"/> defaults to the options' SamplesPerPeak.
    /// </summary>
    public static FrequencyGrid For(double baselineDays, PeriodSearchOptions options, int? samplesPerPeak = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(double.IsFinite(baselineDays) && baselineDays > 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A period search needs a positive time baseline (got {baselineDays} days)."), nameof(baselineDays));
        }

        var spp = samplesPerPeak ?? options.SamplesPerPeak;
        var fMin = options.MinFrequencyPerDay ?? (2.0 / baselineDays);
        var fMax = options.MaxFrequencyPerDay;
        if (fMin >= fMax)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The minimum trial frequency {fMin:G4} /d (2 / baseline of {baselineDays:G4} d unless set) is not below the maximum {fMax:G4} /d."));
        }

        var step = 1.0 / (spp * baselineDays);
        var count = Math.Ceiling((fMax - fMin) / step);
        if (count > MaxCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{count:G4} trial frequencies ({fMin:G4}–{fMax:G4} /d in steps of {step:G4}) exceed the limit of {MaxCount}; lower MaxFrequencyPerDay or SamplesPerPeak."));
        }

        return new FrequencyGrid(fMin, step, Math.Max(1, (int)count));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{MinFrequencyPerDay:G4}–{MaxFrequencyPerDay:G5} /d, step {StepPerDay:G4} /d, {Count:N0} frequencies");
}
