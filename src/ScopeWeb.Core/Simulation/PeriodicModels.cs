namespace ScopeWeb.Core.Simulation;

// Pulsators and eclipsing binaries. Amplitudes are g-band peak-to-peak; the other bands get the ratios of
// each kind of star (pulsation amplitudes fall toward the red, eclipses of similar stars are nearly grey).

/// <summary>RR Lyrae, fundamental mode: 0.45–0.85 d, sawtooth with a fast rise, 0.5–1.2 mag in g.</summary>
internal sealed class RRLyraeAbModel : PeriodicModel
{
    private static readonly double[] BandRatio = [1.0, 0.76, 0.6];
    private readonly double _amplitudeG;
    private readonly double _riseFraction;
    private readonly double _hump;

    public RRLyraeAbModel(SimulationRandom rng)
        : base(rng, rng.ClippedNormal(0.58, 0.07, 0.45, 0.85), centerOnMean: true)
    {
        // Bailey diagram: longer periods have smaller amplitudes.
        var p = PeriodDays!.Value;
        _amplitudeG = Math.Clamp(1.25 - ((p - 0.45) * 1.4) + rng.Normal(0, 0.1), 0.5, 1.2);
        _riseFraction = rng.Uniform(0.12, 0.2);
        _hump = rng.Uniform(0, 0.08);
        SetMagnitudes(rng, 13.5, 19.8, rng.Uniform(0.15, 0.45), rng.Uniform(0.05, 0.2));
    }

    protected override double Delta(double cycles, int band) =>
        -_amplitudeG * BandRatio[band] * SawtoothBrightness(Phase(cycles), _riseFraction, _hump, bumpAt: 0.85);

    /// <summary>Fast (S-shaped) rise to a sharp maximum at phase 0, a convex decline and an optional bump.</summary>
    internal static double SawtoothBrightness(double phase, double riseFraction, double bump, double bumpAt)
    {
        var fall = 1 - riseFraction;
        if (phase < fall)
        {
            var x = phase / fall;
            var d = (x - bumpAt) / 0.07;
            return ((1 - x) * (1 - x)) + (bump * Math.Exp(-d * d));
        }

        var y = (phase - fall) / riseFraction;
        return y * y * (3 - (2 * y));
    }
}

/// <summary>RR Lyrae, first overtone: 0.25–0.42 d, nearly sinusoidal, 0.3–0.5 mag in g.</summary>
internal sealed class RRLyraeCModel : PeriodicModel
{
    private static readonly double[] BandRatio = [1.0, 0.76, 0.6];
    private readonly double _amplitudeG;
    private readonly double _riseFraction;

    public RRLyraeCModel(SimulationRandom rng)
        : base(rng, rng.ClippedNormal(0.33, 0.035, 0.25, 0.42), centerOnMean: true)
    {
        _amplitudeG = rng.Uniform(0.3, 0.5);
        _riseFraction = rng.Uniform(0.38, 0.48);
        SetMagnitudes(rng, 13.5, 19.5, rng.Uniform(0.1, 0.35), rng.Uniform(0.0, 0.15));
    }

    protected override double Delta(double cycles, int band) =>
        -_amplitudeG * BandRatio[band] * SkewedCosine(Phase(cycles), _riseFraction);
}

/// <summary>δ Scuti: 0.03–0.2 d, 0.05–0.3 mag, a dominant radial mode and a weaker first overtone.</summary>
internal sealed class DeltaScutiModel : PeriodicModel
{
    private static readonly double[] BandRatio = [1.0, 0.78, 0.64];
    private readonly double _amplitudeG;
    private readonly double _riseFraction;
    private readonly double _overtone;
    private readonly double _overtonePhase;

    public DeltaScutiModel(SimulationRandom rng)
        : base(rng, rng.LogUniform(0.03, 0.2), centerOnMean: true)
    {
        _amplitudeG = rng.Uniform(0.08, 0.3) - rng.Uniform(0, 0.03);
        _riseFraction = rng.Uniform(0.35, 0.5);
        _overtone = rng.Uniform(0, 0.2);
        _overtonePhase = rng.NextDouble();
        SetMagnitudes(rng, 13.0, 18.5, rng.Uniform(0.0, 0.4), rng.Uniform(0.0, 0.15));
    }

    protected override double Delta(double cycles, int band)
    {
        // First overtone at P1/P0 = 0.773 (radial pulsation); incommensurate, so it adds scatter to the fold.
        var overtone = _overtone * 0.5 * Math.Cos(2 * Math.PI * ((cycles / 0.773) + _overtonePhase));
        return -_amplitudeG * BandRatio[band] * (SkewedCosine(Phase(cycles), _riseFraction) + overtone);
    }
}

/// <summary>Classical Cepheid: 3–50 d, sawtooth 0.4–1.0 mag in g, a bump for 6–16 d periods (Hertzsprung progression).</summary>
internal sealed class CepheidModel : PeriodicModel
{
    private static readonly double[] BandRatio = [1.0, 0.72, 0.55];
    private readonly double _amplitudeG;
    private readonly double _riseFraction;
    private readonly double _bump;
    private readonly double _bumpAt;

    public CepheidModel(SimulationRandom rng)
        : base(rng, rng.LogUniform(3, 50), centerOnMean: true)
    {
        var p = PeriodDays!.Value;
        _amplitudeG = rng.Uniform(0.4, 1.0);
        _riseFraction = rng.Uniform(0.22, 0.35);
        _bump = p is > 6 and < 16 ? rng.Uniform(0.08, 0.2) : 0;
        _bumpAt = 0.15 + ((p - 6) / 10 * 0.45);
        SetMagnitudes(rng, 12.8, 18.0, rng.Uniform(0.4, 1.2), rng.Uniform(0.2, 0.6));
    }

    protected override double Delta(double cycles, int band) =>
        -_amplitudeG * BandRatio[band] * RRLyraeAbModel.SawtoothBrightness(Phase(cycles), _riseFraction, _bump, _bumpAt);
}

/// <summary>W UMa contact binary (EW): 0.25–0.5 d, continuous light curve with two nearly equal minima.</summary>
internal sealed class ContactBinaryModel : PeriodicModel
{
    private static readonly double[] BandRatio = [1.0, 0.96, 0.93];
    private readonly double _amplitudeG;
    private readonly double _unequal;
    private readonly double _oConnell;

    public ContactBinaryModel(SimulationRandom rng)
        : base(rng, rng.ClippedNormal(0.36, 0.06, 0.25, 0.5), centerOnMean: false)
    {
        _amplitudeG = rng.Uniform(0.2, 0.75);
        _unequal = rng.Uniform(0, 0.08);
        _oConnell = rng.Uniform(-0.03, 0.03);
        SetMagnitudes(rng, 13.0, 19.5, rng.Uniform(0.25, 0.8), rng.Uniform(0.1, 0.35));
    }

    protected override double Delta(double cycles, int band)
    {
        var phase = Phase(cycles);
        var ellipsoidal = Math.Pow((1 + Math.Cos(4 * Math.PI * phase)) / 2, 1.3);
        var primary = _unequal * (1 + Math.Cos(2 * Math.PI * phase)) / 2;
        var spot = _oConnell * Math.Sin(2 * Math.PI * phase);
        return _amplitudeG * BandRatio[band] * (ellipsoidal + primary + spot);
    }
}

/// <summary>Algol-type detached binary (EA): 1–10 d, flat outside narrow eclipses, deep primary and shallow secondary.</summary>
internal sealed class AlgolModel : PeriodicModel
{
    private static readonly double[] PrimaryRatio = [1.0, 0.95, 0.92];

    // A cooler companion: its eclipse (the secondary) is relatively deeper in the red.
    private static readonly double[] SecondaryRatio = [1.0, 1.2, 1.35];
    private readonly double _primaryDepthG;
    private readonly double _secondaryDepthG;
    private readonly double _halfWidth;
    private readonly double _secondaryPhase;
    private readonly double _ellipsoidal;

    public AlgolModel(SimulationRandom rng)
        : base(rng, rng.LogUniform(1, 10), centerOnMean: false)
    {
        _primaryDepthG = rng.Uniform(0.3, 1.5);
        _secondaryDepthG = _primaryDepthG * rng.Uniform(0.05, 0.5);
        _halfWidth = rng.Uniform(0.025, 0.07);
        _secondaryPhase = rng.Chance(0.3) ? rng.Uniform(0.42, 0.58) : 0.5;
        _ellipsoidal = rng.Uniform(0, 0.03);
        SetMagnitudes(rng, 13.0, 19.3, rng.Uniform(0.0, 1.0), rng.Uniform(0.0, 0.4));
    }

    protected override double Delta(double cycles, int band)
    {
        var phase = Phase(cycles);
        var primary = Eclipse(phase, 0, _halfWidth) * _primaryDepthG * PrimaryRatio[band];
        var secondary = Eclipse(phase, _secondaryPhase, _halfWidth * 0.95) * _secondaryDepthG * SecondaryRatio[band];
        var reflection = _ellipsoidal * (1 - Math.Cos(4 * Math.PI * phase)) / 2;
        return primary + secondary - reflection;
    }

    /// <summary>Eclipse profile: 1 at mid-eclipse, 0 outside ±halfWidth, rounded like a limb-darkened disk.</summary>
    private static double Eclipse(double phase, double center, double halfWidth)
    {
        var d = phase - center;
        d -= Math.Round(d);
        var x = d / halfWidth;
        return Math.Abs(x) < 1 ? Math.Pow(1 - (x * x), 0.7) : 0;
    }
}

/// <summary>β Lyrae-type binary (EB): 0.5–5 d, continuously varying with clearly unequal minima.</summary>
internal sealed class BetaLyraeModel : PeriodicModel
{
    private static readonly double[] EllipsoidalRatio = [1.0, 0.96, 0.93];
    private static readonly double[] TemperatureRatio = [1.0, 0.85, 0.75];
    private readonly double _ellipsoidalG;
    private readonly double _unequalG;

    public BetaLyraeModel(SimulationRandom rng)
        : base(rng, rng.LogUniform(0.5, 5), centerOnMean: false)
    {
        _ellipsoidalG = rng.Uniform(0.2, 0.6);
        _unequalG = _ellipsoidalG * rng.Uniform(0.3, 0.8);
        SetMagnitudes(rng, 13.0, 19.0, rng.Uniform(0.0, 0.8), rng.Uniform(0.0, 0.3));
    }

    protected override double Delta(double cycles, int band)
    {
        var phase = Phase(cycles);
        return (_ellipsoidalG * EllipsoidalRatio[band] * (1 + Math.Cos(4 * Math.PI * phase)) / 2)
            + (_unequalG * TemperatureRatio[band] * (1 + Math.Cos(2 * Math.PI * phase)) / 2);
    }
}

/// <summary>Mira: 150–500 d, 2.5–6 mag in g (much less in r and i), very red, each cycle a little different.</summary>
internal sealed class MiraModel : PeriodicModel
{
    private static readonly double[] BandRatio = [1.0, 0.55, 0.42];
    private readonly double _amplitudeG;
    private readonly double _riseFraction;
    private readonly long _firstCycle;
    private readonly double[] _cycleAmplitude;
    private readonly double[] _cycleOffset;

    public MiraModel(SimulationRandom rng, SimulationSettings settings)
        : base(rng, rng.Uniform(150, 500), centerOnMean: true)
    {
        var p = PeriodDays!.Value;
        _amplitudeG = rng.Uniform(2.5, 6);
        _riseFraction = rng.Uniform(0.35, 0.5);
        SetMagnitudes(rng, 13.5, 17.5, rng.Uniform(1.5, 2.8), rng.Uniform(0.8, 2.2));

        // Cycle-to-cycle changes of amplitude and mean level, as seen in real Miras.
        _firstCycle = (long)Math.Floor((settings.StartMjd - 58000) / p) - 1;
        var cycles = (int)Math.Ceiling((settings.EndMjd - settings.StartMjd) / p) + 3;
        _cycleAmplitude = new double[cycles];
        _cycleOffset = new double[cycles];
        for (var c = 0; c < cycles; c++)
        {
            _cycleAmplitude[c] = rng.ClippedNormal(1, 0.07, 0.8, 1.2);
            _cycleOffset[c] = rng.Normal(0, 0.04 * _amplitudeG);
        }
    }

    protected override double Delta(double cycles, int band)
    {
        var c = (int)Math.Clamp((long)Math.Floor(cycles) - _firstCycle, 0, _cycleAmplitude.Length - 1);
        var amplitude = _amplitudeG * BandRatio[band] * _cycleAmplitude[c];
        return (-amplitude * SkewedCosine(Phase(cycles), _riseFraction)) + (_cycleOffset[c] * BandRatio[band]);
    }
}
