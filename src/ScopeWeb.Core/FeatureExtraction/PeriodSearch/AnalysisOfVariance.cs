namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// Phase-binned analysis of variance (Schwarzenberg-Czerny 1989, MNRAS 241, 153): fold, split the phase into bins, and
/// compare the scatter of the bin means about the mean with the scatter inside the bins,
/// θ = [SSB / (r − 1)] / [SSW / (N − r)], an F statistic (the higher, the better the period). Any light-curve shape is
/// fitted equally well, which suits narrow eclipses that sinusoids miss. The sums are weighted by 1/σ² (with equal errors this is
/// SCoPe's statistic) and each band has its own mean and bin means; SSB, SSW and the degrees of freedom add over bands.
/// </summary>
public static class AnalysisOfVariance
{
    /// <summary>θ at every frequency of <paramref name="grid"/> (SCoPe's EAOV periodogram).</summary>
    public static float[] Periodogram(IReadOnlyList<PreparedLightCurve> bands, FrequencyGrid grid, int phaseBins = 20)
    {
        var evaluator = new AnalysisOfVarianceEvaluator(BandedLightCurve.From(bands), phaseBins);
        var result = new float[grid.Count];
        evaluator.Scan(grid.MinFrequencyPerDay, grid.StepPerDay, result);
        return result;
    }

    /// <summary>θ at each of <paramref name="frequenciesPerDay"/>.</summary>
    public static double[] At(IReadOnlyList<PreparedLightCurve> bands, ReadOnlySpan<double> frequenciesPerDay, int phaseBins = 20)
    {
        var evaluator = new AnalysisOfVarianceEvaluator(BandedLightCurve.From(bands), phaseBins);
        var result = new double[frequenciesPerDay.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = evaluator.At(frequenciesPerDay[k]);
        }

        return result;
    }
}

/// <summary>Reusable AOV evaluation for one light curve (not thread-safe).</summary>
internal sealed class AnalysisOfVarianceEvaluator
{
    private readonly BandedLightCurve _data;
    private readonly int _bins;
    private readonly int[] _phaseBin;
    private readonly double[] _binWeight;
    private readonly double[] _binWeightedResidual;
    private readonly double[] _weightedResidual;
    private readonly PhaseBinning _binning;

    public AnalysisOfVarianceEvaluator(BandedLightCurve data, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        _data = data;
        _bins = bins;
        _phaseBin = new int[data.Count];
        _binWeight = new double[bins];
        _binWeightedResidual = new double[bins];
        _weightedResidual = new double[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            _weightedResidual[i] = data.Weight[i] * data.Residual[i];
        }

        _binning = new PhaseBinning(data.Time);
    }

    public double At(double frequency)
    {
        _binning.BinsAt(frequency, _bins, _phaseBin);
        return FromBins();
    }

    /// <summary>The statistic from phases already computed (<see cref="PhaseBinning.Phases"/>).</summary>
    public double AtPhases(ReadOnlySpan<double> phases)
    {
        PhaseBinning.BinsFromPhases(phases, _bins, _phaseBin);
        return FromBins();
    }

    public void Scan(double f0, double df, Span<float> result)
    {
        _binning.StartGrid(f0, df);
        for (var k = 0; k < result.Length; k++)
        {
            _binning.NextBins(_bins, _phaseBin);
            result[k] = (float)FromBins();
        }
    }

    private double FromBins()
    {
        // Residuals are centred on each band's weighted mean, so SSB_b = Σ_j (Σw y)_j² / (Σw)_j and SSW_b = χ²_b − SSB_b.
        double ssb = 0, ssw = 0;
        int dofBetween = 0, dofWithin = 0;
        for (var b = 0; b < _data.BandCount; b++)
        {
            int start = _data.BandStart[b], end = _data.BandStart[b + 1];
            Array.Clear(_binWeight);
            Array.Clear(_binWeightedResidual);
            for (var i = start; i < end; i++)
            {
                var j = _phaseBin[i];
                _binWeight[j] += _data.Weight[i];
                _binWeightedResidual[j] += _weightedResidual[i];
            }

            double between = 0;
            var occupied = 0;
            for (var j = 0; j < _bins; j++)
            {
                if (_binWeight[j] > 0)
                {
                    between += _binWeightedResidual[j] * _binWeightedResidual[j] / _binWeight[j];
                    occupied++;
                }
            }

            ssb += between;
            ssw += Math.Max(0, _data.BandChi2[b] - between);
            dofBetween += occupied - 1;
            dofWithin += end - start - occupied;
        }

        if (dofBetween <= 0 || dofWithin <= 0)
        {
            return 0;
        }

        // A perfect fold (no scatter within bins) is the best possible period, not an undefined one.
        ssw = Math.Max(ssw, 1e-12 * (ssb + ssw));
        return ssb / dofBetween / (ssw / dofWithin);
    }
}
