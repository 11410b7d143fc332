namespace ScopeWeb.Core.FeatureExtraction.Fourier;

/// <summary>
/// SCoPe's <c>f1_*</c> features for one period: the minimum-BIC model
/// offset + slope·(t − min t) + Σ_{n=1..k}[a_n cos(2πnt/P) + b_n sin(2πnt/P)], k = 0..5.
/// Coefficients are raw (SCoPe's <c>relative_output</c> is off): f1_amp = a1, f1_phi0 = b1, f1_relamp1 = a2,
/// f1_relphi1 = b2, … f1_relphi4 = b5, zero beyond the chosen k.
/// </summary>
public sealed record FourierFeatures
{
    /// <summary>Number of harmonics fitted at most.</summary>
    public const int MaxHarmonics = 5;

    /// <summary>SCoPe feature names, in SCoPe's column order and the order of <see cref="CopyTo"/>.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "f1_power", "f1_BIC", "f1_a", "f1_b", "f1_amp", "f1_phi0", "f1_relamp1", "f1_relphi1", "f1_relamp2",
        "f1_relphi2", "f1_relamp3", "f1_relphi3", "f1_relamp4", "f1_relphi4",
    ];

    /// <summary>All NaN: what SCoPe stores when the fit fails.</summary>
    public static FourierFeatures Failed { get; } = new()
    {
        Power = double.NaN,
        Bic = double.NaN,
        OffsetMag = double.NaN,
        SlopeMagPerDay = double.NaN,
        CosineMag = [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN],
        SineMag = [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN],
        HarmonicCount = -1,
    };

    /// <summary><c>f1_power</c> = (χ²₀ − χ²_best)/χ²₀, χ²₀ from the k = 0 (offset + slope) model.</summary>
    public double Power { get; init; }

    /// <summary><c>f1_BIC</c> = χ² + ln N·(2 + 2k) of the chosen model.</summary>
    public double Bic { get; init; }

    /// <summary><c>f1_a</c>: offset (mag).</summary>
    public double OffsetMag { get; init; }

    /// <summary><c>f1_b</c>: slope (mag per day, relative to the first time).</summary>
    public double SlopeMagPerDay { get; init; }

    /// <summary>a_1..a_5 (f1_amp, f1_relamp1..4); zero for harmonics above <see cref="HarmonicCount"/>.</summary>
    public IReadOnlyList<double> CosineMag { get; init; } = new double[MaxHarmonics];

    /// <summary>b_1..b_5 (f1_phi0, f1_relphi1..4); zero for harmonics above <see cref="HarmonicCount"/>.</summary>
    public IReadOnlyList<double> SineMag { get; init; } = new double[MaxHarmonics];

    /// <summary>The chosen k (0..5); −1 for a failed fit. Not a SCoPe feature.</summary>
    public int HarmonicCount { get; init; }

    /// <summary>True when the fit failed and every feature is NaN.</summary>
    public bool IsFailed => HarmonicCount < 0;

    /// <summary>The (name, value) pairs in <see cref="FeatureNames"/> order.</summary>
    public IEnumerable<KeyValuePair<string, double>> EnumerateFeatures()
    {
        var values = new double[FeatureNames.Count];
        CopyTo(values);
        for (var i = 0; i < values.Length; i++)
        {
            yield return new KeyValuePair<string, double>(FeatureNames[i], values[i]);
        }
    }

    /// <summary>Writes the 14 values in <see cref="FeatureNames"/> order.</summary>
    public void CopyTo(Span<double> destination)
    {
        if (destination.Length < FeatureNames.Count)
        {
            throw new ArgumentException($"Need room for {FeatureNames.Count} values.", nameof(destination));
        }

        destination[0] = Power;
        destination[1] = Bic;
        destination[2] = OffsetMag;
        destination[3] = SlopeMagPerDay;
        for (var h = 0; h < MaxHarmonics; h++)
        {
            destination[4 + (2 * h)] = CosineMag[h];
            destination[5 + (2 * h)] = SineMag[h];
        }
    }
}
