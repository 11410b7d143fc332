using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ScopeWeb.Core.Import;

/// <summary>What to do with rows that repeat an (object, band, time) already read with a different magnitude or error.</summary>
public enum DuplicatePolicy
{
    /// <summary>Refuse the import, naming the first such row.</summary>
    Reject,

    /// <summary>Import every row as read (the points share a time).</summary>
    Keep,

    /// <summary>One point: the inverse-variance weighted mean magnitude, error 1/√Σσ⁻².</summary>
    Merge,
}

/// <summary>
/// The <c>Import</c> section: what a light-curve row may hold and how much one import may read. Bound for the /import page
/// and <c>scope import-lightcurves</c> (whose flags override it), validated at start.
/// </summary>
public sealed class ImportOptions : IValidatableObject
{
    public const string SectionName = "Import";

    /// <summary>Modified Julian date of 1858-11-17 00:00 UTC, for turning limits into calendar dates in messages.</summary>
    internal static readonly DateTime MjdZero = new(1858, 11, 17, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Earliest time accepted, MJD (default 15,020 = 1900-01-01): before any digitised photographic survey that might
    /// be imported, while a time in days since the first point, TESS BTJD or a −1e300 placeholder is refused
    /// (docs/science.md, light-curve import).
    /// </summary>
    [Range(0d, 2_400_000d, ErrorMessage = "Import:MinMjd must be between {1} and {2}.")]
    public double MinMjd { get; set; } = 15_020;

    /// <summary>Latest time accepted, MJD (default 88,069 = 2100-01-01). Full JDs (≥ 2,400,000.5) are converted before the check.</summary>
    [Range(0d, 2_400_000d, ErrorMessage = "Import:MaxMjd must be between {1} and {2}.")]
    public double MaxMjd { get; set; } = 88_069;

    /// <summary>Brightest magnitude (and limiting magnitude) accepted; −5 is brighter than any star but the Sun.</summary>
    [Range(-30d, 89d, ErrorMessage = "Import:MinMag must be between {1} and {2}.")]
    public double MinMag { get; set; } = -5;

    /// <summary>
    /// Faintest magnitude accepted (default 40, past the deepest imaging). Magnitudes of 90 and above are a survey's
    /// "no measurement" sentinel and are skipped and counted, not refused.
    /// </summary>
    [Range(-30d, 89.99d, ErrorMessage = "Import:MaxMag must be between {1} and {2} (90 and above is the no-measurement sentinel).")]
    public double MaxMag { get; set; } = 40;

    /// <summary>
    /// Largest magnitude error accepted (errors must also be ≥ 0). The default, 9, refuses none: errors of 9 and above are
    /// the sentinel (SDSS writes 99.999) and are skipped, and real catalogues do reach 7–8 mag (SDSS Stripe 82's faint u points).
    /// </summary>
    [Range(0d, 9d, ErrorMessage = "Import:MaxMagErr must be between {1} and {2} (9 and above is the no-measurement sentinel).")]
    public double MaxMagErr { get; set; } = 9;

    /// <summary>
    /// Rows repeating an (object, band, time) with a different mag or error. Default <see cref="DuplicatePolicy.Keep"/>,
    /// the safe choice: real files have them (two ZTF alert candidates of one object from one exposure; SDSS Stripe 82
    /// lists some epochs twice: docs/science.md), so refusing would turn away the survey files users need and merging
    /// would change the survey's measurements unasked, while keeping stores what the survey reported and the summary
    /// counts them per file. Exact repeats are always collapsed.
    /// </summary>
    public DuplicatePolicy Duplicates { get; set; } = DuplicatePolicy.Keep;

    /// <summary>
    /// Most points one object may get from one import (over all bands and files; default 1,000,000). ZTF light curves
    /// have a few thousand points per band; the cap keeps a runaway file from filling memory before anything is
    /// written, and (≤ 50 million) keeps every band's blob below SQLite's 1 GB limit at 19 bytes a point.
    /// </summary>
    [Range(1, 50_000_000, ErrorMessage = "Import:MaxPointsPerObject (--max-points-per-object) must be between {1} and {2}.")]
    public int MaxPointsPerObject { get; set; } = 1_000_000;

    /// <summary>
    /// Most CSV text one import reads, in MB after decompression, over all its files (default 2,048). An import is
    /// checked whole before anything is written, so it holds every point in memory until then: one to three times the
    /// text's size. A small gzip can expand a thousandfold; this stops it early.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Import:MaxDecompressedMegabytes (--max-decompressed-mb) must be between {1} and {2}.")]
    public long MaxDecompressedMegabytes { get; set; } = 2_048;

    internal long MaxDecompressedBytes => MaxDecompressedMegabytes * 1024 * 1024;

    /// <summary>Throws <see cref="ValidationException"/> when a value or a pair of values is out of bounds.</summary>
    public void Validate() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);

    /// <summary>What is wrong with these values, one sentence each (empty when they are valid): the same checks as at start.</summary>
    public IReadOnlyList<string> Problems()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)).ToArray();
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(MinMjd < MaxMjd))
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"Import:MinMjd ({MinMjd}) must be below Import:MaxMjd ({MaxMjd})."),
                [nameof(MinMjd), nameof(MaxMjd)]);
        }

        if (!(MinMag < MaxMag))
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"Import:MinMag ({MinMag}) must be below Import:MaxMag ({MaxMag})."),
                [nameof(MinMag), nameof(MaxMag)]);
        }

        if (!Enum.IsDefined(Duplicates))
        {
            yield return new ValidationResult("Import:Duplicates must be Reject, Keep or Merge.", [nameof(Duplicates)]);
        }
    }

    /// <summary>A time limit as written in messages: <c>15020 (1900-01-01)</c>.</summary>
    internal static string DescribeMjd(double mjd) =>
        string.Create(CultureInfo.InvariantCulture, $"{mjd} ({MjdZero.AddDays(mjd):yyyy-MM-dd})");
}
