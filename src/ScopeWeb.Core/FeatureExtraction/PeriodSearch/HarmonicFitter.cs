namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// Least-squares Fourier series at one frequency shared by all bands, weighted by 1/σ² (the multi-harmonic periodogram of
/// Schwarzenberg-Czerny 1996, ApJ 460, L107, extended to several bands as VanderPlas &amp; Ivezić 2015 do). One Cholesky
/// factorisation of the normal equations gives the χ² of every nested model (K = 0, 1, 2, … harmonics): with A = LLᵀ and
/// z = L⁻¹b, the χ² of the model made of the first p basis functions is Σwy² − Σ_{j&lt;p} z_j², because the factor of a
/// leading block of A is the leading block of L. Not thread-safe; one per search.
/// </summary>
internal sealed class HarmonicFitter
{
    private readonly BandedLightCurve _data;
    private readonly double[] _normal;
    private readonly double[] _rhs;
    private readonly double[] _shapeScale;
    private int _size;
    private int _rank;
    private bool[]? _include;
    private readonly double[] _table;
    private readonly int _stride;
    private double _tableFrequency = double.NaN;

    public HarmonicFitter(BandedLightCurve data, int maxHarmonics)
    {
        _data = data;
        var terms = data.BandCount + (2 * maxHarmonics);
        _normal = new double[terms * terms];
        _rhs = new double[terms];
        _shapeScale = new double[data.BandCount];
        MaxHarmonics = maxHarmonics;
        _stride = 1 + (2 * maxHarmonics);
        _table = new double[data.Count * _stride];
    }

    public int MaxHarmonics { get; }

    public BandedLightCurve Data => _data;

    /// <summary>
    /// The shared-shape multi-band model: every band is an offset plus a scaled copy of one Fourier series,
    /// m_b(t) = μ_b + α_b·Σ_k [c_k cos kθ + s_k sin kθ], θ = 2πft. A star's light-curve shape is nearly the same in every
    /// band (the amplitude changes with wavelength), so one shape fitted to all bands has far fewer free parameters than
    /// independent per-band series (B + (B−1) + 2K instead of B(1 + 2K)), and every band constrains the same harmonic phases.
    /// That is what separates sampling aliases when the bands are observed together (SDSS), where independent per-band fits
    /// absorb an alias's misfit. The scales α_b come from each band's own low-order fit projected on the strongest band's
    /// (one step of alternating least squares), which keeps the fit linear and nested. Fills <paramref name="chi2"/>[k] and
    /// <paramref name="parameters"/>[k] for k = 0..<paramref name="harmonics"/>; a model the phase coverage cannot support
    /// repeats the largest one that it can.
    /// </summary>
    public void FitSharedShape(double frequency, int harmonics, Span<double> chi2, Span<int> parameters)
    {
        if (harmonics < 1 || harmonics > MaxHarmonics)
        {
            throw new ArgumentOutOfRangeException(nameof(harmonics), harmonics, $"1–{MaxHarmonics} harmonics.");
        }

        var bands = _data.BandCount;
        FillTable(frequency);
        var usedBands = EstimateBandScales(frequency, harmonics);

        // Basis: one offset per band, then the shape's harmonics (scaled by α_b).
        var p = bands + (2 * harmonics);
        _size = p;
        Array.Clear(_normal, 0, p * p);
        Array.Clear(_rhs, 0, p);
        var yy = 0.0;
        for (var b = 0; b < bands; b++)
        {
            var alpha = _shapeScale[b];
            for (var i = _data.BandStart[b]; i < _data.BandStart[b + 1]; i++)
            {
                if (_include is not null && !_include[i])
                {
                    continue;
                }

                var w = _data.Weight[i];
                var y = _data.Residual[i];
                yy += w * y * y;
                _normal[(b * p) + b] += w;
                _rhs[b] += w * y;
                if (alpha == 0)
                {
                    continue;
                }

                var shape = BasisRow(i);
                var wa = w * alpha;
                for (var r = 0; r < 2 * harmonics; r++)
                {
                    var phiR = shape[r + 1];
                    var col = bands + r;
                    _normal[(b * p) + col] += wa * phiR;
                    _rhs[col] += wa * y * phiR;
                    var waa = wa * alpha * phiR;
                    for (var c = r; c < 2 * harmonics; c++)
                    {
                        _normal[(col * p) + bands + c] += waa * shape[c + 1];
                    }
                }
            }
        }

        _rank = Factor(p);
        ForwardSubstitute(_rank);
        var residual = yy;
        for (var j = 0; j < Math.Min(_rank, bands); j++)
        {
            residual -= _rhs[j] * _rhs[j];
        }

        var usable = _rank < bands ? 0 : (_rank - bands) / 2;
        for (var k = 0; k <= harmonics; k++)
        {
            if (k > 0 && k <= usable)
            {
                var j = bands + (2 * (k - 1));
                residual -= (_rhs[j] * _rhs[j]) + (_rhs[j + 1] * _rhs[j + 1]);
            }

            chi2[k] = Math.Max(residual, 0);
            var kk = Math.Min(k, usable);
            parameters[k] = bands + (kk > 0 ? usedBands - 1 + (2 * kk) : 0);
        }
    }

    /// <summary>
    /// Residuals (magnitudes, data − model) of the shared-shape <paramref name="harmonics"/>-harmonic model at
    /// <paramref name="frequency"/>. False when the phase coverage cannot support that model.
    /// </summary>
    public bool SharedShapeResiduals(double frequency, int harmonics, Span<double> residual)
    {
        var p = _data.BandCount + (2 * harmonics);
        Span<double> coefficients = stackalloc double[p];
        if (!SharedShapeCoefficients(frequency, harmonics, coefficients))
        {
            return false;
        }

        for (var i = 0; i < _data.Count; i++)
        {
            residual[i] = _data.Residual[i] - SharedShapeModel(i, frequency, harmonics, coefficients);
        }

        return true;
    }

    /// <summary>
    /// Normalised squared prediction errors w·(y − model)² of the points where <paramref name="train"/> is false, the model
    /// fitted to the other points, written into <paramref name="errors"/> (untouched for training points). A held-out point
    /// whose phase no training point comes near (within 1/(4K) of a cycle) is not predicted but extrapolated, and its
    /// error is NaN. False if the training points cannot support the model. Used to check that a more complex period
    /// hypothesis describes the star, not just the noise of the points it was fitted to.
    /// </summary>
    public bool PredictionErrors(double frequency, int harmonics, bool[] train, Span<double> errors)
    {
        var bins = 4 * harmonics;
        Span<int> trainingPerBin = stackalloc int[bins];
        for (var i = 0; i < _data.Count; i++)
        {
            if (train[i])
            {
                trainingPerBin[Math.Min((int)(Phase.Fraction(frequency * _data.Time[i]) * bins), bins - 1)]++;
            }
        }

        var p = _data.BandCount + (2 * harmonics);
        Span<double> coefficients = stackalloc double[p];
        _include = train;
        try
        {
            if (!SharedShapeCoefficients(frequency, harmonics, coefficients))
            {
                return false;
            }
        }
        finally
        {
            _include = null;
        }

        for (var i = 0; i < _data.Count; i++)
        {
            if (!train[i])
            {
                var bin = Math.Min((int)(Phase.Fraction(frequency * _data.Time[i]) * bins), bins - 1);
                var r = _data.Residual[i] - SharedShapeModel(i, frequency, harmonics, coefficients);
                errors[i] = trainingPerBin[bin] > 0 ? _data.Weight[i] * r * r : double.NaN;
            }
        }

        return true;
    }

    private bool SharedShapeCoefficients(double frequency, int harmonics, Span<double> coefficients)
    {
        Span<double> chi2 = stackalloc double[harmonics + 1];
        Span<int> parameters = stackalloc int[harmonics + 1];
        FitSharedShape(frequency, harmonics, chi2, parameters);
        var p = _data.BandCount + (2 * harmonics);
        if (_rank < p)
        {
            return false;
        }

        // Back substitution Lᵀc = z.
        for (var j = p - 1; j >= 0; j--)
        {
            var v = _rhs[j];
            for (var l = j + 1; l < p; l++)
            {
                v -= _normal[(l * p) + j] * coefficients[l];
            }

            coefficients[j] = v / _normal[(j * p) + j];
        }

        return true;
    }

    private double SharedShapeModel(int point, double frequency, int harmonics, ReadOnlySpan<double> coefficients)
    {
        var bands = _data.BandCount;
        var b = _data.BandOf(point);
        var model = coefficients[b];
        if (_shapeScale[b] != 0)
        {
            var shape = BasisRow(point);
            for (var r = 0; r < 2 * harmonics; r++)
            {
                model += _shapeScale[b] * coefficients[bands + r] * shape[r + 1];
            }
        }

        return model;
    }

    /// <summary>
    /// Coefficients of one band's own <paramref name="harmonics"/>-harmonic series, [a, c1, s1, c2, s2, …], the variances
    /// the errors imply (diagonal of the inverse normal matrix; skipped when <paramref name="variances"/> is empty) and the
    /// fit's χ². False if the band is too short or its phase coverage too poor.
    /// </summary>
    public bool Coefficients(int band, double frequency, int harmonics, Span<double> coefficients, Span<double> variances, out double chi2)
    {
        chi2 = double.NaN;
        var p = 1 + (2 * harmonics);
        if (_data.BandCountOf(band) <= p + 1)
        {
            return false;
        }

        _size = p;
        Array.Clear(_normal, 0, p * p);
        Array.Clear(_rhs, 0, p);
        var yy = 0.0;
        FillTable(frequency);
        for (var i = _data.BandStart[band]; i < _data.BandStart[band + 1]; i++)
        {
            if (_include is not null && !_include[i])
            {
                continue;
            }

            var w = _data.Weight[i];
            var y = _data.Residual[i];
            yy += w * y * y;
            var basis = BasisRow(i);
            for (var r = 0; r < p; r++)
            {
                var wr = w * basis[r];
                _rhs[r] += wr * y;
                for (var c = r; c < p; c++)
                {
                    _normal[(r * p) + c] += wr * basis[c];
                }
            }
        }

        if (Factor(p) < p)
        {
            return false;
        }

        ForwardSubstitute(p);
        chi2 = yy;
        for (var j = 0; j < p; j++)
        {
            chi2 -= _rhs[j] * _rhs[j];
        }

        chi2 = Math.Max(chi2, 0);
        for (var j = p - 1; j >= 0; j--)
        {
            var v = _rhs[j];
            for (var l = j + 1; l < p; l++)
            {
                v -= _normal[(l * p) + j] * coefficients[l];
            }

            coefficients[j] = v / _normal[(j * p) + j];
        }

        if (variances.IsEmpty)
        {
            return true;
        }

        // A⁻¹ = L⁻ᵀL⁻¹, so (A⁻¹)_cc = Σ_r (L⁻¹)_rc²: solve Lx = e_c for each column of L⁻¹.
        Span<double> column = stackalloc double[p];
        for (var c = 0; c < p; c++)
        {
            variances[c] = 0;
            for (var r = c; r < p; r++)
            {
                var v = r == c ? 1.0 : 0.0;
                for (var l = c; l < r; l++)
                {
                    v -= _normal[(r * p) + l] * column[l];
                }

                column[r] = v / _normal[(r * p) + r];
                variances[c] += column[r] * column[r];
            }
        }

        return true;
    }

    /// <summary>
    /// α_b for the shared-shape model from each band's own fit with up to two harmonics, projected on the band with the
    /// most significant variation (two harmonics, because an eclipsing binary at its orbital frequency varies mostly at the
    /// second); returns how many bands carry the shape (α ≠ 0).
    /// </summary>
    private int EstimateBandScales(double frequency, int harmonics)
    {
        var bands = _data.BandCount;
        var k = Math.Min(harmonics, 2);
        var terms = 2 * k;
        Span<double> fit = stackalloc double[1 + terms];
        Span<double> shape = stackalloc double[bands * terms];
        Span<bool> fitted = stackalloc bool[bands];
        var reference = -1;
        var referenceSignal = 0.0;
        for (var b = 0; b < bands; b++)
        {
            var kb = k;
            while (kb >= 1 && !Coefficients(b, frequency, kb, fit, default, out _))
            {
                kb--;
            }

            if (kb < 1)
            {
                continue;
            }

            // Signal-to-noise² of the band's variation: amplitude² times the band's total weight.
            fitted[b] = true;
            double signal = 0;
            for (var j = 0; j < terms; j++)
            {
                shape[(b * terms) + j] = j < 2 * kb ? fit[j + 1] : 0;
                signal += shape[(b * terms) + j] * shape[(b * terms) + j];
            }

            signal *= _data.BandChi2[b] / Math.Max(_data.BandYy[b], double.Epsilon);

            if (signal > referenceSignal)
            {
                referenceSignal = signal;
                reference = b;
            }
        }

        var used = 0;
        for (var b = 0; b < bands; b++)
        {
            double dot = 0, norm = 0;
            if (reference >= 0 && fitted[b])
            {
                for (var j = 0; j < terms; j++)
                {
                    dot += shape[(b * terms) + j] * shape[(reference * terms) + j];
                    norm += shape[(reference * terms) + j] * shape[(reference * terms) + j];
                }
            }

            var scale = norm > 0 ? dot / norm : 0;

            // A band whose variation is not in phase with the reference contributes its mean only.
            _shapeScale[b] = Math.Abs(scale) < 1e-3 ? 0 : scale;
            used += _shapeScale[b] != 0 ? 1 : 0;
        }

        return used;
    }

    /// <summary>Point i's basis: 1, cos θ, sin θ, cos 2θ, sin 2θ, … up to <see cref="MaxHarmonics"/>.</summary>
    private ReadOnlySpan<double> BasisRow(int point) => _table.AsSpan(point * _stride, _stride);

    /// <summary>
    /// Basis of every point at <paramref name="frequency"/>, θ = 2πft, harmonics by complex multiplication (one sine and
    /// cosine per point); kept while the frequency stays the same, since every fit at one frequency shares it.
    /// </summary>
    private void FillTable(double frequency)
    {
        if (frequency == _tableFrequency)
        {
            return;
        }

        for (var i = 0; i < _data.Count; i++)
        {
            var row = _table.AsSpan(i * _stride, _stride);
            var (s1, c1) = Math.SinCos(Phase.Radians(frequency * _data.Time[i]));
            row[0] = 1;
            double c = c1, s = s1;
            for (var j = 1; j + 1 < _stride; j += 2)
            {
                row[j] = c;
                row[j + 1] = s;
                var cn = (c * c1) - (s * s1);
                s = (s * c1) + (c * s1);
                c = cn;
            }
        }

        _tableFrequency = frequency;
    }

    /// <summary>
    /// In-place Cholesky of the p×p normal matrix (upper triangle in, L in the lower triangle); returns how many columns
    /// factored before a (near-)singular pivot.
    /// </summary>
    private int Factor(int p)
    {
        for (var j = 0; j < p; j++)
        {
            var diag = _normal[(j * p) + j];
            var d = diag;
            for (var l = 0; l < j; l++)
            {
                d -= _normal[(j * p) + l] * _normal[(j * p) + l];
            }

            // Columns nearly collinear with earlier ones (poor phase coverage at this frequency) end the usable model.
            if (!(d > 1e-10 * diag) || diag <= 0)
            {
                return j;
            }

            var ljj = Math.Sqrt(d);
            _normal[(j * p) + j] = ljj;
            for (var r = j + 1; r < p; r++)
            {
                var v = _normal[(j * p) + r];
                for (var l = 0; l < j; l++)
                {
                    v -= _normal[(r * p) + l] * _normal[(j * p) + l];
                }

                _normal[(r * p) + j] = v / ljj;
            }
        }

        return p;
    }

    /// <summary>z = L⁻¹b over the first <paramref name="rank"/> entries.</summary>
    private void ForwardSubstitute(int rank)
    {
        var p = _size;
        for (var j = 0; j < rank; j++)
        {
            var v = _rhs[j];
            for (var l = 0; l < j; l++)
            {
                v -= _normal[(j * p) + l] * _rhs[l];
            }

            _rhs[j] = v / _normal[(j * p) + j];
        }
    }
}
