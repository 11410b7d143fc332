namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// How much to trust χ² differences between period hypotheses. Survey error bars describe photon noise; a real star also
/// deviates from any strictly periodic model (Blazhko modulation, spots, period changes, calibration offsets), and those
/// deviations are shared by measurements taken together. Treating them as independent photon noise makes a model
/// comparison overconfident and lets the few points with the smallest error bars decide between aliases.
/// </summary>
internal static class NoiseModel
{
    /// <summary>
    /// Extra variance s_b² per band such that the model's residuals have χ²/dof = 1 with σ² + s_b² (zero when the
    /// error bars already explain the scatter): the "jitter" term of radial-velocity fitting. Each band's share of the
    /// model's parameters is taken in proportion to its points.
    /// </summary>
    public static double[] BandJitter(BandedLightCurve data, ReadOnlySpan<double> residual, int parameters)
    {
        var jitter = new double[data.BandCount];
        for (var b = 0; b < data.BandCount; b++)
        {
            int start = data.BandStart[b], end = data.BandStart[b + 1];
            var dof = (end - start) * (1.0 - ((double)parameters / data.Count));
            if (dof <= 1)
            {
                continue;
            }

            if (Chi2(data, residual, start, end, 0) <= dof)
            {
                continue;
            }

            // χ²(s²) falls monotonically; bisect on a bracket that certainly reaches dof.
            double low = 0, high = 0;
            for (var i = start; i < end; i++)
            {
                high = Math.Max(high, residual[i] * residual[i]);
            }

            for (var iteration = 0; iteration < 60; iteration++)
            {
                var mid = 0.5 * (low + high);
                if (Chi2(data, residual, start, end, mid) > dof)
                {
                    low = mid;
                }
                else
                {
                    high = mid;
                }
            }

            jitter[b] = 0.5 * (low + high);
        }

        return jitter;
    }

    private static double Chi2(BandedLightCurve data, ReadOnlySpan<double> residual, int start, int end, double extraVariance)
    {
        double sum = 0;
        for (var i = start; i < end; i++)
        {
            sum += residual[i] * residual[i] / ((1.0 / data.Weight[i]) + extraVariance);
        }

        return sum;
    }

    /// <summary>
    /// Design effect 1 + ρ(Σm_e²/N − 1) of normalised residuals r·√w, with ρ their correlation within an epoch
    /// (<see cref="BandedLightCurve.Epoch"/>) and m_e the epoch sizes: by how much correlated deviations shrink the
    /// information in N points. χ² differences are divided by it.
    /// </summary>
    public static double DesignEffect(BandedLightCurve data, ReadOnlySpan<double> residual)
    {
        var epochSum = new double[data.EpochCount];
        var epochSquares = new double[data.EpochCount];
        var epochSize = new int[data.EpochCount];
        for (var i = 0; i < data.Count; i++)
        {
            var r = residual[i] * Math.Sqrt(data.Weight[i]);
            var e = data.Epoch[i];
            epochSum[e] += r;
            epochSquares[e] += r * r;
            epochSize[e]++;
        }

        // Intraclass correlation: Σ_e Σ_{i≠j} r_i r_j over Σ_e (m_e − 1) Σ_i r_i².
        double cross = 0, scale = 0, sizeSquares = 0;
        for (var e = 0; e < data.EpochCount; e++)
        {
            cross += (epochSum[e] * epochSum[e]) - epochSquares[e];
            scale += (epochSize[e] - 1) * epochSquares[e];
            sizeSquares += (double)epochSize[e] * epochSize[e];
        }

        var rho = scale > 0 ? Math.Clamp(cross / scale, 0, 1) : 0;
        return 1 + (rho * ((sizeSquares / data.Count) - 1));
    }
}
