using ScopeWeb.Core.LightCurves;

namespace ScopeWeb.Core.Simulation;

/// <summary>
/// Turns a model's true magnitudes into what the survey records: the source's share of its field's exposures,
/// Gaussian errors that grow toward the limiting magnitude, upper limits for non-detections, and catflags.
/// </summary>
internal static class PhotometrySynthesis
{
    /// <summary>Magnitude error floor (calibration) for bright stars.</summary>
    private const double ErrorFloorMag = 0.012;

    /// <summary>2.5 / ln 10: σ_mag = 1.0857 σ_flux / flux (so a 5σ detection has σ_mag = 0.217).</summary>
    private const double MagPerFlux = 1.0857362;

    private const double SaturationMag = 12.6;

    /// <summary>Photometry per band (g, r, i); null for a band without exposures.</summary>
    public static Photometry?[] Observe(VariabilityModel model, FieldSchedule schedule, SimulationRandom rng)
    {
        var (from, to) = model.ActiveWindow ?? (double.NegativeInfinity, double.PositiveInfinity);
        var first = double.IsNegativeInfinity(from) ? 0 : schedule.FirstIndexAtOrAfter(from);
        var last = double.IsPositiveInfinity(to) ? schedule.Count : schedule.FirstIndexAtOrAfter(to);

        // The source misses some of its field's exposures (chip gaps, bad columns, dithering off the edge).
        var missRate = rng.Uniform(0.03, 0.1);
        var kept = new List<int>(Math.Max(0, last - first));
        for (var e = first; e < last; e++)
        {
            if (!rng.Chance(missRate))
            {
                kept.Add(e);
            }
        }

        var n = kept.Count;
        var mjd = new double[n];
        var band = new byte[n];
        var counts = new int[3];
        for (var k = 0; k < n; k++)
        {
            mjd[k] = schedule.Mjd[kept[k]];
            band[k] = schedule.Band[kept[k]];
            counts[band[k]]++;
        }

        var trueMag = new double[n];
        model.Evaluate(mjd, band, trueMag);

        var result = new Photometry?[3];
        var columns = new PhotometryColumns?[3];
        for (var b = 0; b < 3; b++)
        {
            if (counts[b] > 0)
            {
                columns[b] = new PhotometryColumns(counts[b]);
            }
        }

        var blendRate = rng.Uniform(0.002, 0.008);
        for (var k = 0; k < n; k++)
        {
            var exposure = kept[k];
            var lim = (double)schedule.LimitingMag[exposure];
            ushort flags = schedule.BadImage[exposure] ? SimulatedCatFlags.BadImage : (ushort)0;
            if (rng.Chance(blendRate))
            {
                flags |= SimulatedCatFlags.Blended;
            }

            // Noise is added to the flux (in units of the exposure's 5σ limit), so a source far below the limit
            // stays undetected instead of scattering to absurd magnitudes. Flagged points are worse than their
            // quoted error: that is why pipelines drop them.
            var flux = Math.Pow(10, -0.4 * (trueMag[k] - lim));
            var fluxSigma = FluxSigma(flux);
            var scatter = flags != 0 ? (fluxSigma * 3) + (0.05 * flux) : fluxSigma;
            var measuredFlux = flux + (scatter * rng.Normal());
            var c = columns[band[k]]!;
            if (measuredFlux < 1)
            {
                c.Add(mjd[k], (float)lim, float.NaN, flags, isUpperLimit: true);
                continue;
            }

            var measured = lim - (2.5 * Math.Log10(measuredFlux));
            if (measured < SaturationMag)
            {
                flags |= SimulatedCatFlags.NearSaturation;
            }

            c.Add(mjd[k], (float)measured, (float)(MagPerFlux * FluxSigma(measuredFlux) / measuredFlux), flags, isUpperLimit: false);
        }

        for (var b = 0; b < 3; b++)
        {
            result[b] = columns[b]?.ToPhotometry();
        }

        return result;
    }

    /// <summary>
    /// Flux noise in units of the 5σ limiting flux: background (0.2) and the calibration floor. In magnitudes,
    /// σ(m) = √(0.012² + (0.217 · 10^(0.4 (m − m_lim)))²).
    /// </summary>
    private static double FluxSigma(double flux)
    {
        var floor = flux * ErrorFloorMag / MagPerFlux;
        return Math.Sqrt((0.2 * 0.2) + (floor * floor));
    }

    private sealed class PhotometryColumns(int capacity)
    {
        private readonly double[] _mjd = new double[capacity];
        private readonly float[] _mag = new float[capacity];
        private readonly float[] _err = new float[capacity];
        private readonly ushort[] _flags = new ushort[capacity];
        private readonly bool[] _upperLimit = new bool[capacity];
        private int _count;

        public void Add(double mjd, float mag, float err, ushort flags, bool isUpperLimit)
        {
            _mjd[_count] = mjd;
            _mag[_count] = mag;
            _err[_count] = err;
            _flags[_count] = flags;
            _upperLimit[_count] = isUpperLimit;
            _count++;
        }

        // The schedule is sorted by time, so each band's points already are.
        public Photometry ToPhotometry() => new(_mjd, _mag, _err, _flags, _upperLimit);
    }
}
