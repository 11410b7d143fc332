namespace ScopeWeb.Core.Import;

/// <summary>Per-object values from a metadata file (a catalogue beside the light curves), joined on the object id.</summary>
internal sealed record SourceMetadata(
    double? RaDeg,
    double? DecDeg,
    double? PeriodDays,
    string? KnownClass,
    int? Field,
    int? Ccd,
    int? Quad);

/// <summary>
/// Reads a metadata CSV: an id column (<c>ZTFID</c>, <c>Num</c>, <c>object_id</c>…) and any of ra/dec (degrees or
/// sexagesimal), period, class, field/ccd/quad. Where an id repeats, its first row wins.
/// </summary>
internal static class MetadataFileReader
{
    private const int MaxKnownClassLength = 64;

    public static Dictionary<string, SourceMetadata> Read(ImportFile file, ImportTextBudget budget, CancellationToken ct)
    {
        using var csv = ImportCsv.Open(file, budget);
        csv.Require(ImportColumn.ObjectId);
        var c = csv.Columns;
        if (!(c.Has(ImportColumn.RaDeg) || c.Has(ImportColumn.DecDeg) || c.Has(ImportColumn.PeriodDays) || c.Has(ImportColumn.KnownClass)
            || c.Has(ImportColumn.Field) || c.Has(ImportColumn.Ccd) || c.Has(ImportColumn.Quad)))
        {
            throw new ImportException(
                file.Name, null, null, null,
                $"no metadata columns; expected any of ra ({ImportColumns.Describe(ImportColumn.RaDeg)}), dec ({ImportColumns.Describe(ImportColumn.DecDeg)}), " +
                $"period ({ImportColumns.Describe(ImportColumn.PeriodDays)}), class ({ImportColumns.Describe(ImportColumn.KnownClass)}), field, ccd, quad");
        }

        var byId = new Dictionary<string, SourceMetadata>(StringComparer.Ordinal);
        while (csv.Read())
        {
            if ((csv.RowNumber & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var id = csv.OptionalText(ImportColumn.ObjectId, 64) ?? throw csv.Error(ImportColumn.ObjectId, "empty object id");
            var ra = csv.IsEmpty(ImportColumn.RaDeg) ? (double?)null : RaDeg(csv);
            var dec = csv.IsEmpty(ImportColumn.DecDeg) ? (double?)null : DecDeg(csv);
            if (ra.HasValue != dec.HasValue)
            {
                throw csv.Error(ra.HasValue ? ImportColumn.DecDeg : ImportColumn.RaDeg, "a position needs both ra and dec");
            }

            var metadata = new SourceMetadata(
                ra,
                dec,
                csv.IsEmpty(ImportColumn.PeriodDays) ? null : PeriodDays(csv),
                csv.IsEmpty(ImportColumn.KnownClass) ? null : KnownClass(csv),
                csv.OptionalInt(ImportColumn.Field, 0, 99_999),
                csv.OptionalInt(ImportColumn.Ccd, 1, 16),
                csv.OptionalInt(ImportColumn.Quad, 1, 4));
            byId.TryAdd(id, metadata);
        }

        return byId;
    }

    internal static double RaDeg(ImportCsv csv)
    {
        var text = csv.Text(ImportColumn.RaDeg);
        return SkyCoordinateText.TryParseRaDeg(text, out var ra)
            ? ra
            : throw csv.Error(ImportColumn.RaDeg, $"\"{ImportCsv.Shorten(text)}\" is not a right ascension (degrees 0..360 or hh:mm:ss.s)");
    }

    internal static double DecDeg(ImportCsv csv)
    {
        var text = csv.Text(ImportColumn.DecDeg);
        return SkyCoordinateText.TryParseDecDeg(text, out var dec)
            ? dec
            : throw csv.Error(ImportColumn.DecDeg, $"\"{ImportCsv.Shorten(text)}\" is not a declination (degrees −90..90 or ±dd:mm:ss.s)");
    }

    internal static double PeriodDays(ImportCsv csv)
    {
        var period = csv.Double(ImportColumn.PeriodDays);
        return period > 0 ? period : throw csv.Error(ImportColumn.PeriodDays, "a period must be positive");
    }

    internal static string? KnownClass(ImportCsv csv) =>
        KnownClassNames.Normalize(csv.OptionalText(ImportColumn.KnownClass, MaxKnownClassLength));
}
