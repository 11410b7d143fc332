using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// Generalised Lomb–Scargle periodogram with measurement errors and a floating mean (Zechmeister &amp; Kürster 2009,
/// A&amp;A 496, 577): at each frequency, the fraction of the χ² about the mean that a sinusoid plus offset removes,
/// p = (χ²₀ − χ²(f)) / χ²₀ — astropy's <c>LombScargle(t, y, dy).power(f)</c> with the default 'standard' normalisation.
/// Several bands share the frequency but each has its own mean, amplitude and phase; their powers are combined as
/// Σ_b (χ²₀_b − χ²_b(f)) / Σ_b χ²₀_b (the shared-period multi-band periodogram of VanderPlas &amp; Ivezić 2015, ApJ 812, 18,
/// with one term per band), so each band counts in proportion to the signal it carries.
/// </summary>
public static class GeneralizedLombScargle
{
    /// <summary>
    /// Power on every frequency of <paramref name="grid"/>, computed in single precision with SIMD (accurate to ~1e-5,
    /// enough to rank peaks; use <see cref="Power"/> for exact values).
    /// </summary>
    public static float[] Periodogram(IReadOnlyList<PreparedLightCurve> bands, FrequencyGrid grid)
    {
        var data = BandedLightCurve.From(bands);
        var power = new float[grid.Count];
        LombScargleKernel.Scan(data, grid.MinFrequencyPerDay, grid.StepPerDay, power, window: default);
        return power;
    }

    /// <summary>Power at each of <paramref name="frequenciesPerDay"/>, in double precision (direct sums).</summary>
    public static double[] Power(IReadOnlyList<PreparedLightCurve> bands, ReadOnlySpan<double> frequenciesPerDay)
    {
        var data = BandedLightCurve.From(bands);
        var power = new double[frequenciesPerDay.Length];
        for (var k = 0; k < power.Length; k++)
        {
            power[k] = PowerAt(data, frequenciesPerDay[k]);
        }

        return power;
    }

    /// <summary>Exact combined power at one frequency.</summary>
    internal static double PowerAt(BandedLightCurve data, double frequency)
    {
        double total = 0;
        for (var b = 0; b < data.BandCount; b++)
        {
            double sw = 0, c = 0, s = 0, yc = 0, ys = 0, cc = 0, cs = 0;
            for (var i = data.BandStart[b]; i < data.BandStart[b + 1]; i++)
            {
                var (sin, cos) = Math.SinCos(Phase.Radians(frequency * data.Time[i]));
                var w = data.Weight[i];
                var wy = w * data.Residual[i];
                sw += w;
                c += w * cos;
                s += w * sin;
                yc += wy * cos;
                ys += wy * sin;
                cc += w * cos * cos;
                cs += w * cos * sin;
            }

            // Normalised weights; the residuals are centred on the weighted mean, so Ȳ = 0 and YC, YS need no correction.
            c /= sw;
            s /= sw;
            yc /= sw;
            ys /= sw;
            cc /= sw;
            cs /= sw;
            var cch = cc - (c * c);
            var ssh = 1 - cc - (s * s);
            var csh = cs - (c * s);
            var d = (cch * ssh) - (csh * csh);
            var yy = data.BandYy[b];
            if (d > 1e-12 && yy > 0)
            {
                var p = ((ssh * yc * yc) + (cch * ys * ys) - (2 * csh * yc * ys)) / (yy * d);
                total += data.BandPowerWeight[b] * p;
            }
        }

        return total;
    }
}

/// <summary>Phase helpers shared by the periodograms.</summary>
internal static class Phase
{
    /// <summary>2π × the fractional part of <paramref name="cycles"/> (reduced first, so large cycle counts keep full precision).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Radians(double cycles) => 2 * Math.PI * (cycles - Math.Round(cycles));

    /// <summary>Fractional part in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Fraction(double cycles) => cycles - Math.Floor(cycles);
}

/// <summary>
/// The Lomb–Scargle scan over a regular grid. Lanes of a SIMD register hold consecutive frequencies and the loop runs over
/// points, so each register accumulates the sums of its own frequencies without horizontal reductions. No sine or cosine
/// is evaluated in the loop: each point's phasor exp(2πi·f·t) is rotated from one block of frequencies to the next by the
/// fixed phasor exp(2πi·L·Δf·t) (a trigonometric recurrence). Single-precision rotation errors grow slowly, so every
/// 1,024 or so frequencies the phasors are re-anchored from a double-precision copy. The weighted sums
/// C = Σw cos, S = Σw sin, YC, YS, CC, CS give the GLS power; C and S also give the window function |Σw e^{iωt}|².
/// </summary>
internal static class LombScargleKernel
{
    /// <summary>Blocks of frequencies per pass over the points: two keep twelve accumulators in registers and halve loads.</summary>
    private const int Blocks = 2;

    private const int PassesPerAnchor = 32;

    /// <summary>Anchors between exact (sin/cos) recomputations of the double-precision phasors.</summary>
    private const int AnchorsPerExactRecompute = 64;

    /// <summary>
    /// Writes the combined power of every band into <paramref name="power"/> (length = number of frequencies) and, when
    /// <paramref name="window"/> is not empty, the χ²-weighted window function.
    /// </summary>
    public static void Scan(BandedLightCurve data, double f0, double df, Span<float> power, Span<float> window)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Scan<Simd512>(data, f0, df, power, window);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Scan<Simd256>(data, f0, df, power, window);
        }
        else
        {
            Scan<Simd128>(data, f0, df, power, window);
        }
    }

    private static void Scan<TV>(BandedLightCurve data, double f0, double df, Span<float> power, Span<float> window)
        where TV : struct, ISimdFloat<TV>
    {
        var lanes = TV.Count;
        var stride = lanes * Blocks;
        var count = power.Length;
        var passes = (count + stride - 1) / stride;
        var n = data.Count;
        var t = data.Time;
        var wantWindow = !window.IsEmpty;

        var re = new TV[n];
        var im = new TV[n];
        var offsetRe = new TV[n];
        var offsetIm = new TV[n];
        var stepRe = new float[n];
        var stepIm = new float[n];
        var baseRe = new double[n];
        var baseIm = new double[n];
        var anchorRe = new double[n];
        var anchorIm = new double[n];
        Span<float> laneRe = stackalloc float[lanes];
        Span<float> laneIm = stackalloc float[lanes];
        var anchorSpan = (double)PassesPerAnchor * stride * df;
        for (var i = 0; i < n; i++)
        {
            for (var l = 0; l < lanes; l++)
            {
                var (s, c) = Math.SinCos(Phase.Radians(l * df * t[i]));
                laneRe[l] = (float)c;
                laneIm[l] = (float)s;
            }

            offsetRe[i] = TV.Load(ref laneRe[0]);
            offsetIm[i] = TV.Load(ref laneIm[0]);
            var (ss, sc) = Math.SinCos(Phase.Radians(lanes * df * t[i]));
            stepRe[i] = (float)sc;
            stepIm[i] = (float)ss;
            var (as_, ac) = Math.SinCos(Phase.Radians(anchorSpan * t[i]));
            anchorRe[i] = ac;
            anchorIm[i] = as_;
        }

        var bandFactor = new float[data.BandCount];
        var bandWindowWeight = new float[data.BandCount];
        for (var b = 0; b < data.BandCount; b++)
        {
            bandFactor[b] = data.BandYy[b] > 0 ? (float)(data.BandPowerWeight[b] / data.BandYy[b]) : 0f;
            bandWindowWeight[b] = (float)data.BandPowerWeight[b];
        }

        Span<float> tail = stackalloc float[stride];
        Span<float> tailWindow = stackalloc float[stride];
        ref var wRef = ref MemoryMarshal.GetArrayDataReference(data.NormalizedWeightF);
        ref var wyRef = ref MemoryMarshal.GetArrayDataReference(data.NormalizedWeightedResidualF);
        var one = TV.Create(1f);
        var two = TV.Create(2f);
        var degenerate = TV.Create(1e-6f);

        for (var pass = 0; pass < passes; pass++)
        {
            if (pass % PassesPerAnchor == 0)
            {
                var anchor = pass / PassesPerAnchor;
                var exact = anchor % AnchorsPerExactRecompute == 0;
                var fAnchor = f0 + (pass * (double)stride * df);
                for (var i = 0; i < n; i++)
                {
                    if (exact)
                    {
                        (baseIm[i], baseRe[i]) = Math.SinCos(Phase.Radians(fAnchor * t[i]));
                    }
                    else
                    {
                        var r = (baseRe[i] * anchorRe[i]) - (baseIm[i] * anchorIm[i]);
                        baseIm[i] = (baseRe[i] * anchorIm[i]) + (baseIm[i] * anchorRe[i]);
                        baseRe[i] = r;
                    }

                    var br = TV.Create((float)baseRe[i]);
                    var bi = TV.Create((float)baseIm[i]);
                    re[i] = TV.MultiplySubtract(bi, offsetIm[i], br * offsetRe[i]);
                    im[i] = TV.MultiplyAdd(bi, offsetRe[i], br * offsetIm[i]);
                }
            }

            var total1 = TV.Zero;
            var total2 = TV.Zero;
            var window1 = TV.Zero;
            var window2 = TV.Zero;
            for (var b = 0; b < data.BandCount; b++)
            {
                TV c1 = TV.Zero, s1 = TV.Zero, yc1 = TV.Zero, ys1 = TV.Zero, cc1 = TV.Zero, cs1 = TV.Zero;
                TV c2 = TV.Zero, s2 = TV.Zero, yc2 = TV.Zero, ys2 = TV.Zero, cc2 = TV.Zero, cs2 = TV.Zero;
                var end = data.BandStart[b + 1];
                for (var i = data.BandStart[b]; i < end; i++)
                {
                    var w = TV.Create(Unsafe.Add(ref wRef, i));
                    var wy = TV.Create(Unsafe.Add(ref wyRef, i));
                    var a = TV.Create(stepRe[i]);
                    var bb = TV.Create(stepIm[i]);
                    var cos = re[i];
                    var sin = im[i];

                    var wc = cos * w;
                    var ws = sin * w;
                    c1 += wc;
                    s1 += ws;
                    yc1 = TV.MultiplyAdd(cos, wy, yc1);
                    ys1 = TV.MultiplyAdd(sin, wy, ys1);
                    cc1 = TV.MultiplyAdd(wc, cos, cc1);
                    cs1 = TV.MultiplyAdd(wc, sin, cs1);

                    var cosB = TV.MultiplySubtract(sin, bb, cos * a);
                    var sinB = TV.MultiplyAdd(cos, bb, sin * a);
                    wc = cosB * w;
                    ws = sinB * w;
                    c2 += wc;
                    s2 += ws;
                    yc2 = TV.MultiplyAdd(cosB, wy, yc2);
                    ys2 = TV.MultiplyAdd(sinB, wy, ys2);
                    cc2 = TV.MultiplyAdd(wc, cosB, cc2);
                    cs2 = TV.MultiplyAdd(wc, sinB, cs2);

                    re[i] = TV.MultiplySubtract(sinB, bb, cosB * a);
                    im[i] = TV.MultiplyAdd(cosB, bb, sinB * a);
                }

                var factor = TV.Create(bandFactor[b]);
                total1 += Power(c1, s1, yc1, ys1, cc1, cs1, one, two, degenerate) * factor;
                total2 += Power(c2, s2, yc2, ys2, cc2, cs2, one, two, degenerate) * factor;
                if (wantWindow)
                {
                    var ww = TV.Create(bandWindowWeight[b]);
                    window1 = TV.MultiplyAdd(TV.MultiplyAdd(c1, c1, s1 * s1), ww, window1);
                    window2 = TV.MultiplyAdd(TV.MultiplyAdd(c2, c2, s2 * s2), ww, window2);
                }
            }

            total1 = TV.Max(total1, TV.Zero);
            total2 = TV.Max(total2, TV.Zero);
            var start = pass * stride;
            if (start + stride <= count)
            {
                TV.Store(total1, ref power[start]);
                TV.Store(total2, ref power[start + lanes]);
                if (wantWindow)
                {
                    TV.Store(window1, ref window[start]);
                    TV.Store(window2, ref window[start + lanes]);
                }
            }
            else
            {
                TV.Store(total1, ref tail[0]);
                TV.Store(total2, ref tail[lanes]);
                tail[..(count - start)].CopyTo(power[start..]);
                if (wantWindow)
                {
                    TV.Store(window1, ref tailWindow[0]);
                    TV.Store(window2, ref tailWindow[lanes]);
                    tailWindow[..(count - start)].CopyTo(window[start..]);
                }
            }
        }
    }

    /// <summary>Zechmeister &amp; Kürster's power from normalised-weight sums (times YY, applied by the caller's factor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Power<TV>(TV c, TV s, TV yc, TV ys, TV cc, TV cs, TV one, TV two, TV degenerate)
        where TV : struct, ISimdFloat<TV>
    {
        var cch = TV.MultiplySubtract(c, c, cc);
        var ssh = TV.MultiplySubtract(s, s, one - cc);
        var csh = TV.MultiplySubtract(c, s, cs);
        var d = TV.MultiplySubtract(csh, csh, cch * ssh);
        var num = TV.MultiplySubtract(two * csh, yc * ys, TV.MultiplyAdd(ssh, yc * yc, cch * ys * ys));

        // Phases bunched at one value (the frequency is a multiple of 1/Δt for every pair of points) leave the amplitude
        // undetermined; such frequencies carry no information and get zero power.
        return TV.WhereGreater(d, degenerate, num / d);
    }
}
