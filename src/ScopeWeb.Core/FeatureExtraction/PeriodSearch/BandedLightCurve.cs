using System.Globalization;

namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// The bands of one source, concatenated and ready for the periodogram kernels. Each band keeps its own mean
/// (magnitudes are centred on the band's weighted mean) and its own weights, because the multi-band periodograms
/// give every band an independent mean and amplitude and share only the frequency.
/// </summary>
internal sealed class BandedLightCurve
{
    private BandedLightCurve(int bandCount, int count)
    {
        BandStart = new int[bandCount + 1];
        BandNames = new string[bandCount];
        BandYy = new double[bandCount];
        BandChi2 = new double[bandCount];
        BandPowerWeight = new double[bandCount];
        BandMean = new double[bandCount];
        Time = new double[count];
        Weight = new double[count];
        Residual = new double[count];
        MagNormalized = new double[count];
        NormalizedWeightF = new float[count];
        NormalizedWeightedResidualF = new float[count];
    }

    public int BandCount => BandNames.Length;
    public int Count => Time.Length;

    /// <summary>Points of band b are [BandStart[b], BandStart[b+1]).</summary>
    public int[] BandStart { get; }

    public string[] BandNames { get; }

    /// <summary>Days since <see cref="ReferenceMjd"/> (the middle of the baseline, which keeps phases small).</summary>
    public double[] Time { get; }

    /// <summary>1/σ².</summary>
    public double[] Weight { get; }

    /// <summary>Magnitude minus its band's weighted mean.</summary>
    public double[] Residual { get; }

    /// <summary>Magnitude scaled to [0, 1] over its band's range (conditional entropy's magnitude axis, as SCoPe).</summary>
    public double[] MagNormalized { get; }

    /// <summary>Weights normalised to sum to 1 within each band (single precision, for the scan kernel).</summary>
    public float[] NormalizedWeightF { get; }

    /// <summary>Normalised weight × residual (single precision, for the scan kernel).</summary>
    public float[] NormalizedWeightedResidualF { get; }

    /// <summary>Σ w̃·y² with normalised weights: the band's variance about its mean.</summary>
    public double[] BandYy { get; }

    /// <summary>Σ y²/σ²: the band's χ² about its mean (no variability model).</summary>
    public double[] BandChi2 { get; }

    /// <summary>The band's weighted mean magnitude.</summary>
    public double[] BandMean { get; }

    /// <summary>χ²_b / Σχ²: how much each band's normalised power counts in the combined periodogram.</summary>
    public double[] BandPowerWeight { get; }

    /// <summary>
    /// Index of the epoch each point belongs to: points of any band closer than <see cref="EpochGapDays"/> in time form
    /// one epoch (SDSS takes u, g, r, i, z within five minutes; ZTF often pairs g and r within the hour).
    /// </summary>
    public int[] Epoch { get; private set; } = [];

    /// <summary>Gap that separates epochs: intrinsic deviations from a periodic model (Blazhko modulation, flares,
    /// calibration) are shared by measurements this close in time.</summary>
    public const double EpochGapDays = 0.05;

    public int EpochCount { get; private set; }

    public double ReferenceMjd { get; private set; }
    public double BaselineDays { get; private set; }
    public double TotalChi2 { get; private set; }

    /// <summary>Bands with at least <paramref name="minPointsPerBand"/> points; throws on malformed input, naming band and point.</summary>
    public static BandedLightCurve From(IReadOnlyList<PreparedLightCurve> bands, int minPointsPerBand = 3)
    {
        ArgumentNullException.ThrowIfNull(bands);
        var used = new List<PreparedLightCurve>(bands.Count);
        for (var b = 0; b < bands.Count; b++)
        {
            var band = bands[b] ?? throw new ArgumentException($"Band {b} is null.", nameof(bands));
            if (band.Mag.Length != band.Count || band.MagErr.Length != band.Count)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Band '{band.Band}': {band.Count} times but {band.Mag.Length} magnitudes and {band.MagErr.Length} errors."), nameof(bands));
            }

            for (var i = 0; i < band.Count; i++)
            {
                if (!double.IsFinite(band.Mjd[i]) || !double.IsFinite(band.Mag[i]) || !(band.MagErr[i] > 0 && double.IsFinite(band.MagErr[i])))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Band '{band.Band}', point {i}: need finite mjd and mag and a positive error (got mjd {band.Mjd[i]}, mag {band.Mag[i]}, magerr {band.MagErr[i]})."), nameof(bands));
                }
            }

            if (band.Count >= minPointsPerBand)
            {
                used.Add(band);
            }
        }

        var total = used.Sum(b => b.Count);
        if (used.Count == 0 || total < 5)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A period search needs at least 5 points in bands of at least {minPointsPerBand} (got {total} in {used.Count} usable of {bands.Count} bands)."), nameof(bands));
        }

        var tMin = used.Min(b => b.Mjd.Min());
        var tMax = used.Max(b => b.Mjd.Max());
        if (!(tMax > tMin))
        {
            throw new ArgumentException("A period search needs observations at more than one time.", nameof(bands));
        }

        var data = new BandedLightCurve(used.Count, total)
        {
            ReferenceMjd = 0.5 * (tMin + tMax),
            BaselineDays = tMax - tMin,
        };
        var k = 0;
        for (var b = 0; b < used.Count; b++)
        {
            var band = used[b];
            data.BandNames[b] = band.Band;
            data.BandStart[b] = k;
            double minMag = double.PositiveInfinity, maxMag = double.NegativeInfinity;
            for (var i = 0; i < band.Count; i++)
            {
                minMag = Math.Min(minMag, band.Mag[i]);
                maxMag = Math.Max(maxMag, band.Mag[i]);
            }

            var range = maxMag - minMag;
            for (var i = 0; i < band.Count; i++, k++)
            {
                data.Time[k] = band.Mjd[i] - data.ReferenceMjd;
                data.Weight[k] = 1.0 / (band.MagErr[i] * band.MagErr[i]);
                data.Residual[k] = band.Mag[i];
                data.MagNormalized[k] = range > 0 ? (band.Mag[i] - minMag) / range : 0.5;
            }
        }

        data.BandStart[used.Count] = k;
        data.Center();
        var order = Enumerable.Range(0, total).OrderBy(i => data.Time[i]).ToArray();
        data.Epoch = new int[total];
        var epoch = 0;
        for (var j = 0; j < total; j++)
        {
            if (j > 0 && data.Time[order[j]] - data.Time[order[j - 1]] > EpochGapDays)
            {
                epoch++;
            }

            data.Epoch[order[j]] = epoch;
        }

        data.EpochCount = epoch + 1;
        return data;
    }

    /// <summary>
    /// A copy whose errors include extra per-band variance ("jitter", σ² → σ² + s_b²): the scatter a periodic model cannot
    /// explain (Blazhko modulation, spots, calibration), so that points are weighted by how well they can actually be fitted.
    /// </summary>
    public BandedLightCurve WithExtraVariance(ReadOnlySpan<double> extraVariance)
    {
        var copy = new BandedLightCurve(BandCount, Count)
        {
            ReferenceMjd = ReferenceMjd,
            BaselineDays = BaselineDays,
            Epoch = Epoch,
            EpochCount = EpochCount,
        };
        BandStart.CopyTo(copy.BandStart, 0);
        BandNames.CopyTo(copy.BandNames, 0);
        Time.CopyTo(copy.Time, 0);
        MagNormalized.CopyTo(copy.MagNormalized, 0);
        for (var b = 0; b < BandCount; b++)
        {
            for (var i = BandStart[b]; i < BandStart[b + 1]; i++)
            {
                copy.Weight[i] = 1.0 / ((1.0 / Weight[i]) + extraVariance[b]);
                copy.Residual[i] = Residual[i] + BandMean[b];
            }
        }

        copy.Center();
        return copy;
    }

    public int BandCountOf(int band) => BandStart[band + 1] - BandStart[band];

    /// <summary>The band holding point <paramref name="point"/>.</summary>
    public int BandOf(int point)
    {
        var b = 0;
        while (point >= BandStart[b + 1])
        {
            b++;
        }

        return b;
    }

    /// <summary>With <see cref="Residual"/> holding magnitudes, centres each band on its weighted mean and fills the sums.</summary>
    private void Center()
    {
        TotalChi2 = 0;
        for (var b = 0; b < BandCount; b++)
        {
            double sumW = 0, sumWm = 0;
            for (var i = BandStart[b]; i < BandStart[b + 1]; i++)
            {
                sumW += Weight[i];
                sumWm += Weight[i] * Residual[i];
            }

            var mean = sumWm / sumW;
            double yy = 0;
            for (var i = BandStart[b]; i < BandStart[b + 1]; i++)
            {
                var w = Weight[i];
                var y = Residual[i] - mean;
                Residual[i] = y;
                NormalizedWeightF[i] = (float)(w / sumW);
                NormalizedWeightedResidualF[i] = (float)(w / sumW * y);
                yy += w * y * y;
            }

            BandMean[b] = mean;
            BandChi2[b] = yy;
            BandYy[b] = yy / sumW;
            TotalChi2 += yy;
        }

        for (var b = 0; b < BandCount; b++)
        {
            BandPowerWeight[b] = TotalChi2 > 0 ? BandChi2[b] / TotalChi2 : 1.0 / BandCount;
        }
    }
}
