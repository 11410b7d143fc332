using System.Buffers;

namespace ScopeWeb.Core.FeatureExtraction.Statistics;

/// <summary>
/// Shapiro–Wilk W exactly as <c>scipy.stats.shapiro</c> computes it up to scipy 1.11 (the releases SCoPe's
/// features were generated with): subtract the median, sort, then Royston's algorithm AS R94 (<c>swilk.f</c>)
/// in single precision, including AS 111 for the normal quantiles. Every operation is done in
/// <see cref="float"/> in the Fortran order, so W agrees with scipy to the last float bit.
/// </summary>
/// <remarks>scipy ≥ 1.12 runs the same algorithm in double precision; W then differs by ~1e-7 to 1e-6 (relative).</remarks>
public static class ShapiroWilk
{
    // Coefficients of AS R94 (polynomials in 1/sqrt(n) for the two largest weights).
    private static readonly float[] C1 = [0.0f, 0.221157f, -0.147981f, -0.207119e1f, 0.4434685e1f, -0.2706056e1f];
    private static readonly float[] C2 = [0.0f, 0.42981e-1f, -0.293762f, -0.1752461e1f, 0.5682633e1f, -0.3582633e1f];
    private const float Sqrth = 0.70711f;
    private const float Small = 1e-19f;

    /// <summary>
    /// W for the sample; NaN with fewer than 3 values (scipy raises there). Zero range gives 1, as scipy does.
    /// </summary>
    public static double Statistic(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        if (n < 3)
        {
            return double.NaN;
        }

        var sorted = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var s = sorted.AsSpan(0, n);
            values.CopyTo(s);
            s.Sort();
            return FromSorted(s);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sorted);
        }
    }

    /// <summary>W for values already sorted ascending (callers that sort once for several statistics).</summary>
    internal static double FromSorted(ReadOnlySpan<double> sorted)
    {
        var n = sorted.Length;
        if (n < 3)
        {
            return double.NaN;
        }

        var x = ArrayPool<float>.Shared.Rent(n);
        var a = ArrayPool<float>.Shared.Rent(n / 2);
        try
        {
            var median = (n & 1) == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
            for (var i = 0; i < n; i++)
            {
                // scipy hands swilk a float32 copy of sort(x - median)
                x[i] = (float)(sorted[i] - median);
            }

            return Swilk(x.AsSpan(0, n), a.AsSpan(0, n / 2));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(x);
        }
    }

    // Transcribes SWILK with INIT = false and N1 = N; 1-based indices are kept as in the Fortran so the
    // weight-sign bookkeeping can be compared line by line.
    private static float Swilk(ReadOnlySpan<float> x, Span<float> a)
    {
        var n = x.Length;
        var nn2 = n / 2;
        float an = n;
        if (n == 3)
        {
            a[0] = Sqrth;
        }
        else
        {
            var an25 = an + 0.25f;
            var summ2 = 0.0f;
            for (var i = 1; i <= nn2; i++)
            {
                a[i - 1] = Ppnd((i - 0.375f) / an25);
                summ2 += a[i - 1] * a[i - 1];
            }

            summ2 *= 2.0f;
            var ssumm2 = MathF.Sqrt(summ2);
            var rsn = 1.0f / MathF.Sqrt(an);
            var a1 = Poly(C1, rsn) - (a[0] / ssumm2);
            int i1;
            float fac;
            if (n > 5)
            {
                i1 = 3;
                var a2 = (-a[1] / ssumm2) + Poly(C2, rsn);
                fac = MathF.Sqrt((summ2 - (2.0f * (a[0] * a[0])) - (2.0f * (a[1] * a[1])))
                    / (1.0f - (2.0f * (a1 * a1)) - (2.0f * (a2 * a2))));
                a[0] = a1;
                a[1] = a2;
            }
            else
            {
                i1 = 2;
                fac = MathF.Sqrt((summ2 - (2.0f * (a[0] * a[0]))) / (1.0f - (2.0f * (a1 * a1))));
                a[0] = a1;
            }

            for (var i = i1; i <= nn2; i++)
            {
                a[i - 1] = -a[i - 1] / fac;
            }
        }

        var range = x[n - 1] - x[0];
        if (range < Small)
        {
            return 1.0f;
        }

        var xx = x[0] / range;
        var sx = xx;
        var sa = -a[0];
        var j = n - 1;
        for (var i = 2; i <= n; i++)
        {
            var xi = x[i - 1] / range;
            sx += xi;
            if (i != j)
            {
                sa += SignedWeight(a, i, j);
            }

            j--;
        }

        sa /= n;
        sx /= n;
        var ssa = 0.0f;
        var ssx = 0.0f;
        var sax = 0.0f;
        j = n;
        for (var i = 1; i <= n; i++)
        {
            var asa = i != j ? SignedWeight(a, i, j) - sa : -sa;
            var xsx = (x[i - 1] / range) - sx;
            ssa += asa * asa;
            ssx += xsx * xsx;
            sax += asa * xsx;
            j--;
        }

        // 1 - W computed as a difference of squares to avoid rounding trouble near W = 1 (AS R94).
        var ssassx = MathF.Sqrt(ssa * ssx);
        var w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
        return 1.0f - w1;
    }

    // SIGN(1, I - J) * A(MIN(I, J))
    private static float SignedWeight(ReadOnlySpan<float> a, int i, int j)
    {
        var weight = a[Math.Min(i, j) - 1];
        return i - j >= 0 ? weight : -weight;
    }

    // AS 181.2: C(1) + x*C(2) + ... evaluated the Fortran way.
    private static float Poly(ReadOnlySpan<float> c, float x)
    {
        var nord = c.Length;
        var result = c[0];
        var p = x * c[nord - 1];
        for (var j = nord - 2; j >= 1; j--)
        {
            p = (p + c[j]) * x;
        }

        return result + p;
    }

    // AS 111 (single precision): normal deviate for lower tail area p.
    private static float Ppnd(float p)
    {
        const float a0 = 2.50662823884f;
        const float a1 = -18.61500062529f;
        const float a2 = 41.39119773534f;
        const float a3 = -25.44106049637f;
        const float b1 = -8.47351093090f;
        const float b2 = 23.08336743743f;
        const float b3 = -21.06224101826f;
        const float b4 = 3.13082909833f;
        const float c0 = -2.78718931138f;
        const float c1 = -2.29796479134f;
        const float c2 = 4.85014127135f;
        const float c3 = 2.32121276858f;
        const float d1 = 3.54388924762f;
        const float d2 = 1.63706781897f;

        var q = p - 0.5f;
        if (MathF.Abs(q) <= 0.42f)
        {
            var r2 = q * q;
            return q * (((((a3 * r2) + a2) * r2) + a1) * r2 + a0)
                / ((((((((b4 * r2) + b3) * r2) + b2) * r2) + b1) * r2) + 1.0f);
        }

        var r = q > 0 ? 1.0f - p : p;
        if (r <= 0)
        {
            return 0.0f;
        }

        r = MathF.Sqrt(-MathF.Log(r));
        var value = ((((((c3 * r) + c2) * r) + c1) * r) + c0) / ((((d2 * r) + d1) * r) + 1.0f);
        return q < 0 ? -value : value;
    }
}
