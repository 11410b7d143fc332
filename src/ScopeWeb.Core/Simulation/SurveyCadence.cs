namespace ScopeWeb.Core.Simulation;

/// <summary>Band indices used inside the simulator (ZTF filter ids minus one).</summary>
internal static class Band
{
    public const byte G = 0;
    public const byte R = 1;
    public const byte I = 2;

    public static readonly string[] Names = ["g", "r", "i"];
}

/// <summary>ZTF catflags values the simulator sets.</summary>
public static class SimulatedCatFlags
{
    /// <summary>Whole exposure of bad quality (ZTF sets bit 15, 32768, for such images).</summary>
    public const ushort BadImage = 32768;

    /// <summary>A per-point photometry problem (the simulator uses the low bit 2 for a blended/contaminated measurement).</summary>
    public const ushort Blended = 2;

    /// <summary>Near saturation (the simulator uses bit 4 for points brighter than about 12.6 mag).</summary>
    public const ushort NearSaturation = 4;
}

/// <summary>
/// Conditions at the site, shared by every field: which nights are clear (weather comes in runs) and how bright
/// the Moon is. Derived from the seed only, so every source of one simulation sees the same sky.
/// </summary>
internal sealed class SiteConditions
{
    private const double SynodicMonthDays = 29.530589;

    /// <summary>A new Moon (2000 January 6, 18:14 UT) to count lunations from.</summary>
    private const double NewMoonMjd = 51549.76;

    private const ulong Stream = 0x5173_0000_0000_0001UL;

    public SiteConditions(int seed, SimulationSettings settings)
    {
        FirstNight = (int)Math.Floor(settings.StartMjd);
        var nights = (int)Math.Floor(settings.EndMjd) - FirstNight + 1;
        Clear = new bool[nights];
        Transparency = new double[nights];
        var rng = new SimulationRandom(seed, Stream, 0);
        var clear = true;
        for (var n = 0; n < nights; n++)
        {
            // Two-state weather: bad spells last ~2.5 nights, about one night in six is lost.
            clear = clear ? !rng.Chance(0.07) : rng.Chance(0.4);
            Clear[n] = clear;
            Transparency[n] = rng.Normal(0, 0.12);
        }
    }

    public int FirstNight { get; }
    public bool[] Clear { get; }

    /// <summary>Night-to-night change of depth (mag, positive = deeper).</summary>
    public double[] Transparency { get; }

    /// <summary>Illuminated fraction of the Moon (0 new, 1 full).</summary>
    public static double MoonIllumination(double mjd) =>
        (1 - Math.Cos(2 * Math.PI * (mjd - NewMoonMjd) / SynodicMonthDays)) / 2;
}

/// <summary>
/// One field's exposures, sorted by time: every source in the field shares them (as on a real camera). Yearly
/// seasons around opposition, revisits every 1–3 nights in g and r, i on some fields, a few high-cadence nights
/// a season, and a limiting magnitude per exposure (Moon, weather, airmass).
/// </summary>
internal sealed class FieldSchedule
{
    private const ulong Stream = 0xF1E1_D000_0000_0002UL;
    private const double TropicalYearDays = 365.2422;

    /// <summary>The Sun is at RA 0 at the March 2018 equinox (2018-03-20 16:15 UT).</summary>
    private const double EquinoxMjd = 58197.68;

    private static readonly double[] BaseLimitingMag = [20.75, 20.6, 20.15];
    private static readonly double[] MoonLoss = [0.6, 0.4, 0.3];

    private FieldSchedule(double[] mjd, byte[] band, float[] limitingMag, bool[] badImage, bool hasIBand)
    {
        Mjd = mjd;
        Band = band;
        LimitingMag = limitingMag;
        BadImage = badImage;
        HasIBand = hasIBand;
    }

    public double[] Mjd { get; }
    public byte[] Band { get; }
    public float[] LimitingMag { get; }
    public bool[] BadImage { get; }
    public bool HasIBand { get; }
    public int Count => Mjd.Length;

    public static FieldSchedule Build(int seed, int field, SimulationSettings settings, SiteConditions site)
    {
        var rng = new SimulationRandom(seed, Stream, field);
        var (raDeg, decDeg) = ZtfFieldGrid.FieldCenter(field);
        var meanGapNights = rng.Uniform(1.6, 3.0);
        var hasIBand = rng.Chance(settings.IBandFieldFraction);
        var halfSeasonDays = rng.Uniform(112, 128) + Math.Clamp((decDeg - 40) * 0.4, 0, 12);
        var oppositionOffsetDays = (Astronomy.SkyPosition.NormalizeRa(raDeg + 180) / 360.0 * TropicalYearDays) + EquinoxMjd;

        // First pass: clear nights when the field is up, grouped by season so each season gets its high-cadence nights.
        var candidates = new List<(int Night, int Season)>();
        // Whole nights inside [StartMjd, EndMjd]: a night's exposures fall within 0.6 d of its start.
        var lastNight = (int)Math.Floor(settings.EndMjd) - 1;
        for (var night = (int)Math.Ceiling(settings.StartMjd); night <= lastNight; night++)
        {
            if (!site.Clear[night - site.FirstNight])
            {
                continue;
            }

            var cycles = (night + 0.5 - oppositionOffsetDays) / TropicalYearDays;
            var season = (int)Math.Round(cycles);
            if (Math.Abs(cycles - season) * TropicalYearDays <= halfSeasonDays)
            {
                candidates.Add((night, season));
            }
        }

        var highCadence = new HashSet<int>();
        foreach (var season in candidates.GroupBy(c => c.Season))
        {
            var nights = season.Select(c => c.Night).ToArray();
            var wanted = Math.Min(nights.Length, rng.Next(2, 5));
            while (highCadence.Count(nights.Contains) < wanted)
            {
                highCadence.Add(nights[rng.Next(0, nights.Length)]);
            }
        }

        var exposures = new List<(double Mjd, byte Band, float Lim, bool Bad)>(candidates.Count * 3);
        foreach (var (night, _) in candidates)
        {
            var isHighCadence = highCadence.Contains(night);
            if (!isHighCadence && !rng.Chance(1.0 / meanGapNights))
            {
                continue;
            }

            // Palomar nights run from about 0.13 to 0.50 in MJD (03:00–12:00 UT).
            var start = night + rng.Uniform(0.13, 0.33);
            var nightIndex = night - site.FirstNight;
            if (isHighCadence)
            {
                var repeats = rng.Next(4, 9);
                var spacing = rng.Uniform(0.01, 0.02);
                for (var k = 0; k < repeats; k++)
                {
                    var t = start + (k * spacing);
                    AddExposure(exposures, rng, t, Simulation.Band.G, site, nightIndex, decDeg);
                    AddExposure(exposures, rng, t + (spacing / 2), Simulation.Band.R, site, nightIndex, decDeg);
                }

                continue;
            }

            var hasG = rng.Chance(0.88);
            var hasR = rng.Chance(0.9) || !hasG;
            if (hasG)
            {
                AddExposure(exposures, rng, start, Simulation.Band.G, site, nightIndex, decDeg);
            }

            if (hasR)
            {
                AddExposure(exposures, rng, start + rng.Uniform(0.015, 0.08), Simulation.Band.R, site, nightIndex, decDeg);
            }

            if (hasIBand && rng.Chance(0.33))
            {
                AddExposure(exposures, rng, start + rng.Uniform(0.03, 0.12), Simulation.Band.I, site, nightIndex, decDeg);
            }
        }

        exposures.Sort((a, b) => a.Mjd.CompareTo(b.Mjd));
        var n = exposures.Count;
        var mjd = new double[n];
        var band = new byte[n];
        var lim = new float[n];
        var bad = new bool[n];
        for (var k = 0; k < n; k++)
        {
            (mjd[k], band[k], lim[k], bad[k]) = exposures[k];
        }

        return new FieldSchedule(mjd, band, lim, bad, hasIBand);
    }

    /// <summary>Index of the first exposure at or after <paramref name="mjd"/>.</summary>
    public int FirstIndexAtOrAfter(double mjd)
    {
        var i = Array.BinarySearch(Mjd, mjd);
        return i >= 0 ? i : ~i;
    }

    public int CountBetween(double fromMjd, double toMjd) => FirstIndexAtOrAfter(toMjd) - FirstIndexAtOrAfter(fromMjd);

    private static void AddExposure(
        List<(double, byte, float, bool)> exposures,
        SimulationRandom rng,
        double mjd,
        byte band,
        SiteConditions site,
        int nightIndex,
        double decDeg)
    {
        // Depth: filter, Moon, the night's transparency, airmass (worse far south of Palomar's +33°) and scatter.
        var airmassLoss = Math.Max(0, (10 - decDeg) * 0.006) + rng.Uniform(0, 0.15);
        var lim = BaseLimitingMag[band]
            - (MoonLoss[band] * SiteConditions.MoonIllumination(mjd))
            + site.Transparency[nightIndex]
            - airmassLoss
            + rng.Normal(0, 0.12);
        var bad = rng.Chance(0.012);
        if (bad)
        {
            lim -= rng.Uniform(0.1, 0.6);
        }

        exposures.Add((mjd, band, (float)Math.Clamp(lim, 19.9, 21.3), bad));
    }
}
