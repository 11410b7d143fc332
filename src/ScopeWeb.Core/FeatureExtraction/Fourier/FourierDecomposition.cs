using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ScopeWeb.Core.FeatureExtraction.Fourier;

/// <summary>
/// SCoPe's Fourier decomposition at a given period (<c>lcstats.fourier_decomposition</c>; docs/features.md).
/// SCoPe fits each k = 0..5 with <c>curve_fit</c> (σ = e); the model is linear in its parameters, so this solves
/// the same weighted least-squares problems exactly, all six from one Householder QR of the 12-column design
/// matrix (the models are nested: the first 2 + 2k columns).
/// </summary>
public static class FourierDecomposition
{
    /// <summary>JD − MJD (days). SCoPe's phases come from HJD; pass this as the phase offset for MJD input.</summary>
    public const double JdMinusMjdDays = 2400000.5;

    private const int Columns = 2 + (2 * FourierFeatures.MaxHarmonics);

    // A column whose part outside the span of the earlier columns is below this fraction of the largest column
    // norm is rounding noise (rank deficient, e.g. every epoch at the same phase, where sin(2πt/P) is only the
    // rounding of the phase); its coefficient stays zero instead of fitting noise with a huge coefficient.
    private const double DependentColumnTolerance = 1e-9;

    // χ²₀ this small relative to Σ(m/e)² means the k = 0 model is exact (a constant or linear light curve):
    // no harmonic can improve it, so the power is 0 rather than a ratio of rounding noise.
    private const double ExactFitTolerance = 1e-20;

    /// <summary>Fits a prepared light curve at <paramref name="periodDays"/>, phases from its MJD times.</summary>
    /// <param name="lightCurve">The prepared light curve.</param>
    /// <param name="periodDays">Trial period.</param>
    /// <param name="phaseTimeOffsetDays">
    /// Added to the times before forming phases 2πnt/P (the slope term uses t − min t and is unaffected). SCoPe uses
    /// HJD, so <see cref="JdMinusMjdDays"/> reproduces its a_n, b_n (up to the heliocentric correction) from MJD.
    /// </param>
    public static FourierFeatures Fit(PreparedLightCurve lightCurve, double periodDays, double phaseTimeOffsetDays = 0)
    {
        ArgumentNullException.ThrowIfNull(lightCurve);
        return Fit(lightCurve.Mjd, lightCurve.Mag, lightCurve.MagErr, periodDays, phaseTimeOffsetDays);
    }

    /// <summary>
    /// Fits parallel arrays (days, mag, mag error). Returns <see cref="FourierFeatures.Failed"/> (all NaN) where SCoPe's
    /// fit raises: fewer than 12 points, a non-positive or non-finite period, a non-finite value or a non-positive error.
    /// </summary>
    /// <exception cref="ArgumentException">Arrays of different lengths.</exception>
    public static FourierFeatures Fit(
        ReadOnlySpan<double> mjd, ReadOnlySpan<double> mag, ReadOnlySpan<double> magErr, double periodDays, double phaseTimeOffsetDays = 0)
    {
        var n = mjd.Length;
        if (mag.Length != n || magErr.Length != n)
        {
            throw new ArgumentException($"Time, magnitude and error arrays differ in length ({n}, {mag.Length}, {magErr.Length}).", nameof(mag));
        }

        if (n < Columns || !(periodDays > 0) || !double.IsFinite(periodDays) || !double.IsFinite(phaseTimeOffsetDays))
        {
            return FourierFeatures.Failed;
        }

        var tMin = double.PositiveInfinity;
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(mjd[i]) || !double.IsFinite(mag[i]) || !(magErr[i] > 0) || !double.IsFinite(magErr[i]))
            {
                return FourierFeatures.Failed;
            }

            tMin = Math.Min(tMin, mjd[i]);
        }

        var rented = ArrayPool<double>.Shared.Rent((Columns + 1) * n);
        try
        {
            var design = rented.AsSpan(0, Columns * n);
            var rhs = rented.AsSpan(Columns * n, n);
            FillWeightedDesign(mjd, mag, magErr, periodDays, phaseTimeOffsetDays, tMin, design, rhs);
            return Solve(design, rhs, n);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    // Column-major design matrix divided by e (curve_fit with sigma = e minimises Σ((m − model)/e)²).
    private static void FillWeightedDesign(
        ReadOnlySpan<double> t, ReadOnlySpan<double> m, ReadOnlySpan<double> e, double period, double offset, double tMin,
        Span<double> design, Span<double> rhs)
    {
        var n = t.Length;
        for (var i = 0; i < n; i++)
        {
            var inv = 1.0 / e[i];
            design[i] = inv;
            design[n + i] = (t[i] - tMin) * inv;
            // Same arithmetic as SCoPe's model: phi = 2*pi*t/p, then cos(n*phi), sin(n*phi).
            var phi = 2.0 * Math.PI * (t[i] + offset) / period;
            for (var h = 1; h <= FourierFeatures.MaxHarmonics; h++)
            {
                var (sin, cos) = Math.SinCos(h * phi);
                design[(2 * h * n) + i] = cos * inv;
                design[(((2 * h) + 1) * n) + i] = sin * inv;
            }

            rhs[i] = m[i] * inv;
        }
    }

    private static FourierFeatures Solve(Span<double> a, Span<double> b, int n)
    {
        Span<double> diagonal = stackalloc double[Columns];
        Span<int> pivotRow = stackalloc int[Columns];
        Span<double> chi2 = stackalloc double[FourierFeatures.MaxHarmonics + 1];
        var rhsNorm2 = SumOfSquares(b);
        var largest2 = 0.0;
        for (var j = 0; j < Columns; j++)
        {
            largest2 = Math.Max(largest2, SumOfSquares(a.Slice(j * n, n)));
        }

        var dependent2 = DependentColumnTolerance * DependentColumnTolerance * largest2;
        var rank = 0;
        for (var j = 0; j < Columns; j++)
        {
            var x = a.Slice((j * n) + rank, n - rank);
            var rem2 = SumOfSquares(x);
            if (rem2 == 0 || rem2 <= dependent2)
            {
                pivotRow[j] = -1;
            }
            else
            {
                // Householder reflection H = I − 2vvᵀ/(vᵀv), v = x − αe₁, α = −sign(x₀)‖x‖ (no cancellation in v₀).
                var norm = Math.Sqrt(rem2);
                var x0 = x[0];
                var alpha = x0 >= 0 ? -norm : norm;
                x[0] = x0 - alpha;
                var twoOverVtv = 1.0 / (norm * (norm + Math.Abs(x0)));
                for (var k = j + 1; k < Columns; k++)
                {
                    Reflect(x, a.Slice((k * n) + rank, n - rank), twoOverVtv);
                }

                Reflect(x, b[rank..], twoOverVtv);
                diagonal[j] = alpha;
                pivotRow[j] = rank;
                rank++;
            }

            if ((j & 1) == 1)
            {
                // After the first 2 + 2k columns the residual of that model is what Qᵀb holds below the rank.
                chi2[(j - 1) / 2] = SumOfSquares(b[rank..]);
            }
        }

        var logN = Math.Log(n);
        var best = 0;
        var bestBic = double.PositiveInfinity;
        for (var k = 0; k <= FourierFeatures.MaxHarmonics; k++)
        {
            var bic = chi2[k] + (logN * (2 + (2 * k)));
            if (bic < bestBic)
            {
                bestBic = bic;
                best = k;
            }
        }

        Span<double> coefficients = stackalloc double[Columns];
        coefficients.Clear();
        var used = 2 + (2 * best);
        for (var j = used - 1; j >= 0; j--)
        {
            var row = pivotRow[j];
            if (row < 0)
            {
                continue;
            }

            var sum = b[row];
            for (var k = j + 1; k < used; k++)
            {
                if (pivotRow[k] >= 0)
                {
                    sum -= a[(k * n) + row] * coefficients[k];
                }
            }

            coefficients[j] = sum / diagonal[j];
        }

        var power = chi2[0] <= ExactFitTolerance * rhsNorm2 ? 0.0 : (chi2[0] - chi2[best]) / chi2[0];
        var cosine = new double[FourierFeatures.MaxHarmonics];
        var sine = new double[FourierFeatures.MaxHarmonics];
        for (var h = 0; h < FourierFeatures.MaxHarmonics; h++)
        {
            cosine[h] = coefficients[2 + (2 * h)];
            sine[h] = coefficients[3 + (2 * h)];
        }

        return new FourierFeatures
        {
            Power = power,
            Bic = bestBic,
            OffsetMag = coefficients[0],
            SlopeMagPerDay = coefficients[1],
            CosineMag = cosine,
            SineMag = sine,
            HarmonicCount = best,
        };
    }

    // y −= (2vᵀy/vᵀv)·v, SIMD over the rows (the QR's whole cost apart from the trigonometry).
    private static void Reflect(ReadOnlySpan<double> v, Span<double> y, double twoOverVtv)
    {
        var f = Dot(v, y) * twoOverVtv;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vv = MemoryMarshal.Cast<double, Vector<double>>(v);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            var fv = new Vector<double>(f);
            for (var k = 0; k < vv.Length; k++)
            {
                yv[k] -= fv * vv[k];
            }

            i = vv.Length * Vector<double>.Count;
        }

        for (; i < v.Length; i++)
        {
            y[i] -= f * v[i];
        }
    }

    private static double SumOfSquares(ReadOnlySpan<double> values) => Dot(values, values);

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var sum = 0.0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
            var acc = Vector<double>.Zero;
            for (var k = 0; k < xv.Length; k++)
            {
                acc += xv[k] * yv[k];
            }

            sum = Vector.Sum(acc);
            i = xv.Length * Vector<double>.Count;
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
