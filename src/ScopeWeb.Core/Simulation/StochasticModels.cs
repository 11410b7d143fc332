namespace ScopeWeb.Core.Simulation;

/// <summary>
/// Semi-regular variable: a 30–200 d pulsation whose amplitude and phase wander (slow random walks), plus red
/// noise. The period is real but the fold is looser than a Mira's.
/// </summary>
internal sealed class SemiRegularModel : VariabilityModel
{
    private static readonly double[] BandRatio = [1.0, 0.7, 0.55];
    private readonly SimulationRandom _rng;
    private readonly double _periodDays;
    private readonly double _epochMjd;
    private readonly double _amplitudeG;
    private readonly double _noiseG;

    public SemiRegularModel(SimulationRandom rng)
    {
        _periodDays = rng.LogUniform(30, 200);
        _epochMjd = 58000 + rng.Uniform(0, _periodDays);
        _amplitudeG = rng.Uniform(0.4, 1.5);
        _noiseG = rng.Uniform(0.03, 0.08);
        SetMagnitudes(rng, 13.0, 18.0, rng.Uniform(1.1, 1.8), rng.Uniform(0.6, 1.5));
        _rng = rng.Fork();
    }

    public override double? PeriodDays => _periodDays;

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        var logAmplitude = new double[mjd.Length];
        var phaseShift = new double[mjd.Length];
        var noise = new double[mjd.Length];
        DampedRandomWalk(mjd, 2 * _periodDays, 0.3, _rng, logAmplitude);
        DampedRandomWalk(mjd, 4 * _periodDays, 0.04, _rng, phaseShift);
        DampedRandomWalk(mjd, _periodDays / 3, _noiseG, _rng, noise);
        for (var k = 0; k < mjd.Length; k++)
        {
            var b = band[k];
            var phase = ((mjd[k] - _epochMjd) / _periodDays) + phaseShift[k];
            var amplitude = 0.5 * _amplitudeG * Math.Exp(logAmplitude[k]) * BandRatio[b];
            mag[k] = MeanMag[b] - (amplitude * Math.Cos(2 * Math.PI * phase)) + (noise[k] * BandRatio[b]);
        }
    }
}

/// <summary>AGN: damped random walk with τ 50–500 d and SF∞ 0.1–0.3 mag in g, bluish colours.</summary>
internal sealed class AgnModel : VariabilityModel
{
    private static readonly double[] BandRatio = [1.0, 0.8, 0.7];
    private readonly SimulationRandom _rng;
    private readonly double _tauDays;
    private readonly double _sigmaG;

    public AgnModel(SimulationRandom rng)
    {
        _tauDays = rng.LogUniform(50, 500);
        // SF∞ = √2 σ of the process.
        _sigmaG = rng.Uniform(0.1, 0.3) / Math.Sqrt(2);
        SetMagnitudes(rng, 16.5, 20.0, rng.Uniform(-0.1, 0.4), rng.Uniform(-0.1, 0.3));
        _rng = rng.Fork();
    }

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        DampedRandomWalk(mjd, _tauDays, _sigmaG, _rng, mag);
        for (var k = 0; k < mjd.Length; k++)
        {
            var b = band[k];
            mag[k] = MeanMag[b] + (mag[k] * BandRatio[b]);
        }
    }
}

/// <summary>Irregular young star: fast red noise (τ 1–20 d) on a slow trend, larger in g (variable extinction and accretion).</summary>
internal sealed class YsoModel : VariabilityModel
{
    private static readonly double[] BandRatio = [1.0, 0.75, 0.6];
    private readonly SimulationRandom _rng;
    private readonly double _fastTauDays;
    private readonly double _fastSigmaG;
    private readonly double _slowTauDays;
    private readonly double _slowSigmaG;

    public YsoModel(SimulationRandom rng)
    {
        _fastTauDays = rng.LogUniform(1, 20);
        _fastSigmaG = rng.Uniform(0.12, 0.45);
        _slowTauDays = rng.Uniform(100, 400);
        _slowSigmaG = rng.Uniform(0.05, 0.25);
        SetMagnitudes(rng, 13.5, 19.0, rng.Uniform(0.8, 1.8), rng.Uniform(0.5, 1.2));
        _rng = rng.Fork();
    }

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        var slow = new double[mjd.Length];
        DampedRandomWalk(mjd, _fastTauDays, _fastSigmaG, _rng, mag);
        DampedRandomWalk(mjd, _slowTauDays, _slowSigmaG, _rng, slow);
        for (var k = 0; k < mjd.Length; k++)
        {
            var b = band[k];
            mag[k] = MeanMag[b] + ((mag[k] + slow[k]) * BandRatio[b]);
        }
    }
}

/// <summary>
/// Dipping young star: quiet, with aperiodic dust-extinction dips of 0.3–1 mag (g) lasting days, deeper in g than
/// r and i as extinction is.
/// </summary>
internal sealed class YsoDipperModel : VariabilityModel
{
    // Extinction A_r/A_g and A_i/A_g for standard dust.
    private static readonly double[] ExtinctionRatio = [1.0, 0.72, 0.55];
    private readonly SimulationRandom _rng;
    private readonly double[] _dipCenter;
    private readonly double[] _dipDepthG;
    private readonly double[] _dipSigmaDays;
    private readonly double _noiseG;
    private const double MaxDipSigmaDays = 4.0;

    public YsoDipperModel(SimulationRandom rng, SimulationSettings settings)
    {
        var rate = 1 / rng.Uniform(12, 50);
        var centers = new List<double>();
        for (var t = settings.StartMjd - 20 + rng.Exponential(rate); t < settings.EndMjd + 20; t += rng.Exponential(rate))
        {
            centers.Add(t);
        }

        _dipCenter = [.. centers];
        _dipDepthG = new double[centers.Count];
        _dipSigmaDays = new double[centers.Count];
        for (var d = 0; d < centers.Count; d++)
        {
            _dipDepthG[d] = rng.Uniform(0.3, 1.0);
            // FWHM 1–8 days.
            _dipSigmaDays[d] = rng.Uniform(1, 8) / 2.355;
        }

        _noiseG = rng.Uniform(0.02, 0.06);
        SetMagnitudes(rng, 13.5, 18.8, rng.Uniform(0.7, 1.5), rng.Uniform(0.4, 1.0));
        _rng = rng.Fork();
    }

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        DampedRandomWalk(mjd, 5, _noiseG, _rng, mag);
        var first = 0;
        for (var k = 0; k < mjd.Length; k++)
        {
            var t = mjd[k];
            while (first < _dipCenter.Length && _dipCenter[first] < t - (5 * MaxDipSigmaDays))
            {
                first++;
            }

            var extinctionG = 0.0;
            for (var d = first; d < _dipCenter.Length && _dipCenter[d] <= t + (5 * MaxDipSigmaDays); d++)
            {
                var x = (t - _dipCenter[d]) / _dipSigmaDays[d];
                extinctionG += _dipDepthG[d] * Math.Exp(-0.5 * x * x);
            }

            var b = band[k];
            mag[k] = MeanMag[b] + ((mag[k] + extinctionG) * ExtinctionRatio[b]);
        }
    }
}

/// <summary>
/// Flaring M dwarf: a faint red quiescent star with fast-rise, exponential-decay flares (minutes to an hour),
/// far stronger in g than in r and i because flares are hot.
/// </summary>
internal sealed class FlaringMDwarfModel : VariabilityModel
{
    // Flare flux relative to the quiescent flux in each band, per unit of the g-band flare.
    private static readonly double[] FlareFluxRatio = [1.0, 0.3, 0.15];
    private const double MaxDecayDays = 0.06;
    private const double MaxRiseDays = 0.02;
    private readonly double[] _peakMjd;
    private readonly double[] _amplitudeG;
    private readonly double[] _riseDays;
    private readonly double[] _decayDays;

    public FlaringMDwarfModel(SimulationRandom rng, SimulationSettings settings)
    {
        var rate = rng.Uniform(0.1, 0.5);
        var peaks = new List<double>();
        for (var t = settings.StartMjd + rng.Exponential(rate); t < settings.EndMjd + 1; t += rng.Exponential(rate))
        {
            peaks.Add(t);
        }

        _peakMjd = [.. peaks];
        _amplitudeG = new double[peaks.Count];
        _riseDays = new double[peaks.Count];
        _decayDays = new double[peaks.Count];
        for (var f = 0; f < peaks.Count; f++)
        {
            // Flare energies follow a power law: many small flares, a few of several magnitudes in g.
            _amplitudeG[f] = Math.Min(25, 0.4 * Math.Pow(1 - rng.NextDouble(), -1.0 / 0.9));
            _decayDays[f] = rng.Uniform(0.008, MaxDecayDays);
            _riseDays[f] = Math.Min(MaxRiseDays, _decayDays[f] * rng.Uniform(0.1, 0.3));
        }

        SetMagnitudes(rng, 14.0, 18.3, rng.Uniform(1.25, 1.6), rng.Uniform(0.7, 1.6));
    }

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        var first = 0;
        for (var k = 0; k < mjd.Length; k++)
        {
            var t = mjd[k];
            while (first < _peakMjd.Length && _peakMjd[first] < t - (12 * MaxDecayDays))
            {
                first++;
            }

            var flux = 0.0;
            for (var f = first; f < _peakMjd.Length && _peakMjd[f] <= t + MaxRiseDays; f++)
            {
                var dt = t - _peakMjd[f];
                if (dt >= 0)
                {
                    flux += _amplitudeG[f] * Math.Exp(-dt / _decayDays[f]);
                }
                else if (dt > -_riseDays[f])
                {
                    var x = 1 + (dt / _riseDays[f]);
                    flux += _amplitudeG[f] * x * x;
                }
            }

            var b = band[k];
            mag[k] = MeanMag[b] - (2.5 * Math.Log10(1 + (flux * FlareFluxRatio[b])));
        }
    }
}

/// <summary>A non-variable star: only the measurement noise added later changes its magnitudes.</summary>
internal sealed class ConstantModel : VariabilityModel
{
    public ConstantModel(SimulationRandom rng)
    {
        var gMinusR = rng.Uniform(-0.1, 1.6);
        SetMagnitudes(rng, 13.0, 20.3, gMinusR, (0.45 * gMinusR) + rng.Uniform(-0.05, 0.15));
    }

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        for (var k = 0; k < mjd.Length; k++)
        {
            mag[k] = MeanMag[band[k]];
        }
    }
}

/// <summary>
/// Type Ia supernova: Bazin-shaped rise (~18 d) and decline, peak 17.5–19.5 mag in r, slower decline and a
/// secondary maximum in r and i. Only its alert history (60 d before to 150 d after peak) is in the data, so
/// non-detections precede the rise and follow the fade.
/// </summary>
internal sealed class SupernovaIaModel : VariabilityModel
{
    private static readonly double[] RiseScale = [1.0, 1.1, 1.2];
    private static readonly double[] FallScale = [1.0, 1.5, 1.7];
    private static readonly double[] SecondaryFraction = [0.0, 0.18, 0.4];
    private readonly double _peakMjd;
    private readonly double _riseDaysG;
    private readonly double _fallDaysG;
    private readonly double _secondaryDelayDays;

    public SupernovaIaModel(SimulationRandom rng, FieldSchedule schedule)
    {
        _peakMjd = ChoosePeak(rng, schedule);
        _riseDaysG = rng.Uniform(2.5, 4.0);
        _fallDaysG = rng.Uniform(14, 22);
        _secondaryDelayDays = rng.Uniform(22, 30);
        var peakR = rng.Uniform(17.5, 19.5);
        MeanMag[Simulation.Band.R] = peakR;
        MeanMag[Simulation.Band.G] = peakR + rng.Uniform(-0.15, 0.05);
        MeanMag[Simulation.Band.I] = peakR + rng.Uniform(0.3, 0.6);
    }

    public override (double FromMjd, double ToMjd)? ActiveWindow => (_peakMjd - 60, _peakMjd + 150);

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        Span<double> peakFlux = stackalloc double[3];
        for (var b = 0; b < 3; b++)
        {
            peakFlux[b] = Flux(_peakMjd, b);
        }

        for (var k = 0; k < mjd.Length; k++)
        {
            var b = band[k];
            var relative = Math.Max(1e-8, Flux(mjd[k], b) / peakFlux[b]);
            mag[k] = MeanMag[b] - (2.5 * Math.Log10(relative));
        }
    }

    /// <summary>Bazin et al. (2009) flux with the peak at <see cref="_peakMjd"/>, plus the red secondary maximum.</summary>
    private double Flux(double t, int band)
    {
        var rise = _riseDaysG * RiseScale[band];
        var fall = _fallDaysG * FallScale[band];
        var t0 = _peakMjd - (rise * Math.Log((fall / rise) - 1));
        var x = (t - t0) / rise;
        var bazin = x < -50 ? 0 : Math.Exp(-(t - t0) / fall) / (1 + Math.Exp(-x));
        var bazinAtPeak = Math.Exp(-(_peakMjd - t0) / fall) / (1 + Math.Exp(-(_peakMjd - t0) / rise));
        var s = (t - _peakMjd - _secondaryDelayDays) / 7;
        return bazin + (SecondaryFraction[band] * bazinAtPeak * Math.Exp(-0.5 * s * s));
    }

    /// <summary>
    /// A peak date the field actually watched: some exposures 25–60 d before (the pre-explosion upper limits)
    /// and at least ten around the peak.
    /// </summary>
    private static double ChoosePeak(SimulationRandom rng, FieldSchedule schedule)
    {
        var best = schedule.Count > 0 ? schedule.Mjd[schedule.Count / 2] : 59000;
        var bestScore = -1;
        for (var attempt = 0; attempt < 200 && schedule.Count > 0; attempt++)
        {
            var candidate = schedule.Mjd[rng.Next(0, schedule.Count)] + rng.Uniform(-3, 3);
            var before = schedule.CountBetween(candidate - 60, candidate - 25);
            var around = schedule.CountBetween(candidate - 20, candidate + 40);
            var score = Math.Min(before, 3) + Math.Min(around, 10);
            if (score > bestScore)
            {
                best = candidate;
                bestScore = score;
            }

            if (before >= 3 && around >= 10)
            {
                break;
            }
        }

        return best;
    }
}
