namespace ScopeWeb.Core.LightCurves;

/// <summary>
/// One band's photometry as parallel arrays, sorted by time. Upper limits (non-detections) carry the
/// limiting magnitude in <see cref="Mag"/> and NaN in <see cref="MagErr"/>.
/// </summary>
public sealed class Photometry
{
    public Photometry(double[] mjd, float[] mag, float[] magErr, ushort[] catFlags, bool[] isUpperLimit)
    {
        var n = mjd.Length;
        if (mag.Length != n || magErr.Length != n || catFlags.Length != n || isUpperLimit.Length != n)
        {
            throw new ArgumentException("Photometry arrays must all have the same length.");
        }

        Mjd = mjd;
        Mag = mag;
        MagErr = magErr;
        CatFlags = catFlags;
        IsUpperLimit = isUpperLimit;
    }

    public static Photometry Empty { get; } = new([], [], [], [], []);

    public int Count => Mjd.Length;
    public double[] Mjd { get; }
    public float[] Mag { get; }
    public float[] MagErr { get; }

    /// <summary>ZTF catflags bit mask; 0 means a clean point (SCoPe keeps only those).</summary>
    public ushort[] CatFlags { get; }

    public bool[] IsUpperLimit { get; }

    public int DetectionCount
    {
        get
        {
            var n = 0;
            foreach (var u in IsUpperLimit)
            {
                if (!u)
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>Builds photometry from unordered points, sorting them by time.</summary>
    public static Photometry FromPoints(IReadOnlyList<PhotometryPoint> points)
    {
        var sorted = points.OrderBy(p => p.Mjd).ToArray();
        var n = sorted.Length;
        var mjd = new double[n];
        var mag = new float[n];
        var err = new float[n];
        var flags = new ushort[n];
        var ul = new bool[n];
        for (var i = 0; i < n; i++)
        {
            mjd[i] = sorted[i].Mjd;
            mag[i] = sorted[i].Mag;
            err[i] = sorted[i].MagErr;
            flags[i] = sorted[i].CatFlags;
            ul[i] = sorted[i].IsUpperLimit;
        }

        return new Photometry(mjd, mag, err, flags, ul);
    }
}

/// <summary>A single measurement; used while building light curves.</summary>
public readonly record struct PhotometryPoint(double Mjd, float Mag, float MagErr, ushort CatFlags = 0, bool IsUpperLimit = false);
