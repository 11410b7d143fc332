using System.Text.Json;
using System.Text.Json.Serialization;
using ScopeWeb.Core.FeatureExtraction;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Statistics;

/// <summary>
/// Reference values computed with numpy/scipy by tools/reference/stats_reference.py
/// (Fixtures/Features/stats_reference.json). Shared by the statistics, dmdt, Fourier and preprocessing tests.
/// </summary>
public sealed class StatsReference
{
    private static readonly Lazy<StatsReference> Instance = new(Load);

    [JsonPropertyName("versions")]
    public Dictionary<string, string> Versions { get; init; } = [];

    [JsonPropertyName("dmints")]
    public List<double> DmEdges { get; init; } = [];

    [JsonPropertyName("dtints")]
    public List<double> DtEdges { get; init; } = [];

    [JsonPropertyName("curves")]
    public List<ReferenceCurve> Curves { get; init; } = [];

    [JsonPropertyName("shapiro")]
    public List<ShapiroCase> Shapiro { get; init; } = [];

    [JsonPropertyName("anderson")]
    public List<AndersonCase> Anderson { get; init; } = [];

    [JsonPropertyName("log_ndtr")]
    public List<LogNdtrCase> LogNdtr { get; init; } = [];

    [JsonPropertyName("preprocessing")]
    public PreprocessingCase Preprocessing { get; init; } = new();

    public static StatsReference Value => Instance.Value;

    public static TheoryData<string> CurveNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Value.Curves)
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static ReferenceCurve Curve(string name) =>
        Value.Curves.Single(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>|actual − expected| ≤ rel·|expected| + abs, with a message naming the quantity.</summary>
    public static void AssertClose(double expected, double actual, double relative, double absolute, string what)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            Assert.True(double.IsNaN(expected) && double.IsNaN(actual), $"{what}: expected {expected:R}, got {actual:R}");
            return;
        }

        var allowed = (relative * Math.Abs(expected)) + absolute;
        Assert.True(
            Math.Abs(actual - expected) <= allowed,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):G3}, allowed {allowed:G3})");
    }

    private static StatsReference Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Features", "stats_reference.json");
        var options = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<StatsReference>(stream, options)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}

public sealed class ReferenceCurve
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("mjd")]
    public List<double> Mjd { get; init; } = [];

    [JsonPropertyName("mag")]
    public List<double> Mag { get; init; } = [];

    [JsonPropertyName("magerr")]
    public List<double> MagErr { get; init; } = [];

    [JsonPropertyName("period_days")]
    public double PeriodDays { get; init; }

    [JsonPropertyName("phase_time_offset_days")]
    public double PhaseTimeOffsetDays { get; init; }

    [JsonPropertyName("stats")]
    public Dictionary<string, double> Stats { get; init; } = [];

    [JsonPropertyName("dmdt_counts")]
    public List<List<int>> DmdtCounts { get; init; } = [];

    [JsonPropertyName("dmdt_frobenius_norm")]
    public double DmdtFrobeniusNorm { get; init; }

    [JsonPropertyName("dmdt_pairs_in_range")]
    public int DmdtPairsInRange { get; init; }

    [JsonPropertyName("fourier")]
    public Dictionary<string, double> Fourier { get; init; } = [];

    [JsonPropertyName("fourier_best_harmonics")]
    public int FourierBestHarmonics { get; init; }

    [JsonPropertyName("fourier_chi2_by_harmonics")]
    public List<double> FourierChi2ByHarmonics { get; init; } = [];

    public PreparedLightCurve ToPrepared() => new("r", [.. Mjd], [.. Mag], [.. MagErr]);
}

public sealed class ShapiroCase
{
    [JsonPropertyName("x")]
    public List<double> Values { get; init; } = [];

    [JsonPropertyName("w")]
    public double W { get; init; }
}

public sealed class AndersonCase
{
    [JsonPropertyName("x")]
    public List<double> Values { get; init; } = [];

    [JsonPropertyName("a2")]
    public double A2 { get; init; }
}

public sealed class LogNdtrCase
{
    [JsonPropertyName("x")]
    public double X { get; init; }

    [JsonPropertyName("log_ndtr")]
    public double LogNdtr { get; init; }
}

public sealed class PreprocessingCase
{
    [JsonPropertyName("raw_mjd")]
    public List<double> RawMjd { get; init; } = [];

    [JsonPropertyName("raw_mag")]
    public List<double> RawMag { get; init; } = [];

    [JsonPropertyName("raw_magerr")]
    public List<double> RawMagErr { get; init; } = [];

    [JsonPropertyName("raw_catflags")]
    public List<int> RawCatFlags { get; init; } = [];

    [JsonPropertyName("min_cadence_minutes")]
    public double MinCadenceMinutes { get; init; }

    [JsonPropertyName("kept_mjd")]
    public List<double> KeptMjd { get; init; } = [];

    [JsonPropertyName("kept_mag")]
    public List<double> KeptMag { get; init; } = [];
}
