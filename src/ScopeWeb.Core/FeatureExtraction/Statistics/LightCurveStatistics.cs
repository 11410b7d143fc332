using System.Buffers;

namespace ScopeWeb.Core.FeatureExtraction.Statistics;

/// <summary>
/// SCoPe's basic light-curve statistics (<c>lcstats.calc_basic_stats</c>; docs/features.md) for one prepared band.
/// With t, m, e the prepared times, magnitudes and errors, N points and w = e⁻². The definitions are SCoPe's,
/// including the unusual ones: skew and smallkurt standardise by each point's error, not by the spread.
/// </summary>
/// <remarks>
/// Degenerate input follows the arithmetic (as numpy would): for a constant light curve wstd, chi2red, roms,
/// the spans, skew and welch_i are 0, smallkurt is −3(N−1)²/((N−2)(N−3)), sw is 1 (scipy's zero-range answer),
/// and inv_vonneumannratio, stetson_k and ad are NaN (0/0).
/// </remarks>
public sealed record LightCurveStatistics
{
    /// <summary>Fewest points the definitions allow: smallkurt divides by (N−1)(N−2)(N−3).</summary>
    public const int MinimumPoints = 4;

    /// <summary>SCoPe feature names, in the order of <c>calc_basic_stats</c> and of <see cref="CopyTo"/>.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "n", "median", "wmean", "chi2red", "roms", "wstd", "norm_peak_to_peak_amp", "norm_excess_var",
        "median_abs_dev", "iqr", "i60r", "i70r", "i80r", "i90r", "skew", "smallkurt", "inv_vonneumannratio",
        "welch_i", "stetson_j", "stetson_k", "ad", "sw",
    ];

    /// <summary><c>n</c>: number of points.</summary>
    public double PointCount { get; init; }

    /// <summary><c>median</c> magnitude.</summary>
    public double MedianMag { get; init; }

    /// <summary><c>wmean</c>: inverse-variance weighted mean magnitude.</summary>
    public double WeightedMeanMag { get; init; }

    /// <summary><c>chi2red</c> = Σw(m−wmean)²/(N−1).</summary>
    public double ReducedChi2 { get; init; }

    /// <summary><c>roms</c> (robust median statistic) = Σ|m−median|/e/(N−1).</summary>
    public double RobustMedianStatistic { get; init; }

    /// <summary><c>wstd</c>: weighted population standard deviation (mag).</summary>
    public double WeightedStdMag { get; init; }

    /// <summary><c>norm_peak_to_peak_amp</c> = (max(m−e) − min(m+e)) / (max(m−e) + min(m+e)).</summary>
    public double NormPeakToPeakAmplitude { get; init; }

    /// <summary><c>norm_excess_var</c> = Σ((m−wmean)² − e²)/(N·wmean²).</summary>
    public double NormExcessVariance { get; init; }

    /// <summary><c>median_abs_dev</c> = median|m − median| (mag).</summary>
    public double MedianAbsDeviationMag { get; init; }

    /// <summary><c>iqr</c>: 75th − 25th percentile (mag, numpy linear interpolation).</summary>
    public double InterquartileRangeMag { get; init; }

    /// <summary><c>i60r</c>: 80th − 20th percentile (mag).</summary>
    public double Inner60RangeMag { get; init; }

    /// <summary><c>i70r</c>: 85th − 15th percentile (mag).</summary>
    public double Inner70RangeMag { get; init; }

    /// <summary><c>i80r</c>: 90th − 10th percentile (mag).</summary>
    public double Inner80RangeMag { get; init; }

    /// <summary><c>i90r</c>: 95th − 5th percentile (mag).</summary>
    public double Inner90RangeMag { get; init; }

    /// <summary><c>skew</c> = N/((N−1)(N−2))·Σ((m−wmean)/e)³.</summary>
    public double Skew { get; init; }

    /// <summary><c>smallkurt</c> = N(N+1)/((N−1)(N−2)(N−3))·Σ((m−wmean)/e)⁴ − 3(N−1)²/((N−2)(N−3)).</summary>
    public double SmallKurtosis { get; init; }

    /// <summary><c>inv_vonneumannratio</c> = 1/η, η = Σ(dt⁻²dm²)/(Σdt⁻²·wstd²) over consecutive points.</summary>
    public double InverseVonNeumannRatio { get; init; }

    /// <summary><c>welch_i</c> = Σ d_k d_{k+1} with d = √(N/(N−1))·(m−wmean)/e.</summary>
    public double WelchI { get; init; }

    /// <summary><c>stetson_j</c> = Σ sign(P)√|P| with P = d_k d_{k+1}.</summary>
    public double StetsonJ { get; init; }

    /// <summary><c>stetson_k</c> = (Σ|d|/N)/√(Σd²/N).</summary>
    public double StetsonK { get; init; }

    /// <summary><c>ad</c>: Anderson–Darling A² of m/e against a normal.</summary>
    public double AndersonDarlingA2 { get; init; }

    /// <summary><c>sw</c>: Shapiro–Wilk W of m/e.</summary>
    public double ShapiroWilkW { get; init; }

    /// <summary>Computes the statistics of a prepared light curve.</summary>
    /// <exception cref="ArgumentException">Fewer than <see cref="MinimumPoints"/> points.</exception>
    public static LightCurveStatistics Compute(PreparedLightCurve lightCurve)
    {
        ArgumentNullException.ThrowIfNull(lightCurve);
        if (lightCurve.Count < MinimumPoints)
        {
            throw new ArgumentException(
                $"SCoPe statistics need at least {MinimumPoints} points; the {lightCurve.Band}-band light curve has {lightCurve.Count}.",
                nameof(lightCurve));
        }

        return Compute(lightCurve.Mjd, lightCurve.Mag, lightCurve.MagErr);
    }

    /// <summary>Computes the statistics from parallel arrays sorted by time (MJD, mag, mag error).</summary>
    /// <exception cref="ArgumentException">Arrays of different lengths, or fewer than <see cref="MinimumPoints"/> points.</exception>
    public static LightCurveStatistics Compute(ReadOnlySpan<double> mjd, ReadOnlySpan<double> mag, ReadOnlySpan<double> magErr)
    {
        var n = mag.Length;
        if (mjd.Length != n || magErr.Length != n)
        {
            throw new ArgumentException($"Time, magnitude and error arrays differ in length ({mjd.Length}, {n}, {magErr.Length}).", nameof(mag));
        }

        if (n < MinimumPoints)
        {
            throw new ArgumentException($"SCoPe statistics need at least {MinimumPoints} points; got {n}.", nameof(mag));
        }

        var rented = ArrayPool<double>.Shared.Rent(2 * n);
        try
        {
            return ComputeCore(mjd, mag, magErr, rented.AsSpan(0, n), rented.AsSpan(n, n));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The (name, value) pairs in <see cref="FeatureNames"/> order.</summary>
    public IEnumerable<KeyValuePair<string, double>> EnumerateFeatures()
    {
        var values = new double[FeatureNames.Count];
        CopyTo(values);
        for (var i = 0; i < values.Length; i++)
        {
            yield return new KeyValuePair<string, double>(FeatureNames[i], values[i]);
        }
    }

    /// <summary>Writes the values in <see cref="FeatureNames"/> order (no allocation).</summary>
    public void CopyTo(Span<double> destination)
    {
        if (destination.Length < FeatureNames.Count)
        {
            throw new ArgumentException($"Need room for {FeatureNames.Count} values.", nameof(destination));
        }

        destination[0] = PointCount;
        destination[1] = MedianMag;
        destination[2] = WeightedMeanMag;
        destination[3] = ReducedChi2;
        destination[4] = RobustMedianStatistic;
        destination[5] = WeightedStdMag;
        destination[6] = NormPeakToPeakAmplitude;
        destination[7] = NormExcessVariance;
        destination[8] = MedianAbsDeviationMag;
        destination[9] = InterquartileRangeMag;
        destination[10] = Inner60RangeMag;
        destination[11] = Inner70RangeMag;
        destination[12] = Inner80RangeMag;
        destination[13] = Inner90RangeMag;
        destination[14] = Skew;
        destination[15] = SmallKurtosis;
        destination[16] = InverseVonNeumannRatio;
        destination[17] = WelchI;
        destination[18] = StetsonJ;
        destination[19] = StetsonK;
        destination[20] = AndersonDarlingA2;
        destination[21] = ShapiroWilkW;
    }

    private static LightCurveStatistics ComputeCore(
        ReadOnlySpan<double> t, ReadOnlySpan<double> m, ReadOnlySpan<double> e, Span<double> sorted, Span<double> work)
    {
        var n = m.Length;
        double count = n;

        m.CopyTo(sorted);
        sorted.Sort();
        var median = SortedStatistics.Median(sorted);

        // Pass 1: weighted mean (shifted by the first magnitude so a constant curve gives exactly that constant),
        // error-padded extremes.
        var reference = m[0];
        var sumW = 0.0;
        var sumWShifted = 0.0;
        var maxFaint = double.NegativeInfinity;
        var minBright = double.PositiveInfinity;
        for (var i = 0; i < n; i++)
        {
            var w = 1.0 / (e[i] * e[i]);
            sumW += w;
            sumWShifted += w * (m[i] - reference);
            maxFaint = Math.Max(maxFaint, m[i] - e[i]);
            minBright = Math.Min(minBright, m[i] + e[i]);
        }

        var wmean = reference + (sumWShifted / sumW);

        // Pass 2: everything that needs wmean or the median.
        var dScale = Math.Sqrt(count / (count - 1.0));
        var sumWDev2 = 0.0;
        var sumZ3 = 0.0;
        var sumZ4 = 0.0;
        var sumExcess = 0.0;
        var sumAbsOverErr = 0.0;
        var sumAbsD = 0.0;
        var sumD2 = 0.0;
        var welch = 0.0;
        var stetsonJ = 0.0;
        var neumannNumerator = 0.0;
        var neumannWeights = 0.0;
        var previousD = 0.0;
        for (var i = 0; i < n; i++)
        {
            var dev = m[i] - wmean;
            var dev2 = dev * dev;
            sumWDev2 += dev2 / (e[i] * e[i]);
            var z = dev / e[i];
            var z2 = z * z;
            sumZ3 += z2 * z;
            sumZ4 += z2 * z2;
            sumExcess += dev2 - (e[i] * e[i]);
            var absFromMedian = Math.Abs(m[i] - median);
            work[i] = absFromMedian;
            sumAbsOverErr += absFromMedian / e[i];
            var d = dScale * z;
            sumAbsD += Math.Abs(d);
            sumD2 += d * d;
            if (i > 0)
            {
                var p = previousD * d;
                welch += p;
                stetsonJ += p >= 0 ? Math.Sqrt(p) : -Math.Sqrt(-p); // sign(P)·√|P|; NaN stays NaN
                var dt = t[i] - t[i - 1];
                var dm = m[i] - m[i - 1];
                var wt = 1.0 / (dt * dt);
                neumannNumerator += wt * dm * dm;
                neumannWeights += wt;
            }

            previousD = d;
        }

        var wstd = Math.Sqrt(sumWDev2 / sumW);
        var eta = neumannNumerator / (neumannWeights * wstd * wstd);

        work.Sort();
        var mad = SortedStatistics.Median(work);

        // m/e once, sorted once, for both normality tests.
        for (var i = 0; i < n; i++)
        {
            work[i] = m[i] / e[i];
        }

        work.Sort();

        return new LightCurveStatistics
        {
            PointCount = count,
            MedianMag = median,
            WeightedMeanMag = wmean,
            ReducedChi2 = sumWDev2 / (count - 1.0),
            RobustMedianStatistic = sumAbsOverErr / (count - 1.0),
            WeightedStdMag = wstd,
            NormPeakToPeakAmplitude = (maxFaint - minBright) / (maxFaint + minBright),
            NormExcessVariance = sumExcess / (count * wmean * wmean),
            MedianAbsDeviationMag = mad,
            InterquartileRangeMag = SortedStatistics.Span(sorted, 25, 75),
            Inner60RangeMag = SortedStatistics.Span(sorted, 20, 80),
            Inner70RangeMag = SortedStatistics.Span(sorted, 15, 85),
            Inner80RangeMag = SortedStatistics.Span(sorted, 10, 90),
            Inner90RangeMag = SortedStatistics.Span(sorted, 5, 95),
            Skew = count / (count - 1.0) / (count - 2.0) * sumZ3,
            SmallKurtosis = (count * (count + 1.0) / (count - 1.0) / (count - 2.0) / (count - 3.0) * sumZ4)
                - (3.0 * (count - 1.0) * (count - 1.0) / (count - 2.0) / (count - 3.0)),
            InverseVonNeumannRatio = 1.0 / eta,
            WelchI = welch,
            StetsonJ = stetsonJ,
            StetsonK = sumAbsD / count / Math.Sqrt(sumD2 / count),
            AndersonDarlingA2 = AndersonDarling.FromSorted(work),
            ShapiroWilkW = ShapiroWilk.FromSorted(work),
        };
    }
}
