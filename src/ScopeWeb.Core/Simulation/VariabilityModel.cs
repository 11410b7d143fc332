namespace ScopeWeb.Core.Simulation;

/// <summary>
/// The true (noise-free) brightness of one simulated source in each band over time. Models are built with the
/// source's own random stream and evaluated once, on the source's exposures in time order.
/// </summary>
internal abstract class VariabilityModel
{
    /// <summary>Reference magnitude per band (g, r, i): the phase-averaged or quiescent brightness.</summary>
    protected double[] MeanMag { get; } = new double[3];

    /// <summary>The true period, or null for a class without one.</summary>
    public virtual double? PeriodDays => null;

    /// <summary>The time span in which the source is in the data (a transient's alert history), or null for always.</summary>
    public virtual (double FromMjd, double ToMjd)? ActiveWindow => null;

    /// <summary>Fills <paramref name="mag"/> with true magnitudes at the given times (sorted) and bands.</summary>
    public abstract void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag);

    /// <summary>Builds the model of one class with its physical parameters drawn from <paramref name="rng"/>.</summary>
    public static VariabilityModel Create(string knownClass, SimulationRandom rng, FieldSchedule schedule, SimulationSettings settings) =>
        knownClass switch
        {
            SimulatedClass.RRab => new RRLyraeAbModel(rng),
            SimulatedClass.RRc => new RRLyraeCModel(rng),
            SimulatedClass.DeltaScuti => new DeltaScutiModel(rng),
            SimulatedClass.Cepheid => new CepheidModel(rng),
            SimulatedClass.ContactBinary => new ContactBinaryModel(rng),
            SimulatedClass.Algol => new AlgolModel(rng),
            SimulatedClass.BetaLyrae => new BetaLyraeModel(rng),
            SimulatedClass.Mira => new MiraModel(rng, settings),
            SimulatedClass.SemiRegular => new SemiRegularModel(rng),
            SimulatedClass.Agn => new AgnModel(rng),
            SimulatedClass.Yso => new YsoModel(rng),
            SimulatedClass.YsoDipper => new YsoDipperModel(rng, settings),
            SimulatedClass.FlaringMDwarf => new FlaringMDwarfModel(rng, settings),
            SimulatedClass.Constant => new ConstantModel(rng),
            SimulatedClass.SupernovaIa => new SupernovaIaModel(rng, schedule),
            _ => throw new ArgumentException($"Unknown simulated class '{knownClass}'.", nameof(knownClass)),
        };

    /// <summary>
    /// Sets the band magnitudes from an r magnitude drawn from [min, max] (more faint sources than bright ones,
    /// as in a magnitude-limited survey) and the colours g − r and r − i.
    /// </summary>
    protected void SetMagnitudes(SimulationRandom rng, double minR, double maxR, double gMinusR, double rMinusI)
    {
        // p(m) ∝ 10^(k m) on [min, max]: number counts rise toward faint magnitudes.
        const double k = 0.15;
        var span = Math.Pow(10, k * (maxR - minR)) - 1;
        var r = minR + (Math.Log10(1 + (rng.NextDouble() * span)) / k);
        MeanMag[Simulation.Band.G] = r + gMinusR;
        MeanMag[Simulation.Band.R] = r;
        MeanMag[Simulation.Band.I] = r - rMinusI;
    }

    /// <summary>
    /// Damped random walk (Ornstein–Uhlenbeck) sampled exactly at sorted times: the AGN and YSO red-noise model.
    /// Writes the walk (zero mean, standard deviation <paramref name="sigma"/>) into <paramref name="output"/>.
    /// </summary>
    protected static void DampedRandomWalk(ReadOnlySpan<double> mjd, double tauDays, double sigma, SimulationRandom rng, Span<double> output)
    {
        if (mjd.Length == 0)
        {
            return;
        }

        var x = rng.Normal(0, sigma);
        output[0] = x;
        for (var k = 1; k < mjd.Length; k++)
        {
            var a = Math.Exp(-(mjd[k] - mjd[k - 1]) / tauDays);
            x = (a * x) + (sigma * Math.Sqrt(1 - (a * a)) * rng.Normal());
            output[k] = x;
        }
    }
}

/// <summary>A strictly periodic light curve: a shape in phase scaled per band, repeated with the true period.</summary>
internal abstract class PeriodicModel : VariabilityModel
{
    private readonly double _periodDays;
    private readonly double _epochMjd;
    private readonly bool _centerOnMean;
    private double[]? _shapeMean;

    protected PeriodicModel(SimulationRandom rng, double periodDays, bool centerOnMean)
    {
        _periodDays = periodDays;
        _epochMjd = 58000 + rng.Uniform(0, periodDays);
        _centerOnMean = centerOnMean;
    }

    public override double? PeriodDays => _periodDays;

    public override void Evaluate(ReadOnlySpan<double> mjd, ReadOnlySpan<byte> band, Span<double> mag)
    {
        // Centre pulsators on their phase-averaged magnitude so MeanMag is the catalogue mean.
        _shapeMean ??= _centerOnMean ? MeanOfShape() : new double[3];
        for (var k = 0; k < mjd.Length; k++)
        {
            var cycles = (mjd[k] - _epochMjd) / _periodDays;
            var b = band[k];
            mag[k] = MeanMag[b] + Delta(cycles, b) - _shapeMean[b];
        }
    }

    /// <summary>Magnitude offset (positive = fainter) at <paramref name="cycles"/> periods after the epoch.</summary>
    protected abstract double Delta(double cycles, int band);

    protected static double Phase(double cycles) => cycles - Math.Floor(cycles);

    /// <summary>
    /// Brightness in [0, 1] of a skewed sinusoid peaking at phase 0: it rises over <paramref name="riseFraction"/> of
    /// the cycle (before phase 0) and fades over the rest.
    /// </summary>
    protected static double SkewedCosine(double phase, double riseFraction)
    {
        var fall = 1 - riseFraction;
        var theta = phase < fall ? Math.PI * phase / fall : Math.PI * (1 + ((phase - fall) / riseFraction));
        return (1 + Math.Cos(theta)) / 2;
    }

    private double[] MeanOfShape()
    {
        const int samples = 256;
        var mean = new double[3];
        for (var b = 0; b < 3; b++)
        {
            var sum = 0.0;
            for (var s = 0; s < samples; s++)
            {
                sum += Delta((s + 0.5) / samples, b);
            }

            mean[b] = sum / samples;
        }

        return mean;
    }
}
