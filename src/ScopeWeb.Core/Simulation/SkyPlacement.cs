namespace ScopeWeb.Core.Simulation;

/// <summary>
/// Where a simulated source sits: uniform over the sphere within the settings' box, thinned by Galactic latitude
/// per class so young and disk stars crowd the Milky Way and AGN and supernovae avoid it.
/// </summary>
internal static class SkyPlacement
{
    private const double DegToRad = Math.PI / 180.0;

    // North Galactic pole (ICRS).
    private const double PoleRaDeg = 192.85948;
    private const double PoleDecDeg = 27.12825;

    public static (double RaDeg, double DecDeg) Draw(SimulationRandom rng, string knownClass, SimulationSettings settings)
    {
        var sinMin = Math.Sin(settings.DecMinDeg * DegToRad);
        var sinMax = Math.Sin(settings.DecMaxDeg * DegToRad);
        double ra = 0;
        double dec = 0;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            ra = rng.Uniform(settings.RaMinDeg, settings.RaMaxDeg);
            dec = Math.Asin(rng.Uniform(sinMin, sinMax)) / DegToRad;
            if (rng.NextDouble() < Acceptance(knownClass, Math.Abs(GalacticLatitudeDeg(ra, dec))))
            {
                break;
            }
        }

        return (ra, dec);
    }

    public static double GalacticLatitudeDeg(double raDeg, double decDeg)
    {
        var sinB = (Math.Sin(decDeg * DegToRad) * Math.Sin(PoleDecDeg * DegToRad))
            + (Math.Cos(decDeg * DegToRad) * Math.Cos(PoleDecDeg * DegToRad) * Math.Cos((raDeg - PoleRaDeg) * DegToRad));
        return Math.Asin(Math.Clamp(sinB, -1, 1)) / DegToRad;
    }

    /// <summary>Probability of keeping a candidate position at |b| degrees from the Galactic plane.</summary>
    private static double Acceptance(string knownClass, double absB) => knownClass switch
    {
        SimulatedClass.Yso or SimulatedClass.YsoDipper => Disk(absB, 5, 0.05),
        SimulatedClass.Cepheid => Disk(absB, 6, 0.05),
        SimulatedClass.Mira => Disk(absB, 12, 0.1),
        SimulatedClass.SemiRegular => Disk(absB, 15, 0.15),
        SimulatedClass.DeltaScuti or SimulatedClass.Algol or SimulatedClass.BetaLyrae or SimulatedClass.ContactBinary => Disk(absB, 25, 0.3),
        SimulatedClass.Constant => Disk(absB, 20, 0.3),
        SimulatedClass.RRab or SimulatedClass.RRc => Disk(absB, 30, 0.45),
        // Extragalactic: hidden behind the plane's dust.
        SimulatedClass.Agn or SimulatedClass.SupernovaIa => 1 - (0.95 * Math.Exp(-absB / 10)),
        _ => 1,
    };

    private static double Disk(double absB, double scaleDeg, double floor) => floor + ((1 - floor) * Math.Exp(-absB / scaleDeg));
}
