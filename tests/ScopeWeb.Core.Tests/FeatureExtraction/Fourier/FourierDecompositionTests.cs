using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.Fourier;
using ScopeWeb.Core.Tests.FeatureExtraction.Statistics;
using Xunit.Abstractions;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Fourier;

public class FourierDecompositionTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(StatsReference.CurveNames), MemberType = typeof(StatsReference))]
    public void Every_f1_feature_matches_the_numpy_lstsq_reference(string curveName)
    {
        var curve = StatsReference.Curve(curveName);

        var fit = FourierDecomposition.Fit(curve.ToPrepared(), curve.PeriodDays, curve.PhaseTimeOffsetDays);

        Assert.Equal(curve.FourierBestHarmonics, fit.HarmonicCount);
        Assert.Equal(FourierFeatures.FeatureNames.Count, curve.Fourier.Count);
        foreach (var (name, actual) in fit.EnumerateFeatures())
        {
            var expected = curve.Fourier[name];
            // unused harmonics are exactly zero on both sides; small coefficients get an absolute floor
            StatsReference.AssertClose(expected, actual, 1e-6, 1e-9, $"{curveName} {name}");
            output.WriteLine($"{name,-12} {expected,24:R} {actual,24:R}");
        }
    }

    [Fact]
    public void Feature_names_are_scopes_in_column_order()
    {
        Assert.Equal(
            [
                "f1_power", "f1_BIC", "f1_a", "f1_b", "f1_amp", "f1_phi0", "f1_relamp1", "f1_relphi1", "f1_relamp2",
                "f1_relphi2", "f1_relamp3", "f1_relphi3", "f1_relamp4", "f1_relphi4",
            ],
            FourierFeatures.FeatureNames);
    }

    [Fact]
    public void A_noise_free_two_harmonic_signal_is_recovered_with_the_raw_coefficients()
    {
        const double period = 0.61;
        var t = Enumerable.Range(0, 150).Select(i => 58100.0 + (i * 3.1) + (0.013 * (i % 11))).ToArray();
        var e = t.Select((_, i) => 0.01 + (0.002 * (i % 5))).ToArray();
        var m = t.Select(x =>
        {
            var phi = 2 * Math.PI * x / period;
            return 17.0 + (0.002 * (x - t[0])) + (0.3 * Math.Cos(phi)) - (0.1 * Math.Sin(phi)) + (0.05 * Math.Cos(2 * phi));
        }).ToArray();

        var fit = FourierDecomposition.Fit(new PreparedLightCurve("r", t, m, e), period);

        Assert.Equal(2, fit.HarmonicCount); // every k ≥ 2 fits exactly; BIC charges the extra terms
        StatsReference.AssertClose(17.0, fit.OffsetMag, 1e-10, 0, "f1_a");
        StatsReference.AssertClose(0.002, fit.SlopeMagPerDay, 1e-8, 0, "f1_b");
        StatsReference.AssertClose(0.3, fit.CosineMag[0], 1e-8, 0, "f1_amp = a1");
        StatsReference.AssertClose(-0.1, fit.SineMag[0], 1e-8, 0, "f1_phi0 = b1");
        StatsReference.AssertClose(0.05, fit.CosineMag[1], 1e-7, 0, "f1_relamp1 = a2");
        StatsReference.AssertClose(0.0, fit.SineMag[1], 0, 1e-9, "f1_relphi1 = b2");
        Assert.Equal([0.0, 0.0, 0.0], fit.CosineMag.Skip(2));
        Assert.Equal([0.0, 0.0, 0.0], fit.SineMag.Skip(2));
        StatsReference.AssertClose(1.0, fit.Power, 1e-12, 0, "f1_power");
        StatsReference.AssertClose(Math.Log(150) * 6, fit.Bic, 1e-9, 0, "f1_BIC");
    }

    [Fact]
    public void Phase_offset_rotates_coefficients_but_keeps_power_bic_and_amplitude()
    {
        var curve = StatsReference.Curve("sinusoid");
        var lc = curve.ToPrepared();

        var mjdPhases = FourierDecomposition.Fit(lc, curve.PeriodDays);
        var jdPhases = FourierDecomposition.Fit(lc, curve.PeriodDays, FourierDecomposition.JdMinusMjdDays);

        StatsReference.AssertClose(mjdPhases.Power, jdPhases.Power, 1e-9, 0, "power");
        StatsReference.AssertClose(mjdPhases.Bic, jdPhases.Bic, 1e-8, 0, "BIC");
        StatsReference.AssertClose(Math.Sqrt(Square(mjdPhases.CosineMag[0]) + Square(mjdPhases.SineMag[0])), Math.Sqrt(Square(jdPhases.CosineMag[0]) + Square(jdPhases.SineMag[0])), 1e-7, 0, "amplitude");
        Assert.True(Math.Abs(mjdPhases.CosineMag[0] - jdPhases.CosineMag[0]) > 0.01, "a1 depends on the phase zero point");
    }

    [Fact]
    public void Constant_light_curve_has_zero_power_and_no_harmonics()
    {
        var t = Enumerable.Range(0, 80).Select(i => 58000.0 + (i * 2.3)).ToArray();
        var m = Enumerable.Repeat(16.5, 80).ToArray();
        var e = Enumerable.Repeat(0.02, 80).ToArray();

        var fit = FourierDecomposition.Fit(new PreparedLightCurve("g", t, m, e), 0.37);

        Assert.Equal(0, fit.HarmonicCount);
        Assert.Equal(0.0, fit.Power);
        StatsReference.AssertClose(16.5, fit.OffsetMag, 1e-13, 0, "offset");
        StatsReference.AssertClose(0.0, fit.SlopeMagPerDay, 0, 1e-13, "slope");
        StatsReference.AssertClose(2 * Math.Log(80), fit.Bic, 1e-9, 0, "BIC = ln N·2 + χ² ≈ 0");
    }

    [Fact]
    public void Epochs_all_at_one_phase_fit_only_the_straight_line()
    {
        // P = 1 d and integer-day epochs: every harmonic column is constant (cos) or rounding noise (sin).
        var t = Enumerable.Range(0, 40).Select(i => 58000.0 + i).ToArray();
        var m = t.Select((x, i) => 17.0 + (0.01 * (x - 58000.0)) + (i % 3 == 0 ? 0.02 : -0.01)).ToArray();
        var e = Enumerable.Repeat(0.02, 40).ToArray();

        var fit = FourierDecomposition.Fit(new PreparedLightCurve("r", t, m, e), 1.0);

        Assert.Equal(0, fit.HarmonicCount);
        Assert.Equal(0.0, fit.Power);
        var (offset, slope) = StraightLine(t, m);
        StatsReference.AssertClose(offset, fit.OffsetMag, 1e-12, 0, "offset");
        StatsReference.AssertClose(slope, fit.SlopeMagPerDay, 1e-9, 0, "slope");
        Assert.All(fit.CosineMag.Concat(fit.SineMag), c => Assert.Equal(0.0, c));
    }

    [Theory]
    [InlineData(11, 1.0, 0.02)] // fewer points than the 12 parameters of k = 5: curve_fit raises
    [InlineData(50, 0.0, 0.02)]
    [InlineData(50, -2.0, 0.02)]
    [InlineData(50, double.NaN, 0.02)]
    [InlineData(50, 1.0, 0.0)] // zero error: infinite weight
    public void Fits_scope_could_not_do_give_all_nan(int n, double period, double err)
    {
        var t = Enumerable.Range(0, n).Select(i => 58000.0 + (i * 0.77)).ToArray();
        var m = t.Select(x => 17 + (0.1 * Math.Sin(x))).ToArray();
        var e = Enumerable.Repeat(err, n).ToArray();

        var fit = FourierDecomposition.Fit(new PreparedLightCurve("g", t, m, e), period);

        Assert.True(fit.IsFailed);
        Assert.All(fit.EnumerateFeatures(), p => Assert.True(double.IsNaN(p.Value), p.Key));
    }

    [Fact]
    public void A_non_finite_magnitude_fails_the_fit()
    {
        var t = Enumerable.Range(0, 30).Select(i => 58000.0 + i).ToArray();
        var m = Enumerable.Repeat(17.0, 30).ToArray();
        m[7] = double.NaN;
        var fit = FourierDecomposition.Fit(t, m, Enumerable.Repeat(0.02, 30).ToArray(), 2.5);
        Assert.True(fit.IsFailed);
    }

    private static double Square(double x) => x * x;

    private static (double Offset, double Slope) StraightLine(double[] t, double[] m)
    {
        var t0 = t.Min();
        var x = t.Select(v => v - t0).ToArray();
        var xm = x.Average();
        var ym = m.Average();
        var slope = x.Zip(m, (a, b) => (a - xm) * (b - ym)).Sum() / x.Sum(a => (a - xm) * (a - xm));
        return (ym - (slope * xm), slope);
    }
}
