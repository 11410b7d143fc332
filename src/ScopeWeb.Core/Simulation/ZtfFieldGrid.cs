namespace ScopeWeb.Core.Simulation;

/// <summary>Where a position falls on the simulated survey's camera footprint.</summary>
public readonly record struct ZtfFieldLocation(int Field, int Ccd, int Quad);

/// <summary>
/// A deterministic ZTF-like tiling of the sky: rings of 7° in declination from −31°, each split into as many
/// ~7°-wide fields in RA as it needs, numbered from 1 going north. Each field is 4×4 CCDs (1–16, row by row from
/// the north-east corner) and each CCD 2×2 quadrants (1–4 counter-clockwise from the north-west like a plot's
/// quadrants). Field ids look like ZTF's but the positions are not the real ZTF grid.
/// </summary>
public static class ZtfFieldGrid
{
    public const double SouthernLimitDeg = -31.0;
    public const double FieldSizeDeg = 7.0;

    private static readonly int[] FieldsInRing;
    private static readonly int[] FirstFieldInRing;

    static ZtfFieldGrid()
    {
        var rings = (int)Math.Ceiling((90.0 - SouthernLimitDeg) / FieldSizeDeg);
        FieldsInRing = new int[rings];
        FirstFieldInRing = new int[rings];
        var next = 1;
        for (var k = 0; k < rings; k++)
        {
            var lo = SouthernLimitDeg + (k * FieldSizeDeg);
            var hi = Math.Min(90.0, lo + FieldSizeDeg);
            // The ring is widest on its edge nearest the equator; enough fields there covers all of it.
            var nearestEquator = lo <= 0 && hi >= 0 ? 0.0 : Math.Min(Math.Abs(lo), Math.Abs(hi));
            FieldsInRing[k] = Math.Max(1, (int)Math.Ceiling(360.0 * Math.Cos(nearestEquator * Math.PI / 180.0) / FieldSizeDeg));
            FirstFieldInRing[k] = next;
            next += FieldsInRing[k];
        }

        FieldCount = next - 1;
    }

    /// <summary>Number of fields in the grid (field ids are 1..FieldCount).</summary>
    public static int FieldCount { get; }

    /// <summary>Field, CCD (1–16) and quadrant (1–4) of a position. Positions south of the grid go to its first ring.</summary>
    public static ZtfFieldLocation Locate(double raDeg, double decDeg)
    {
        var (ring, column, u, v) = Cell(raDeg, decDeg);
        var field = FirstFieldInRing[ring] + column;

        // u grows with RA (east), v with Dec (north); CCD rows count from the north, columns from the east.
        var ccdRow = 3 - Math.Min(3, (int)(v * 4));
        var ccdColumn = 3 - Math.Min(3, (int)(u * 4));
        var ccd = (ccdRow * 4) + ccdColumn + 1;
        var north = (v * 4) - Math.Floor(v * 4) >= 0.5;
        var east = (u * 4) - Math.Floor(u * 4) >= 0.5;
        var quad = north ? (east ? 2 : 1) : (east ? 3 : 4);
        return new ZtfFieldLocation(field, ccd, quad);
    }

    /// <summary>Centre of a field (RA, Dec in degrees).</summary>
    public static (double RaDeg, double DecDeg) FieldCenter(int field)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(field, FieldCount);
        var ring = Array.FindLastIndex(FirstFieldInRing, first => first <= field);
        var column = field - FirstFieldInRing[ring];
        var width = 360.0 / FieldsInRing[ring];
        var lo = SouthernLimitDeg + (ring * FieldSizeDeg);
        var hi = Math.Min(90.0, lo + FieldSizeDeg);
        return ((column + 0.5) * width, (lo + hi) / 2);
    }

    private static (int Ring, int Column, double U, double V) Cell(double raDeg, double decDeg)
    {
        var dec = Math.Clamp(decDeg, SouthernLimitDeg, 90.0);
        var ring = Math.Min(FieldsInRing.Length - 1, (int)Math.Floor((dec - SouthernLimitDeg) / FieldSizeDeg));
        var lo = SouthernLimitDeg + (ring * FieldSizeDeg);
        var v = Math.Clamp((dec - lo) / FieldSizeDeg, 0.0, 1.0);
        var width = 360.0 / FieldsInRing[ring];
        var ra = Astronomy.SkyPosition.NormalizeRa(raDeg);
        var column = Math.Min(FieldsInRing[ring] - 1, (int)Math.Floor(ra / width));
        var u = Math.Clamp((ra - (column * width)) / width, 0.0, 1.0);
        return (ring, column, u, v);
    }
}
