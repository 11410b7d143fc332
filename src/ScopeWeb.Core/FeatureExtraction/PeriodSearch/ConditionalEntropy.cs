namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// Conditional entropy of the magnitudes given the phase (Graham et al. 2013, MNRAS 434, 3423), as SCoPe computes it:
/// fold, scale each band's magnitudes to [0, 1] by its min–max range, count points in phase × magnitude bins (20 × 10),
/// and H(m|φ) = Σ p(m,φ) ln(p(φ)/p(m,φ)). A well-folded light curve occupies few magnitude bins at each phase: the lower
/// the entropy, the better the period. Bands are folded and binned separately and combined as the conditional entropy
/// given phase and band, Σ_b (N_b/N) H_b, so a band's offset or amplitude never smears another's.
/// </summary>
public static class ConditionalEntropy
{
    /// <summary>Entropy at every frequency of <paramref name="grid"/> (SCoPe's ECE periodogram; minima are periods).</summary>
    public static float[] Periodogram(IReadOnlyList<PreparedLightCurve> bands, FrequencyGrid grid, int phaseBins = 20, int magBins = 10)
    {
        var evaluator = new ConditionalEntropyEvaluator(BandedLightCurve.From(bands), phaseBins, magBins);
        var result = new float[grid.Count];
        evaluator.Scan(grid.MinFrequencyPerDay, grid.StepPerDay, result);
        return result;
    }

    /// <summary>Entropy at each of <paramref name="frequenciesPerDay"/>.</summary>
    public static double[] At(IReadOnlyList<PreparedLightCurve> bands, ReadOnlySpan<double> frequenciesPerDay, int phaseBins = 20, int magBins = 10)
    {
        var evaluator = new ConditionalEntropyEvaluator(BandedLightCurve.From(bands), phaseBins, magBins);
        var result = new double[frequenciesPerDay.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = evaluator.At(frequenciesPerDay[k]);
        }

        return result;
    }
}

/// <summary>Reusable conditional-entropy evaluation for one light curve (not thread-safe).</summary>
internal sealed class ConditionalEntropyEvaluator
{
    private readonly BandedLightCurve _data;
    private readonly int _phaseBins;
    private readonly int _magBins;
    private readonly int[] _magBin;
    private readonly int[] _phaseBin;
    private readonly int[] _cellCount;
    private readonly int[] _phaseCount;
    private readonly double[] _logTable;
    private readonly PhaseBinning _binning;

    public ConditionalEntropyEvaluator(BandedLightCurve data, int phaseBins, int magBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(phaseBins, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(magBins, 2);
        _data = data;
        _phaseBins = phaseBins;
        _magBins = magBins;
        _magBin = new int[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            _magBin[i] = Math.Min((int)(data.MagNormalized[i] * magBins), magBins - 1);
        }

        _phaseBin = new int[data.Count];
        _cellCount = new int[phaseBins * magBins];
        _phaseCount = new int[phaseBins];
        var maxBand = Enumerable.Range(0, data.BandCount).Max(data.BandCountOf);
        _logTable = new double[maxBand + 1];
        for (var k = 1; k <= maxBand; k++)
        {
            _logTable[k] = Math.Log(k);
        }

        _binning = new PhaseBinning(data.Time);
    }

    public double At(double frequency)
    {
        _binning.BinsAt(frequency, _phaseBins, _phaseBin);
        return FromBins();
    }

    /// <summary>The statistic from phases already computed (<see cref="PhaseBinning.Phases"/>).</summary>
    public double AtPhases(ReadOnlySpan<double> phases)
    {
        PhaseBinning.BinsFromPhases(phases, _phaseBins, _phaseBin);
        return FromBins();
    }

    public void Scan(double f0, double df, Span<float> result)
    {
        _binning.StartGrid(f0, df);
        for (var k = 0; k < result.Length; k++)
        {
            _binning.NextBins(_phaseBins, _phaseBin);
            result[k] = (float)FromBins();
        }
    }

    /// <summary>
    /// Σ_cells p_ij ln(p_j/p_ij) = (1/N) Σ_points [ln n_j − ln n_ij]: a cell holding n points contributes n·ln n, i.e. ln n
    /// per point, so one pass over the points with a log table replaces a pass over all cells.
    /// </summary>
    private double FromBins()
    {
        double sum = 0;
        for (var b = 0; b < _data.BandCount; b++)
        {
            int start = _data.BandStart[b], end = _data.BandStart[b + 1];
            Array.Clear(_cellCount);
            Array.Clear(_phaseCount);
            for (var i = start; i < end; i++)
            {
                var pb = _phaseBin[i];
                _phaseCount[pb]++;
                _cellCount[(pb * _magBins) + _magBin[i]]++;
            }

            for (var i = start; i < end; i++)
            {
                var pb = _phaseBin[i];
                sum += _logTable[_phaseCount[pb]] - _logTable[_cellCount[(pb * _magBins) + _magBin[i]]];
            }
        }

        return sum / _data.Count;
    }
}
