namespace ScopeWeb.Core.Simulation;

/// <summary>
/// The simulator's classes. The strings are stored in <see cref="Catalog.Source.KnownClass"/> and are the filter
/// values and training labels, so they never change.
/// </summary>
public static class SimulatedClass
{
    public const string RRab = "RRab";
    public const string RRc = "RRc";
    public const string DeltaScuti = "DSCT";
    public const string Cepheid = "Cepheid";
    public const string ContactBinary = "EW";
    public const string Algol = "EA";
    public const string BetaLyrae = "EB";
    public const string Mira = "Mira";
    public const string SemiRegular = "SRV";
    public const string Agn = "AGN";
    public const string Yso = "YSO";
    public const string YsoDipper = "YSO-dipper";
    public const string FlaringMDwarf = "Flaring";
    public const string Constant = "Constant";
    public const string SupernovaIa = "SNIa";

    /// <summary>Every class, in a fixed order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RRab, RRc, DeltaScuti, Cepheid, ContactBinary, Algol, BetaLyrae, Mira, SemiRegular,
        Agn, Yso, YsoDipper, FlaringMDwarf, Constant, SupernovaIa,
    ];

    /// <summary>
    /// Percent of simulated sources per class (sums to 100). Demo-friendly rather than the real sky's mix:
    /// every class gets at least 4%, constant stars the most.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Percent { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [RRab] = 9,
        [RRc] = 6,
        [DeltaScuti] = 5,
        [Cepheid] = 5,
        [ContactBinary] = 10,
        [Algol] = 7,
        [BetaLyrae] = 6,
        [Mira] = 5,
        [SemiRegular] = 6,
        [Agn] = 7,
        [Yso] = 5,
        [YsoDipper] = 4,
        [FlaringMDwarf] = 5,
        [Constant] = 15,
        [SupernovaIa] = 5,
    };

    /// <summary>
    /// The range the simulator draws true periods from, or null for a class without a period
    /// (AGN, YSOs, flares, constant stars, supernovae).
    /// </summary>
    public static (double MinDays, double MaxDays)? PeriodRangeDays(string knownClass) => knownClass switch
    {
        RRab => (0.45, 0.85),
        RRc => (0.25, 0.42),
        DeltaScuti => (0.03, 0.2),
        Cepheid => (3.0, 50.0),
        ContactBinary => (0.25, 0.5),
        Algol => (1.0, 10.0),
        BetaLyrae => (0.5, 5.0),
        Mira => (150.0, 500.0),
        SemiRegular => (30.0, 200.0),
        _ => null,
    };

    public static bool IsPeriodic(string knownClass) => PeriodRangeDays(knownClass) is not null;
}
