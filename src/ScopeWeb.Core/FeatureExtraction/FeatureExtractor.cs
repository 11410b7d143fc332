using ScopeWeb.Core.FeatureExtraction.Dmdt;
using ScopeWeb.Core.FeatureExtraction.Fourier;
using ScopeWeb.Core.FeatureExtraction.PeriodSearch;
using ScopeWeb.Core.FeatureExtraction.Statistics;
using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Core.FeatureExtraction;

/// <summary>Settings of a feature run: SCoPe's preprocessing and period-search grid.</summary>
public sealed record FeatureExtractionOptions
{
    public PreprocessingOptions Preprocessing { get; init; } = new();

    /// <summary>Period search settings; <see cref="PeriodSearchOptions.Catalog"/> by default (see docs/features.md for the grid).</summary>
    public PeriodSearchOptions PeriodSearch { get; init; } = PeriodSearchOptions.Catalog;

    /// <summary>
    /// Clean points a band needs to join the multi-band period search. Lower than SCoPe's 50 for the single-band
    /// features: a second band with 20 good epochs still pins down the period.
    /// </summary>
    public int PeriodSearchMinPoints { get; init; } = 10;

    /// <summary>Also compute the 26×26 dmdt image.</summary>
    public bool Dmdt { get; init; } = true;
}

/// <summary>
/// The SCoPe feature set of one object. Statistics, Fourier terms and dmdt describe the object's primary band (the
/// band with most clean points: SCoPe's features are per single-band light curve); the period comes from a
/// multi-band search over every band that passes preprocessing.
/// </summary>
public sealed record FeatureSet(
    string Band,
    int BandCount,
    double PeriodDays,
    double Significance,
    string PeriodAlgorithm,
    IReadOnlyList<KeyValuePair<string, double>> Values,
    float[]? Dmdt,
    PeriodSearchResult Period)
{
    /// <summary>Output column order of <c>scope features</c>: period, significance, statistics, Fourier terms.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        ["period", "significance", .. LightCurveStatistics.FeatureNames, .. FourierFeatures.FeatureNames];

    public double this[string name] => Values.First(v => v.Key == name).Value;
}

/// <summary>Computes <see cref="FeatureSet"/>s from light curves. Thread-safe; one call per object.</summary>
public sealed class FeatureExtractor(FeatureExtractionOptions? options = null)
{
    public FeatureExtractionOptions Options { get; } = options ?? new FeatureExtractionOptions();

    /// <summary>
    /// The multi-band period search alone (for the source page's periodogram): every band with at least
    /// <see cref="FeatureExtractionOptions.PeriodSearchMinPoints"/> clean points; null when none has.
    /// </summary>
    public PeriodSearchResult? SearchPeriod(IReadOnlyDictionary<string, Photometry> bands)
    {
        var prepared = PrepareForSearch(bands);
        return prepared.Count == 0 ? null : PeriodSearch.PeriodSearch.Search(prepared, Options.PeriodSearch);
    }

    private List<PreparedLightCurve> PrepareForSearch(IReadOnlyDictionary<string, Photometry> bands)
    {
        var searchOptions = Options.Preprocessing with { MinPoints = Math.Min(Options.PeriodSearchMinPoints, Options.Preprocessing.MinPoints) };
        var prepared = new List<PreparedLightCurve>(bands.Count);
        foreach (var (band, photometry) in bands)
        {
            if (LightCurvePreprocessor.Prepare(band, photometry, searchOptions) is { } lc)
            {
                prepared.Add(lc);
            }
        }

        return prepared;
    }

    /// <summary>Features of one object, or null when no band has enough clean points.</summary>
    public FeatureSet? Extract(IReadOnlyDictionary<string, Photometry> bands)
    {
        var prepared = PrepareForSearch(bands);

        // Most points first; ties prefer ZTF r, then g, then i (r has the most epochs in ZTF's public surveys).
        var primary = prepared.OrderByDescending(l => l.Count).ThenBy(l => l.Band switch { "r" => 0, "g" => 1, "i" => 2, _ => 3 }).FirstOrDefault();
        if (primary is null || primary.Count < Options.Preprocessing.MinPoints)
        {
            return null;
        }
        var period = PeriodSearch.PeriodSearch.Search(prepared, Options.PeriodSearch);
        var statistics = LightCurveStatistics.Compute(primary);
        var fourier = FourierDecomposition.Fit(primary, period.PeriodDays);

        var values = new List<KeyValuePair<string, double>>(FeatureSet.FeatureNames.Count)
        {
            new("period", period.PeriodDays),
            new("significance", period.Significance),
        };
        values.AddRange(statistics.EnumerateFeatures());
        values.AddRange(fourier.EnumerateFeatures());
        return new FeatureSet(
            primary.Band,
            prepared.Count,
            period.PeriodDays,
            period.Significance,
            period.Algorithm,
            values,
            Options.Dmdt ? DmdtHistogram.Compute(primary) : null,
            period);
    }
}
