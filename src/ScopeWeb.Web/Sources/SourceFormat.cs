using System.Globalization;

namespace ScopeWeb.Web.Sources;

/// <summary>Invariant-culture display of catalog values; a dash for missing ones.</summary>
public static class SourceFormat
{
    /// <summary>Shown for a missing value.</summary>
    public const string Missing = "—";

    /// <summary>Degrees with 5 decimals (under 0.04″).</summary>
    public static string Degrees(double? deg) => deg?.ToString("F5", CultureInfo.InvariantCulture) ?? Missing;

    /// <summary>Degrees with 6 decimals, for the source page.</summary>
    public static string DegreesPrecise(double? deg) => deg?.ToString("F6", CultureInfo.InvariantCulture) ?? Missing;

    /// <summary>Period in days with up to 7 significant decimals, no trailing zeros.</summary>
    public static string PeriodDays(double? days) => days?.ToString("0.#######", CultureInfo.InvariantCulture) ?? Missing;

    /// <summary>A fold period with up to 10 decimals, as the period box shows it.</summary>
    public static string FoldPeriodDays(double days) => days.ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>A score with 3 decimals.</summary>
    public static string Score(double? score) => score?.ToString("F3", CultureInfo.InvariantCulture) ?? Missing;

    /// <summary>A count with thousands separators.</summary>
    public static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary><c>field/ccd/quad</c>, e.g. <c>296/12/3</c>; a dash for each missing part, one dash when all are missing.</summary>
    public static string FieldCcdQuad(int? field, int? ccd, int? quad) =>
        field is null && ccd is null && quad is null
            ? Missing
            : string.Join('/', new[] { field, ccd, quad }.Select(v => v?.ToString(CultureInfo.InvariantCulture) ?? Missing));

    /// <summary>A feature value: 6 significant digits; NaN for a value that could not be computed.</summary>
    public static string Feature(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "NaN";

    /// <summary>UTC timestamp to the minute.</summary>
    public static string Utc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
