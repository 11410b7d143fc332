using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ScopeWeb.Core.Import;

/// <summary>
/// Reads one light-curve CSV into a <see cref="LightCurveAccumulator"/>, one row per point, validating every row.
/// Row rules: a detection needs a finite mag and a non-negative, finite magerr; a row with an empty mag and a limiting
/// magnitude, or one flagged <c>upper_limit</c>, is an upper limit (limiting mag in Mag, NaN error); a row with
/// mag ≥ 90 or magerr ≥ 9 is a survey's "no measurement" sentinel (SDSS writes 99.99 / 99.999) and is skipped and counted.
/// Every other value must lie in the ranges of <see cref="ImportOptions"/>: time (after a full JD is converted to MJD),
/// magnitude or limiting magnitude, error; and no object may get more than its
/// <see cref="ImportOptions.MaxPointsPerObject"/>, checked as each row is read.
/// </summary>
internal sealed class LightCurveFileReader
{
    /// <summary>Sentinel thresholds: no real magnitude reaches 90, no usable error reaches 9 mag.</summary>
    internal const double SentinelMag = 90;

    internal const double SentinelMagErr = 9;

    /// <summary>Full Julian dates (JD, HJD) are at least this; MJD = JD − 2,400,000.5.</summary>
    private const double JulianDateOffset = 2_400_000.5;

    private const int ProgressEveryRows = 1 << 16;
    private const int MaxObjIdLength = 64;

    private readonly LightCurveAccumulator _acc;
    private readonly BandCache _bandCache;
    private readonly ImportOptions _options;
    private readonly ImportTextBudget _budget;

    public LightCurveFileReader(LightCurveAccumulator acc, ImportOptions options, ImportTextBudget budget)
    {
        _acc = acc;
        _bandCache = new BandCache(acc);
        _options = options;
        _budget = budget;
    }

    /// <param name="file">The file.</param>
    /// <param name="fileIndex">Its place in the import, recorded with each point for reports of repeated times.</param>
    /// <param name="onRows">Progress: the file's name and the rows read so far by the import.</param>
    /// <param name="ct">Checked every 65,536 rows.</param>
    public void Read(ImportFile file, int fileIndex, Action<string, long>? onRows, CancellationToken ct)
    {
        using var csv = ImportCsv.Open(file, _budget);
        var c = csv.Columns;
        csv.Require(ImportColumn.ObjectId, ImportColumn.Time, ImportColumn.Band);
        var hasLimit = c.Has(ImportColumn.LimitingMag);
        // A file of non-detections only (ALeRCE's) may have a limiting magnitude and no magnitude at all.
        if (!hasLimit || c.Has(ImportColumn.Mag))
        {
            csv.Require(ImportColumn.Mag, ImportColumn.MagErr);
        }

        var hasMag = c.Has(ImportColumn.Mag);
        var hasFlag = c.Has(ImportColumn.UpperLimit);
        var hasCatFlags = c.Has(ImportColumn.CatFlags);
        var hasExtras = c.Has(ImportColumn.RaDeg) || c.Has(ImportColumn.DecDeg) || c.Has(ImportColumn.PeriodDays)
            || c.Has(ImportColumn.KnownClass) || c.Has(ImportColumn.Field) || c.Has(ImportColumn.Ccd) || c.Has(ImportColumn.Quad);
        var idIndex = c[ImportColumn.ObjectId];
        var bandIndex = c[ImportColumn.Band];
        var (minMjd, maxMjd) = (_options.MinMjd, _options.MaxMjd);
        var (minMag, maxMag, maxMagErr) = (_options.MinMag, _options.MaxMag, _options.MaxMagErr);
        var maxPoints = _options.MaxPointsPerObject;

        // Rows of one object usually come together: compare the raw id bytes with the last row's before a lookup.
        var lastId = new byte[MaxObjIdLength * 4];
        var lastIdLength = -1;
        ParsedObject? obj = null;
        var rowsBefore = _acc.RowsRead;
        long rows = 0;

        while (csv.Read())
        {
            rows++;
            if ((rows & (ProgressEveryRows - 1)) == 0)
            {
                ct.ThrowIfCancellationRequested();
                onRows?.Invoke(file.Name, rowsBefore + rows);
            }

            var idSpan = csv.Reader.GetSpan(idIndex);
            if (obj is null || !idSpan.SequenceEqual(lastId.AsSpan(0, lastIdLength)))
            {
                obj = LookUp(csv, idSpan, file.Name);
                idSpan.CopyTo(lastId);
                lastIdLength = idSpan.Length;
            }

            var band = _bandCache.IndexOf(csv.Reader.GetSpan(bandIndex));
            if (band < 0)
            {
                throw csv.Error(ImportColumn.Band, $"unknown band \"{ImportCsv.Shorten(csv.Reader.GetSpan(bandIndex))}\"; expected g, r, i, u, z, y (any case, ztf/sdss prefix allowed) or ZTF fid 1, 2, 3");
            }

            var time = csv.Double(ImportColumn.Time);
            var mjd = time >= JulianDateOffset ? time - JulianDateOffset : time;
            if (mjd < minMjd || mjd > maxMjd)
            {
                throw TimeOutOfRange(csv, time, mjd);
            }

            var isUpperLimit = hasFlag && csv.Flag(ImportColumn.UpperLimit);
            var magEmpty = !hasMag || csv.IsEmpty(ImportColumn.Mag);
            if (!isUpperLimit && magEmpty && hasLimit && !csv.IsEmpty(ImportColumn.LimitingMag))
            {
                isUpperLimit = true;
            }

            float mag;
            float magErr;
            if (isUpperLimit)
            {
                // The limit is in the limiting-magnitude column when there is one, else in the mag column.
                var limitColumn = hasLimit && !csv.IsEmpty(ImportColumn.LimitingMag) ? ImportColumn.LimitingMag : ImportColumn.Mag;
                if (!hasMag && limitColumn == ImportColumn.Mag)
                {
                    throw csv.Error(ImportColumn.LimitingMag, "empty value: an upper limit needs its limiting magnitude");
                }

                var limit = csv.Double(limitColumn);
                if (limit >= SentinelMag)
                {
                    _acc.SentinelRowsSkipped++;
                    continue;
                }

                if (limit < minMag || limit > maxMag)
                {
                    throw OutOfRange(csv, limitColumn, "limiting magnitude", minMag, maxMag, "Import:MinMag/MaxMag");
                }

                mag = (float)limit;
                magErr = float.NaN;
            }
            else
            {
                if (magEmpty)
                {
                    throw csv.Error(ImportColumn.Mag, hasLimit
                        ? "empty value and no limiting magnitude: neither a detection nor an upper limit"
                        : "empty value, a number is required");
                }

                var m = csv.Double(ImportColumn.Mag);
                var e = csv.Double(ImportColumn.MagErr);
                if (m >= SentinelMag || e >= SentinelMagErr)
                {
                    _acc.SentinelRowsSkipped++;
                    continue;
                }

                if (e < 0)
                {
                    throw csv.Error(ImportColumn.MagErr, string.Create(CultureInfo.InvariantCulture,
                        $"negative error {ImportCsv.Shorten(csv.Span(ImportColumn.MagErr))}; an error must be 0 to {maxMagErr} mag"));
                }

                if (m < minMag || m > maxMag)
                {
                    throw OutOfRange(csv, ImportColumn.Mag, "magnitude", minMag, maxMag, "Import:MinMag/MaxMag");
                }

                if (e > maxMagErr)
                {
                    throw OutOfRange(csv, ImportColumn.MagErr, "magnitude error", 0, maxMagErr, "Import:MaxMagErr");
                }

                mag = (float)m;
                magErr = (float)e;
            }

            ushort catFlags = 0;
            if (hasCatFlags && csv.OptionalInt(ImportColumn.CatFlags, 0, ushort.MaxValue) is { } flags)
            {
                catFlags = (ushort)flags;
            }

            if (hasExtras)
            {
                ReadObjectValues(csv, obj);
            }

            if (obj.PointCount >= maxPoints)
            {
                throw csv.Error(ImportColumn.ObjectId, string.Create(CultureInfo.InvariantCulture,
                    $"object \"{obj.ObjId}\" has more than {maxPoints:N0} points, the most one object may have in an import ") +
                    "(Import:MaxPointsPerObject, --max-points-per-object; ZTF light curves have a few thousand a band)");
            }

            obj.Add(band, new ImportedPoint(mjd, mag, magErr, catFlags, isUpperLimit, fileIndex, csv.RowNumber));
            _acc.Points++;
        }

        if (rows == 0)
        {
            throw new ImportException(file.Name, null, null, null, "no data rows after the header");
        }

        _acc.RowsRead = rowsBefore + rows;
        onRows?.Invoke(file.Name, _acc.RowsRead);
    }

    /// <summary>A time outside the allowed MJD range, shown as written and, when it was read as a JD, as the MJD it became.</summary>
    private ImportException TimeOutOfRange(ImportCsv csv, double time, double mjd)
    {
        var c = CultureInfo.InvariantCulture;
        var raw = ImportCsv.Shorten(csv.Span(ImportColumn.Time));
        var range = $"{ImportOptions.DescribeMjd(_options.MinMjd)} to {ImportOptions.DescribeMjd(_options.MaxMjd)}";
        var problem = time >= JulianDateOffset
            ? string.Create(c, $"\"{raw}\" looks like a Julian date and was read as MJD {mjd} (JD − 2,400,000.5), outside the allowed MJD range {range}")
            : $"\"{raw}\" is outside the allowed MJD range {range}";
        return csv.Error(ImportColumn.Time, problem + " (Import:MinMjd/MaxMjd; times are MJD, or a full JD/HJD ≥ 2,400,000.5, which is converted)");
    }

    private static ImportException OutOfRange(ImportCsv csv, ImportColumn column, string what, double min, double max, string settings) =>
        csv.Error(column, string.Create(CultureInfo.InvariantCulture,
            $"{what} {ImportCsv.Shorten(csv.Span(column))} is outside the allowed range {min} to {max} ({settings})"));

    private ParsedObject LookUp(ImportCsv csv, ReadOnlySpan<byte> idSpan, string fileName)
    {
        if (idSpan.IsEmpty)
        {
            throw csv.Error(ImportColumn.ObjectId, "empty object id");
        }

        var id = Encoding.UTF8.GetString(idSpan);
        if (id.Length > MaxObjIdLength)
        {
            throw csv.Error(ImportColumn.ObjectId, $"object id \"{ImportCsv.Shorten(id)}\" is longer than {MaxObjIdLength} characters");
        }

        return _acc.GetOrAdd(id, fileName);
    }

    /// <summary>Per-object values on light-curve rows (ALeRCE detections carry ra/dec): the first non-empty value wins.</summary>
    private static void ReadObjectValues(ImportCsv csv, ParsedObject obj)
    {
        if (obj.RaDeg is null && !csv.IsEmpty(ImportColumn.RaDeg))
        {
            obj.RaDeg = MetadataFileReader.RaDeg(csv);
        }

        if (obj.DecDeg is null && !csv.IsEmpty(ImportColumn.DecDeg))
        {
            obj.DecDeg = MetadataFileReader.DecDeg(csv);
        }

        if (obj.PeriodDays is null && !csv.IsEmpty(ImportColumn.PeriodDays))
        {
            obj.PeriodDays = MetadataFileReader.PeriodDays(csv);
        }

        if (obj.KnownClass is null && !csv.IsEmpty(ImportColumn.KnownClass))
        {
            obj.KnownClass = MetadataFileReader.KnownClass(csv);
        }

        obj.Field ??= csv.OptionalInt(ImportColumn.Field, 0, 99_999);
        obj.Ccd ??= csv.OptionalInt(ImportColumn.Ccd, 1, 16);
        obj.Quad ??= csv.OptionalInt(ImportColumn.Quad, 1, 4);
    }

    /// <summary>Raw band spellings seen so far → band index, so a row costs a span comparison, not a string.</summary>
    private sealed class BandCache(LightCurveAccumulator acc)
    {
        private const int MaxEntries = 32;
        private readonly List<(byte[] Raw, int Index)> _entries = [];

        public int IndexOf(ReadOnlySpan<byte> raw)
        {
            foreach (var (bytes, index) in _entries)
            {
                if (raw.SequenceEqual(bytes))
                {
                    return index;
                }
            }

            var normalized = LightCurves.Bands.Normalize(Encoding.UTF8.GetString(raw));
            if (normalized is null)
            {
                return -1;
            }

            var i = acc.BandIndex(normalized);
            Debug.Assert(i >= 0, "band index");
            if (_entries.Count < MaxEntries)
            {
                _entries.Add((raw.ToArray(), i));
            }

            return i;
        }
    }
}
