namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// The half-period ambiguity of eclipsing binaries. Two eclipses per orbit make a binary's light curve repeat at half its
/// orbital period, so periodograms find 2·f_orb; SCoPe's labels and VSX give the orbital period, pulsators their
/// pulsation period. Given the repetition frequency f found by the search, the period is doubled when the fold at f shows
/// <b>one symmetric, eclipse-shaped minimum per cycle</b> (<see cref="EclipseShapedSingleMinimum"/>): relative to the
/// faintest phase of the first harmonic, the second harmonic's in-phase term is positive — sharp minima and broad maxima,
/// r = B₂/A₁ ≥ 0.05 at ≥ 3σ (contact binaries: r ≈ 0.1–0.35, cf. Rucinski's a₄/a₂; a narrow eclipse: r ≈ 1; pulsators
/// r ≤ 0) — its
/// out-of-phase term is small (eclipses are symmetric in time; pulsators' fast rise and slow decline are not), and there is
/// no significant secondary dip (if there were, f would already be the orbital frequency). A sinusoid has r = 0 and a
/// pulsator usually r ≤ 0 (sharp maxima), so neither is doubled; where several bands are observed, the amplitude must also
/// be nearly grey (<see cref="Achromatic"/>), which tells the few symmetric pulsators from eclipses.
/// For such curves, <see cref="AlternatingMinima"/> then tells whether consecutive minima differ significantly (proof of
/// the doubled period, <see cref="PeriodDecision.DoubledUnequalMinima"/>) or look alike (<see cref="PeriodDecision.DoubledEclipsingBinary"/>:
/// twin eclipses, or a secondary eclipse too shallow to see — indistinguishable, and reported at the doubled period as the
/// catalogues do). The alternating-minima test is only asked of eclipse-shaped curves: on sparse, near-commensurate sampling
/// (an RR Lyrae with P ≈ 0.5 d observed at the same hour every night) odd and even cycles sample different phases, and a
/// parity split then "explains" shape detail on its own.
/// </summary>
internal sealed class EclipsingBinaryTests(BandedLightCurve data, HarmonicFitter fitter, double designEffect)
{
    private const double BicThreshold = 10;
    private const double MinShapeRatio = 0.05;
    private const double ShapeSigma = 3;
    private const double SecondaryDipSigma = 4.5;
    private const double MinEclipseColourSlope = -0.5;
    private const double MaxColourSlopeError = 0.25;

    /// <summary>The decision at repetition frequency <paramref name="frequency"/>: BestPeak (keep f) or a doubling reason.</summary>
    public PeriodDecision Decide(double frequency)
    {
        if (!EclipseShapedSingleMinimum(frequency))
        {
            return PeriodDecision.BestPeak;
        }

        return AlternatingMinima(frequency) ? PeriodDecision.DoubledUnequalMinima : PeriodDecision.DoubledEclipsingBinary;
    }

    /// <summary>
    /// Odd cycles against even cycles, without assuming a shape: each band is folded at f into r phase bins and every bin is
    /// split by cycle parity (equivalently, folded at f/2 into 2r bins). The split model contains the unsplit one, so the
    /// χ² drop it brings is tested with ΔBIC = Δχ²/(s²·D) − Δp·ln N ≥ 10, s² from the split model's scatter within cells and
    /// D the design effect of correlated residuals. A Fourier series would do worse here: a K-harmonic model at f/2 has twice
    /// the phase resolution of one at f, so it "explains" the truncation error of a sharp rise (an RRab's) as a difference
    /// between cycles; bins have the same resolution per cycle in both models.
    /// </summary>
    internal bool AlternatingMinima(double frequency)
    {
        double sswSplit = 0, sswJoined = 0;
        int cellsSplit = 0, cellsJoined = 0;
        for (var b = 0; b < data.BandCount; b++)
        {
            int start = data.BandStart[b], end = data.BandStart[b + 1];

            // About eight points per split cell, between 4 and 20 bins per cycle.
            var bins = Math.Clamp((end - start) / 16, 4, 20);
            var weight = new double[2 * bins];
            var sum = new double[2 * bins];
            var squares = new double[2 * bins];
            for (var i = start; i < end; i++)
            {
                var half = Phase.Fraction(0.5 * frequency * data.Time[i]);
                var cell = Math.Min((int)(half * 2 * bins), (2 * bins) - 1);
                var w = data.Weight[i];
                var y = data.Residual[i];
                weight[cell] += w;
                sum[cell] += w * y;
                squares[cell] += w * y * y;
            }

            for (var j = 0; j < bins; j++)
            {
                // Cells j and j + bins hold the same phase of f in even and odd cycles.
                var (a, c) = (j, j + bins);
                var joinedWeight = weight[a] + weight[c];
                if (joinedWeight <= 0)
                {
                    continue;
                }

                var joinedSum = sum[a] + sum[c];
                sswJoined += squares[a] + squares[c] - (joinedSum * joinedSum / joinedWeight);
                cellsJoined++;
                foreach (var k in new[] { a, c })
                {
                    if (weight[k] > 0)
                    {
                        sswSplit += squares[k] - (sum[k] * sum[k] / weight[k]);
                        cellsSplit++;
                    }
                }
            }
        }

        var extra = cellsSplit - cellsJoined;
        var dof = data.Count - cellsSplit;
        if (extra <= 0 || dof <= 0 || !(sswSplit > 0))
        {
            return false;
        }

        var noise = sswSplit / dof * designEffect;
        var deltaBic = ((sswJoined - sswSplit) / noise) - (extra * Math.Log(data.Count));
        return deltaBic >= BicThreshold;
    }

    /// <summary>The eclipse-shape criteria of the class summary, with bands combined by inverse variance.</summary>
    internal bool EclipseShapedSingleMinimum(double frequency)
    {
        Span<double> coefficients = stackalloc double[5];
        Span<double> variances = stackalloc double[5];
        double rSum = 0, rWeight = 0, qSum = 0, qWeight = 0;
        var strongest = (Significance: 0.0, Phase: 0.0);
        var offset = new double[data.BandCount];
        var amplitude = new double[data.BandCount];
        var amplitudeError = new double[data.BandCount];
        for (var b = 0; b < data.BandCount; b++)
        {
            if (!fitter.Coefficients(b, frequency, 2, coefficients, variances, out var chi2))
            {
                continue;
            }

            // Error bars are often too small for the scatter; never trust them more than the residuals allow.
            var scale = Math.Max(1, chi2 / (data.BandCountOf(b) - 5));
            double c1 = coefficients[1], s1 = coefficients[2], c2 = coefficients[3], s2 = coefficients[4];
            var a1 = Math.Sqrt((c1 * c1) + (s1 * s1));
            var sigmaA1 = Math.Sqrt(0.5 * (variances[1] + variances[2]) * scale);
            if (!(a1 > 5 * sigmaA1))
            {
                continue;
            }

            // Rotate the second harmonic to the phase where the first harmonic is faintest (largest magnitude).
            var phi1 = Math.Atan2(s1, c1);
            double cos2 = Math.Cos(2 * phi1), sin2 = Math.Sin(2 * phi1);
            var inPhase = (c2 * cos2) + (s2 * sin2);
            var outOfPhase = (-c2 * sin2) + (s2 * cos2);
            var varInPhase = ((variances[3] * cos2 * cos2) + (variances[4] * sin2 * sin2)) * scale;
            var varOutOfPhase = ((variances[3] * sin2 * sin2) + (variances[4] * cos2 * cos2)) * scale;
            var wr = a1 * a1 / varInPhase;
            var wq = a1 * a1 / varOutOfPhase;
            rSum += wr * inPhase / a1;
            rWeight += wr;
            qSum += wq * outOfPhase / a1;
            qWeight += wq;
            offset[b] = coefficients[0];
            amplitude[b] = a1;
            amplitudeError[b] = sigmaA1;
            if (a1 / sigmaA1 > strongest.Significance)
            {
                strongest = (a1 / sigmaA1, phi1);
            }
        }

        if (rWeight <= 0)
        {
            return false;
        }

        var r = rSum / rWeight;
        var sigmaR = 1 / Math.Sqrt(rWeight);
        var q = qSum / qWeight;
        var sigmaQ = 1 / Math.Sqrt(qWeight);
        var sharpMinimum = r >= MinShapeRatio && r > ShapeSigma * sigmaR;
        var symmetric = Math.Abs(q) <= (0.5 * r) + (3 * sigmaQ);

        return sharpMinimum && symmetric && Achromatic(amplitude, amplitudeError) && !HasSecondaryDip(frequency, strongest.Phase, offset, amplitude);
    }

    /// <summary>
    /// Colour, when the bands can tell: a pulsation is a temperature change, so its amplitude falls steeply toward the red
    /// (RR Lyrae A_r/A_g ≈ 0.75, Cepheids ≈ 0.7, Miras ≈ 0.5: slope d ln A / d ln λ ≈ −1 or steeper), while an eclipse between
    /// stars of similar temperature — the only kind that gives two equal minima — is nearly grey (slope ≈ 0). The slope of
    /// ln A₁ against ln λ, fitted over bands with a detected first harmonic, must be above −0.5 when it is known to ±0.25;
    /// with one band, or amplitudes too uncertain, colour does not decide.
    /// </summary>
    private bool Achromatic(double[] amplitude, double[] amplitudeError)
    {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var b = 0; b < data.BandCount; b++)
        {
            var wavelength = WavelengthMicrons(data.BandNames[b]);
            if (!(amplitude[b] > 0) || wavelength is null)
            {
                continue;
            }

            var x = Math.Log(wavelength.Value);
            var y = Math.Log(amplitude[b]);
            var sigma = amplitudeError[b] / amplitude[b];
            var w = 1 / (sigma * sigma);
            sw += w;
            sx += w * x;
            sy += w * y;
            sxx += w * x * x;
            sxy += w * x * y;
        }

        var det = (sw * sxx) - (sx * sx);
        if (!(det > 0))
        {
            return true;
        }

        var slope = ((sw * sxy) - (sx * sy)) / det;
        var slopeError = Math.Sqrt(sw / det);
        return slopeError > MaxColourSlopeError || slope >= MinEclipseColourSlope;
    }

    /// <summary>Effective wavelengths (μm) of the SDSS/ZTF/LSST filters; null for other band names.</summary>
    private static double? WavelengthMicrons(string band) => band switch
    {
        "u" => 0.355,
        "g" => 0.475,
        "r" => 0.62,
        "i" => 0.76,
        "z" => 0.90,
        "y" => 1.0,
        _ => null,
    };

    /// <summary>
    /// Folds at <paramref name="frequency"/> with the primary minimum at phase 0 and slides a window (half-width 0.05) over
    /// phases 0.3–0.7 (eccentric orbits move the secondary eclipse away from 0.5), comparing the mean magnitude inside with
    /// the mean of its two flanking windows of the same width. Each band's magnitudes are scaled by its first-harmonic
    /// amplitude so bands combine; the means' errors come from the scatter itself. A dip fainter at ≥ 4.5σ (about 20
    /// overlapping trials) is a secondary eclipse.
    /// </summary>
    private bool HasSecondaryDip(double frequency, double primaryPhaseRadians, double[] offset, double[] amplitude)
    {
        var n = data.Count;
        var phase = new double[n];
        var z = new double[n];
        var v = new double[n];
        var shift = primaryPhaseRadians / (2 * Math.PI);
        for (var b = 0; b < data.BandCount; b++)
        {
            for (var i = data.BandStart[b]; i < data.BandStart[b + 1]; i++)
            {
                phase[i] = Phase.Fraction((frequency * data.Time[i]) - shift);
                if (amplitude[b] > 0)
                {
                    z[i] = (data.Residual[i] - offset[b]) / amplitude[b];
                    v[i] = data.Weight[i] * amplitude[b] * amplitude[b];
                }
            }
        }

        const double HalfWidth = 0.05;
        for (var centre = 0.3; centre <= 0.7001; centre += 0.02)
        {
            var inside = new WeightedMean();
            var left = new WeightedMean();
            var right = new WeightedMean();
            for (var i = 0; i < n; i++)
            {
                if (v[i] <= 0)
                {
                    continue;
                }

                var d = phase[i] - centre;
                if (Math.Abs(d) < HalfWidth)
                {
                    inside.Add(z[i], v[i]);
                }
                else if (d <= -HalfWidth && d > -3 * HalfWidth)
                {
                    left.Add(z[i], v[i]);
                }
                else if (d >= HalfWidth && d < 3 * HalfWidth)
                {
                    right.Add(z[i], v[i]);
                }
            }

            if (inside.Count < 3 || left.Count < 3 || right.Count < 3)
            {
                continue;
            }

            // A dip is fainter than the straight line through its flanks, so a sloping or curved light curve is no dip.
            var depth = inside.Mean - (0.5 * (left.Mean + right.Mean));
            var error = Math.Sqrt(inside.VarianceOfMean + (0.25 * (left.VarianceOfMean + right.VarianceOfMean)));
            if (error > 0 && depth / error >= SecondaryDipSigma)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Weighted mean with the sandwich (scatter-based) variance of the mean, Σw²(x − x̄)² / (Σw)².</summary>
    private sealed class WeightedMean
    {
        private readonly List<(double X, double W)> _points = [];

        public int Count => _points.Count;

        public double Mean
        {
            get
            {
                double sw = 0, swx = 0;
                foreach (var (x, w) in _points)
                {
                    sw += w;
                    swx += w * x;
                }

                return swx / sw;
            }
        }

        public double VarianceOfMean
        {
            get
            {
                var mean = Mean;
                double sw = 0, s = 0;
                foreach (var (x, w) in _points)
                {
                    sw += w;
                    s += w * w * (x - mean) * (x - mean);
                }

                return s / (sw * sw) * _points.Count / (_points.Count - 1);
            }
        }

        public void Add(double x, double w) => _points.Add((x, w));
    }
}
