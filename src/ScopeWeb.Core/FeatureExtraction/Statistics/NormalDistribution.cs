namespace ScopeWeb.Core.FeatureExtraction.Statistics;

/// <summary>
/// Standard normal tail functions for the Anderson–Darling statistic. .NET has no erfc, so this evaluates
/// W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 631, 1969; netlib specfun CALERF), which are
/// accurate to double precision, and builds log Φ the way scipy's <c>log_ndtr</c> does.
/// </summary>
internal static class NormalDistribution
{
    private const double OneOverSqrtPi = 0.56418958354775628695;
    private const double Sqrt1Over2 = 0.70710678118654752440;
    private const double ErfThreshold = 0.46875;
    private const double ErfcBig = 26.543;
    private const double ErfcxHuge = 6.71e7;
    private const double ErfcxMax = 2.53e307;
    private const double ErfcxNegativeLimit = -26.628;
    private const double SmallArgument = 1.11e-16;

    private static readonly double[] A = [3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1];
    private static readonly double[] B = [2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03];
    private static readonly double[] C =
    [
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
        2.15311535474403846e-8,
    ];

    private static readonly double[] D =
    [
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03,
    ];

    private static readonly double[] P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
    private static readonly double[] Q = [2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

    /// <summary>log Φ(x), accurate in both tails (scipy <c>special.log_ndtr</c>).</summary>
    public static double LogCdf(double x)
    {
        var t = x * Sqrt1Over2;
        // Deep in the lower tail erfc underflows; the scaled erfcx keeps the digits there.
        return x < -1.0
            ? Math.Log(Erfcx(-t) / 2) - (t * t)
            : LogOnePlus(-Erfc(t) / 2);
    }

    /// <summary>Complementary error function erfc(x).</summary>
    public static double Erfc(double x) => Evaluate(x, scaled: false);

    /// <summary>Scaled complementary error function exp(x²)·erfc(x).</summary>
    public static double Erfcx(double x) => Evaluate(x, scaled: true);

    // log(1 + x) without losing tiny x (double.LogP1 is Log(1 + x) in current .NET); Goldberg's correction.
    private static double LogOnePlus(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private static double Evaluate(double x, bool scaled)
    {
        var y = Math.Abs(x);
        double result;
        if (y <= ErfThreshold)
        {
            var ysq = 0.0;
            double erf;
            if (y > SmallArgument)
            {
                ysq = y * y;
                var num = A[4] * ysq;
                var den = ysq;
                for (var i = 0; i < 3; i++)
                {
                    num = (num + A[i]) * ysq;
                    den = (den + B[i]) * ysq;
                }

                erf = x * (num + A[3]) / (den + B[3]);
            }
            else
            {
                erf = x * A[3] / B[3];
            }

            result = 1.0 - erf;
            return scaled ? Math.Exp(ysq) * result : result;
        }

        if (y <= 4.0)
        {
            var num = C[8] * y;
            var den = y;
            for (var i = 0; i < 7; i++)
            {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }

            result = (num + C[7]) / (den + D[7]);
            if (!scaled)
            {
                result = ScaleDown(y, result);
            }
        }
        else
        {
            result = 0.0;
            if (y >= ErfcBig && (!scaled || y >= ErfcxMax))
            {
                return FixNegative(x, result, scaled);
            }

            if (y >= ErfcBig && y >= ErfcxHuge)
            {
                return FixNegative(x, OneOverSqrtPi / y, scaled);
            }

            var ysq = 1.0 / (y * y);
            var num = P[5] * ysq;
            var den = ysq;
            for (var i = 0; i < 4; i++)
            {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }

            result = ysq * (num + P[4]) / (den + Q[4]);
            result = (OneOverSqrtPi - result) / y;
            if (!scaled)
            {
                result = ScaleDown(y, result);
            }
        }

        return FixNegative(x, result, scaled);
    }

    // exp(-y²) split in two factors so the product keeps full precision (Cody's trick).
    private static double ScaleDown(double y, double value)
    {
        var ysq = Math.Truncate(y * 16.0) / 16.0;
        var del = (y - ysq) * (y + ysq);
        return Math.Exp(-ysq * ysq) * Math.Exp(-del) * value;
    }

    private static double FixNegative(double x, double value, bool scaled)
    {
        if (x >= 0)
        {
            return value;
        }

        if (!scaled)
        {
            return 2.0 - value;
        }

        if (x < ErfcxNegativeLimit)
        {
            return double.PositiveInfinity;
        }

        var ysq = Math.Truncate(x * 16.0) / 16.0;
        var del = (x - ysq) * (x + ysq);
        var twice = Math.Exp(ysq * ysq) * Math.Exp(del);
        return twice + twice - value;
    }
}
