using System.Buffers;

namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// Finds the period of a light curve from all its bands at once. See <see cref="PeriodAlgorithm"/> for the algorithms;
/// the default is SCoPe's nested <c>ELS_ECE_EAOV</c> search:
/// <list type="number">
/// <item>ELS: the multi-band generalised Lomb–Scargle periodogram over the whole grid (SIMD scan at
/// <see cref="PeriodSearchOptions.ScanSamplesPerPeak"/>); its <see cref="PeriodSearchOptions.TopPeaks"/> highest peaks,
/// refined, plus the sub-harmonics (f/2, f/3), first harmonic (2f) and sampling aliases of the strongest ones.</item>
/// <item>ECE: conditional entropy at those frequencies (or on the whole grid with
/// <see cref="PeriodSearchOptions.ConditionalEntropyOnFullGrid"/>, adding its lowest minima).</item>
/// <item>EAOV: analysis of variance ranks the pooled candidates (SCoPe's final choice).</item>
/// <item>With <see cref="PeriodSearchOptions.ResolveAliases"/>: the best few candidates of each statistic, their sampling
/// aliases and half/double frequencies are fitted with multi-band Fourier series (1..MaxHarmonics terms, one frequency
/// shared by all bands) and the lowest BIC wins. A sampling alias fits the data at the observation times but its harmonics
/// do not line up with the true light curve's, and every extra band adds independent evidence, so the multi-harmonic,
/// multi-band likelihood separates aliases that a single sinusoid in one band cannot. The comparison is made honest about
/// noise (per-band extra variance, correlated residuals of simultaneous bands) and about sub-harmonics: a longer period
/// f/k must beat f by very strong evidence and predict held-out data better (see <c>CompareFourierModels</c>).</item>
/// <item>With <see cref="PeriodSearchOptions.EclipsingBinariesAtOrbitalPeriod"/>: the half-period ambiguity of eclipsing
/// binaries (see <see cref="EclipsingBinaryTests"/>).</item>
/// </list>
/// </summary>
public static class PeriodSearch
{
    /// <summary>SCoPe's feature suffix of the nested search.</summary>
    public const string NestedName = "ELS_ECE_EAOV";

    public const string LombScargleName = "ELS";
    public const string ConditionalEntropyName = "ECE";
    public const string AnalysisOfVarianceName = "EAOV";
    public const string FourierName = "FOURIER";

    /// <summary>Sidereal day, 1/day: a field returns to the same hour angle each sidereal day, the strongest sampling alias.</summary>
    internal const double SiderealFrequencyPerDay = 1.0027379093;

    /// <summary>One year, 1/day: the seasonal visibility alias.</summary>
    internal const double YearFrequencyPerDay = 1.0 / 365.25;

    /// <summary>Candidates of each statistic (GLS, CE, AOV) that go on to the multi-harmonic comparison with their relatives.</summary>
    private const int SeedsPerStatistic = 3;

    /// <summary>GLS peaks whose sub-harmonics, harmonic and aliases join the AOV/CE pool.</summary>
    private const int ExpandedPeaks = 10;

    /// <summary>Strongest window-function peaks used as alias offsets, besides the sidereal day and the year.</summary>
    private const int WindowPeaks = 3;

    /// <summary>Largest k for which f/k is weighed against f (see the sub-harmonic rule in the Fourier comparison).</summary>
    private const int MaxSubharmonic = 4;

    /// <summary>Cycles of a longer (sub-harmonic) period the data must cover before it can replace the shorter one.</summary>
    private const double MinCyclesForSubharmonic = 3;

    /// <summary>ΔBIC of "very strong" evidence (Kass &amp; Raftery 1995), demanded of a more complex period hypothesis.</summary>
    private const double StrongEvidence = 10;

    /// <summary>Multi-harmonic candidates kept from the first (cheap) round for the second.</summary>
    private const int Shortlist = 12;

    /// <summary>Multi-harmonic candidates refined by golden-section search before the final BIC choice.</summary>
    private const int Finalists = 3;

    /// <summary>Searches one source (its bands share the period). Throws <see cref="ArgumentException"/> on unusable input.</summary>
    public static PeriodSearchResult Search(IReadOnlyList<PreparedLightCurve> bands, PeriodSearchOptions? options = null)
    {
        options ??= new PeriodSearchOptions();
        options.Validate();
        var data = BandedLightCurve.From(bands);
        var grid = FrequencyGrid.For(data.BaselineDays, options, options.ScanSamplesPerPeak);
        return options.Algorithm switch
        {
            PeriodAlgorithm.LombScargle => SearchLombScargle(data, grid, options),
            PeriodAlgorithm.ConditionalEntropy => SearchBinned(data, grid, options, entropy: true),
            PeriodAlgorithm.AnalysisOfVariance => SearchBinned(data, grid, options, entropy: false),
            _ => new NestedSearch(data, grid, options).Run(),
        };
    }

    /// <summary>
    /// Searches many sources in parallel, one source per core at a time (each search is single-threaded and cache-friendly,
    /// so parallelism across light curves scales better than splitting one grid). Results are in input order.
    /// </summary>
    public static PeriodSearchResult[] SearchMany(
        IReadOnlyList<IReadOnlyList<PreparedLightCurve>> sources,
        PeriodSearchOptions? options = null,
        int maxDegreeOfParallelism = -1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        options ??= new PeriodSearchOptions();
        options.Validate();
        var results = new PeriodSearchResult[sources.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, sources.Count, parallel, i => results[i] = Search(sources[i], options));
        return results;
    }

    private static PeriodSearchResult SearchLombScargle(BandedLightCurve data, FrequencyGrid grid, PeriodSearchOptions options)
    {
        var power = ArrayPool<float>.Shared.Rent(grid.Count);
        try
        {
            var scan = power.AsSpan(0, grid.Count);
            LombScargleKernel.Scan(data, grid.MinFrequencyPerDay, grid.StepPerDay, scan, window: default);
            var (mean, std) = Peaks.Moments(scan);
            var top = Peaks.Top(scan, options.TopPeaks, highest: true);
            var candidates = new List<PeriodCandidate>(top.Length);
            foreach (var index in top)
            {
                var (offset, height) = Peaks.Parabolic(scan, index);
                candidates.Add(new PeriodCandidate(1.0 / (grid.FrequencyAt(index) + (offset * grid.StepPerDay)), height, LombScargleName));
            }

            var best = top[0];
            var f = Refine.Maximize(freq => GeneralizedLombScargle.PowerAt(data, freq), grid.FrequencyAt(best), grid.StepPerDay);
            var p = GeneralizedLombScargle.PowerAt(data, f);
            return new PeriodSearchResult
            {
                PeriodDays = 1.0 / f,
                Significance = std > 0 ? (p - mean) / std : 0,
                Algorithm = LombScargleName,
                Decision = PeriodDecision.BestPeak,
                Grid = grid,
                Periodogram = Peaks.Decimate(scan, grid, LombScargleName, highest: true),
                Candidates = candidates,
            };
        }
        finally
        {
            ArrayPool<float>.Shared.Return(power);
        }
    }

    private static PeriodSearchResult SearchBinned(BandedLightCurve data, FrequencyGrid grid, PeriodSearchOptions options, bool entropy)
    {
        var values = ArrayPool<float>.Shared.Rent(grid.Count);
        try
        {
            var scan = values.AsSpan(0, grid.Count);
            Func<double, double> score;
            if (entropy)
            {
                var ce = new ConditionalEntropyEvaluator(data, options.PhaseBins, options.MagBins);
                ce.Scan(grid.MinFrequencyPerDay, grid.StepPerDay, scan);
                score = f => -ce.At(f);
            }
            else
            {
                var aov = new AnalysisOfVarianceEvaluator(data, options.AovPhaseBins);
                aov.Scan(grid.MinFrequencyPerDay, grid.StepPerDay, scan);
                score = aov.At;
            }

            var name = entropy ? ConditionalEntropyName : AnalysisOfVarianceName;
            var (mean, std) = Peaks.Moments(scan);
            var top = Peaks.Top(scan, options.TopPeaks, highest: !entropy);
            var candidates = new List<PeriodCandidate>(top.Length);
            foreach (var i in top)
            {
                candidates.Add(new PeriodCandidate(1.0 / grid.FrequencyAt(i), scan[i], name));
            }


            // Binned statistics are step functions of frequency: refine on a fine grid, not with a parabola.
            var f = Refine.ScanMaximum(score, grid.FrequencyAt(top[0]), grid.StepPerDay, options);
            var value = score(f);
            var significance = std > 0 ? (entropy ? (mean + value) / std : (value - mean) / std) : 0;
            return new PeriodSearchResult
            {
                PeriodDays = 1.0 / f,
                Significance = significance,
                Algorithm = name,
                Decision = PeriodDecision.BestPeak,
                Grid = grid,
                Periodogram = Peaks.Decimate(scan, grid, name, highest: !entropy),
                Candidates = candidates,
            };
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
    }

    /// <summary>One run of the nested search; holds the per-light-curve evaluators.</summary>
    private sealed class NestedSearch(BandedLightCurve data, FrequencyGrid grid, PeriodSearchOptions options)
    {
        private readonly AnalysisOfVarianceEvaluator _aov = new(data, options.AovPhaseBins);
        private readonly ConditionalEntropyEvaluator _ce = new(data, options.PhaseBins, options.MagBins);
        private readonly PhaseBinning _binning = new(data.Time);
        private readonly double[] _phases = new double[data.Count];
        private HarmonicFitter _fitter = new(data, options.MaxHarmonics);
        private readonly double _fMin = grid.MinFrequencyPerDay;
        private readonly double _fMax = options.MaxFrequencyPerDay;

        public PeriodSearchResult Run()
        {
            var power = ArrayPool<float>.Shared.Rent(grid.Count);
            var window = ArrayPool<float>.Shared.Rent(grid.Count);
            float[]? entropy = null;
            try
            {
                var scan = power.AsSpan(0, grid.Count);
                var windowScan = window.AsSpan(0, grid.Count);
                LombScargleKernel.Scan(data, grid.MinFrequencyPerDay, grid.StepPerDay, scan, windowScan);
                var (mean, std) = Peaks.Moments(scan);

                // ELS: the highest peaks, each located between grid samples by a parabola.
                var glsPeaks = new List<(double Frequency, double Power)>(options.TopPeaks);
                foreach (var i in Peaks.Top(scan, options.TopPeaks, highest: true))
                {
                    var (offset, height) = Peaks.Parabolic(scan, i);
                    glsPeaks.Add((grid.FrequencyAt(i) + (offset * grid.StepPerDay), height));
                }

                var aliasOffsets = AliasOffsets(windowScan);

                // The pool for AOV and CE: GLS peaks, and for the strongest the places a non-sinusoidal or aliased signal's
                // true frequency would be.
                var pool = new CandidatePool(grid.StepPerDay * 0.5);
                foreach (var (f, _) in glsPeaks)
                {
                    pool.Add(f);
                }

                foreach (var (f, _) in glsPeaks.Take(ExpandedPeaks))
                {
                    pool.Add(f / 2);
                    pool.Add(f / 3);
                    pool.Add(2 * f);
                    foreach (var a in aliasOffsets)
                    {
                        pool.Add(f + a);
                        pool.Add(Math.Abs(f - a));
                    }
                }

                // ECE on the whole grid when asked (SCoPe's GPU behaviour): its lowest minima join the pool.
                if (options.ConditionalEntropyOnFullGrid)
                {
                    entropy = ArrayPool<float>.Shared.Rent(grid.Count);
                    var ceScan = entropy.AsSpan(0, grid.Count);
                    _ce.Scan(grid.MinFrequencyPerDay, grid.StepPerDay, ceScan);
                    foreach (var i in Peaks.Top(ceScan, options.TopPeaks, highest: false))
                    {
                        pool.Add(grid.FrequencyAt(i));
                    }
                }

                var scored = pool.Frequencies
                    .Where(InRange)
                    .Select(f => ScoreBinned(f))
                    .ToList();
                var byAov = scored.OrderByDescending(c => c.Aov).ToList();
                var byCe = scored.OrderBy(c => c.Entropy).ToList();

                var candidates = new List<PeriodCandidate>();
                candidates.AddRange(glsPeaks.Select(p => new PeriodCandidate(1.0 / p.Frequency, p.Power, LombScargleName)));
                candidates.AddRange(byCe.Take(options.TopPeaks).Select(c => new PeriodCandidate(1.0 / c.Frequency, c.Entropy, ConditionalEntropyName)));
                candidates.AddRange(byAov.Take(options.TopPeaks).Select(c => new PeriodCandidate(1.0 / c.Frequency, c.Aov, AnalysisOfVarianceName)));

                var bestAov = byAov[0].Frequency;
                var chosen = bestAov;
                var decision = PeriodDecision.BestPeak;
                var harmonics = 0;
                if (options.ResolveAliases)
                {
                    var seeds = byAov.Take(SeedsPerStatistic).Select(c => c.Frequency)
                        .Concat(byCe.Take(SeedsPerStatistic).Select(c => c.Frequency))
                        .Concat(glsPeaks.Take(SeedsPerStatistic).Select(p => p.Frequency));
                    var fourier = CompareFourierModels(seeds, aliasOffsets);
                    candidates.AddRange(fourier.Ranked.Take(10).Select(c => new PeriodCandidate(1.0 / c.Frequency, c.BicGain, FourierName)));
                    chosen = fourier.Best.Frequency;
                    harmonics = fourier.Best.Harmonics;
                    if (Math.Abs(chosen - bestAov) > grid.StepPerDay)
                    {
                        decision = PeriodDecision.AliasResolved;
                    }
                }
                else
                {
                    chosen = Refine.ScanMaximum(_aov.At, bestAov, grid.StepPerDay, options);
                }

                if (options.EclipsingBinariesAtOrbitalPeriod)
                {
                    var tests = new EclipsingBinaryTests(_fitter.Data, _fitter, DesignEffect);
                    var doubled = tests.Decide(chosen);
                    if (doubled != PeriodDecision.BestPeak)
                    {
                        decision = doubled;
                        chosen /= 2;
                    }
                }

                // Significance of the Lomb–Scargle peak that carries the signal: at the reported frequency or its first harmonic.
                var peak = Math.Max(PowerNear(scan, chosen), PowerNear(scan, 2 * chosen));
                return new PeriodSearchResult
                {
                    PeriodDays = 1.0 / chosen,
                    Significance = std > 0 ? (peak - mean) / std : 0,
                    Algorithm = NestedName,
                    Decision = decision,
                    Harmonics = harmonics,
                    Grid = grid,
                    Periodogram = Peaks.Decimate(scan, grid, LombScargleName, highest: true),
                    Candidates = candidates,
                };
            }
            finally
            {
                ArrayPool<float>.Shared.Return(power);
                ArrayPool<float>.Shared.Return(window);
                if (entropy is not null)
                {
                    ArrayPool<float>.Shared.Return(entropy);
                }
            }
        }

        private bool InRange(double f) => f >= _fMin * 0.999 && f <= _fMax;

        /// <summary>AOV and CE at a pool frequency, each at its best of f and f ± ¼ scan step (their peaks are narrower than GLS's).</summary>
        private (double Frequency, double Aov, double Entropy) ScoreBinned(double f)
        {
            double bestAov = double.NegativeInfinity, bestAovF = f, bestCe = double.PositiveInfinity;
            for (var k = -1; k <= 1; k++)
            {
                var trial = f + (k * 0.25 * grid.StepPerDay);
                _binning.Phases(trial, _phases);
                var aov = _aov.AtPhases(_phases);
                if (aov > bestAov)
                {
                    bestAov = aov;
                    bestAovF = trial;
                }

                bestCe = Math.Min(bestCe, _ce.AtPhases(_phases));
            }

            return (bestAovF, bestAov, bestCe);
        }

        /// <summary>
        /// Offsets at which the sampling makes copies of a signal: the sidereal day (a field is observed at about the same
        /// hour angle night after night), its double, the year (seasons), and the strongest peaks of this light curve's own
        /// window function |Σw e^{2πift}|², which catch whatever other rhythm the schedule has.
        /// </summary>
        private List<double> AliasOffsets(ReadOnlySpan<float> window)
        {
            var offsets = new List<double> { SiderealFrequencyPerDay, 2 * SiderealFrequencyPerDay, YearFrequencyPerDay };
            foreach (var i in Peaks.Top(window, WindowPeaks, highest: true))
            {
                var f = grid.FrequencyAt(i);
                if (offsets.All(o => Math.Abs(o - f) > 3 * grid.StepPerDay))
                {
                    offsets.Add(f);
                }
            }

            return offsets;
        }

        private float PowerNear(ReadOnlySpan<float> scan, double f)
        {
            var i = (int)Math.Round((f - grid.MinFrequencyPerDay) / grid.StepPerDay);
            var best = 0f;
            for (var k = i - 1; k <= i + 1; k++)
            {
                if (k >= 0 && k < scan.Length)
                {
                    best = Math.Max(best, scan[k]);
                }
            }

            return best;
        }

        /// <summary>
        /// The BIC choice among the seeds and their relatives (f/2, 2f, f ± each alias offset), in three rounds of increasing
        /// cost: every candidate fitted once with the catalogue's error bars; the best dozen again with the extra variance
        /// (<see cref="NoiseModel.BandJitter"/>) the best model leaves unexplained, each at its frequency and ±⅓ scan step;
        /// the best four refined by golden-section search, so aliases are compared at their own best frequencies. χ² is
        /// divided by the best fit's reduced χ² (if above 1) and by the design effect of its residuals
        /// (<see cref="NoiseModel.DesignEffect"/>), so neither optimistic error bars nor deviations shared by simultaneous
        /// measurements turn small differences into "very strong" evidence.
        /// </summary>
        private (FourierCandidate Best, List<FourierCandidate> Ranked) CompareFourierModels(IEnumerable<double> seeds, List<double> aliasOffsets)
        {
            var pool = new CandidatePool(grid.StepPerDay * 0.5);
            foreach (var f in seeds)
            {
                pool.Add(f);
                pool.Add(f / 2);
                pool.Add(2 * f);
                foreach (var a in aliasOffsets)
                {
                    pool.Add(f + a);
                    pool.Add(Math.Abs(f - a));
                }
            }

            var kMax = options.MaxHarmonics;
            var residual = new double[data.Count];

            // Round 1: catalogue error bars, one fit (up to three harmonics) per candidate.
            var fits = Screen(pool.Frequencies.Where(InRange).ToList(), trials: 1, Math.Min(kMax, 3));
            var k1 = Math.Min(kMax, 3);
            var bestFit = fits.MinBy(x => x.Chi2[k1]);
            var firstScale = NoiseScale(bestFit.Chi2[k1], bestFit.Parameters[k1], data.Count);
            var shortlist = fits.Select(x => Score(x.Frequency, x.Chi2, x.Parameters, firstScale)).OrderBy(c => c.Bic).Take(Shortlist).Select(c => c.Frequency).ToList();

            // Round 2: weights that include the scatter the best model cannot explain.
            if (_fitter.SharedShapeResiduals(bestFit.Frequency, k1, residual))
            {
                var jitter = NoiseModel.BandJitter(data, residual, bestFit.Parameters[k1]);
                if (jitter.Any(j => j > 0))
                {
                    _fitter = new HarmonicFitter(data.WithExtraVariance(jitter), kMax);
                }
            }

            fits = Screen(shortlist, trials: 3, kMax);
            bestFit = fits.MinBy(x => x.Chi2[kMax]);
            var designEffect = _fitter.SharedShapeResiduals(bestFit.Frequency, kMax, residual) ? NoiseModel.DesignEffect(_fitter.Data, residual) : 1;
            var scale = NoiseScale(bestFit.Chi2[kMax], bestFit.Parameters[kMax], data.Count) * designEffect;
            DesignEffect = designEffect;
            var ranked = fits.Select(x => Score(x.Frequency, x.Chi2, x.Parameters, scale)).OrderBy(c => c.Bic).ToList();

            // Round 3: golden-section refinement of the finalists at their chosen number of harmonics.
            var refined = ranked.Take(Finalists).Select(c => RefineFourier(c.Frequency, Math.Max(c.Harmonics, 1), scale)).ToList();
            refined.Sort((a, b) => a.Bic.CompareTo(b.Bic));
            var best = refined[0];

            // A model at f/k contains the model at f (its k-th harmonics), so choosing f/k over f claims that consecutive
            // cycles differ. Like any added complexity that needs very strong evidence: the shortest period k·f (k ≤ 4) is
            // kept unless the longer one is better by ΔBIC ≥ 10 and also predicts held-out data better. The second condition
            // matters for stars whose cycles differ at random (semi-regular variables, red noise): a sub-harmonic model fits
            // the particular wanderings of the points it is given, which do not repeat. When the longer period is covered
            // fewer than three times, differences between its cycles cannot be told from cycle-to-cycle irregularity (Miras)
            // and cross-validation has too few cycles to work with; there k·f is kept if it explains at least 90% of what
            // the longer period does. (Eclipsing binaries' doubled periods are decided separately.)
            var fewCycles = best.Frequency * data.BaselineDays < MinCyclesForSubharmonic;
            for (var k = MaxSubharmonic; k >= 2; k--)
            {
                var fk = k * best.Frequency;
                if (fk > _fMax)
                {
                    continue;
                }

                // A quick fit first: the harmonic of a genuine period usually fits far worse and needs no refinement.
                var rough = Screen([fk], trials: 3, kMax);
                var roughScore = Score(rough[0].Frequency, rough[0].Chi2, rough[0].Parameters, scale);
                var plausible = fewCycles ? roughScore.BicGain >= 0.8 * best.BicGain : roughScore.Bic <= best.Bic + (10 * StrongEvidence);
                if (!plausible)
                {
                    continue;
                }

                var harmonic = RefineFourier(rough[0].Frequency, Math.Max(best.Harmonics / k, 1), scale);
                var keepShorter = fewCycles
                    ? harmonic.BicGain >= 0.9 * best.BicGain
                    : harmonic.Bic <= best.Bic + StrongEvidence || !PredictsBetter(best, harmonic);
                if (keepShorter)
                {
                    refined.Insert(0, harmonic);
                    best = harmonic;
                    break;
                }
            }

            return (best, refined.Concat(ranked.Skip(Finalists)).ToList());
        }

        /// <summary>
        /// Two-fold cross-validation on interleaved eighths of the baseline (so both folds span the whole time range):
        /// whether <paramref name="candidate"/>, fitted on one half, predicts the other half better than
        /// <paramref name="other"/>, comparing χ² over the held-out points that both models predict rather than extrapolate.
        /// </summary>
        private bool PredictsBetter(FourierCandidate candidate, FourierCandidate other)
        {
            var fitted = _fitter.Data;
            var start = fitted.Time.Min();
            var block = fitted.BaselineDays / 8;
            var fold = new bool[fitted.Count];
            var complement = new bool[fitted.Count];
            for (var i = 0; i < fitted.Count; i++)
            {
                fold[i] = Math.Min((int)((fitted.Time[i] - start) / block), 7) % 2 == 0;
                complement[i] = !fold[i];
            }

            double[]? Errors(FourierCandidate c)
            {
                var k = Math.Max(c.Harmonics, 1);
                var errors = new double[fitted.Count];
                return _fitter.PredictionErrors(c.Frequency, k, fold, errors) && _fitter.PredictionErrors(c.Frequency, k, complement, errors) ? errors : null;
            }

            var candidateErrors = Errors(candidate);
            var otherErrors = Errors(other);
            if (candidateErrors is null)
            {
                return false;
            }

            if (otherErrors is null)
            {
                return true;
            }

            // Compare on the points both models genuinely predict.
            double mine = 0, theirs = 0;
            for (var i = 0; i < fitted.Count; i++)
            {
                if (double.IsFinite(candidateErrors[i]) && double.IsFinite(otherErrors[i]))
                {
                    mine += candidateErrors[i];
                    theirs += otherErrors[i];
                }
            }

            return mine < theirs;
        }

        /// <summary>Each frequency's shared-shape fits (all K); with three trials, at the best of f and f ± ⅓ scan step.</summary>
        private List<(double Frequency, double[] Chi2, int[] Parameters)> Screen(List<double> frequencies, int trials, int kMax)
        {
            var chi2 = new double[kMax + 1];
            var parameters = new int[kMax + 1];
            var fits = new List<(double Frequency, double[] Chi2, int[] Parameters)>(frequencies.Count);
            foreach (var f in frequencies)
            {
                var screened = (Frequency: f, Chi2: double.PositiveInfinity);
                for (var k = -(trials / 2); k <= trials / 2; k++)
                {
                    var trial = f + (k * grid.StepPerDay / 3);
                    _fitter.FitSharedShape(trial, kMax, chi2, parameters);
                    if (chi2[kMax] < screened.Chi2)
                    {
                        screened = (trial, chi2[kMax]);
                    }
                }

                _fitter.FitSharedShape(screened.Frequency, kMax, chi2, parameters);
                fits.Add((screened.Frequency, (double[])chi2.Clone(), (int[])parameters.Clone()));
            }

            return fits;
        }

        /// <summary>Golden-section search of the shared-shape χ² (k harmonics) within ⅓ scan step, then the BIC score.</summary>
        private FourierCandidate RefineFourier(double frequency, int harmonics, double scale)
        {
            var kMax = options.MaxHarmonics;
            var chi2 = new double[kMax + 1];
            var parameters = new int[kMax + 1];
            var f = Refine.Minimize(
                freq =>
                {
                    _fitter.FitSharedShape(freq, harmonics, chi2, parameters);
                    return chi2[harmonics];
                },
                frequency,
                grid.StepPerDay / 3,
                iterations: 10);
            _fitter.FitSharedShape(f, kMax, chi2, parameters);
            return Score(f, chi2, parameters, scale);
        }

        /// <summary>Design effect of the best fit's residuals (1 until the Fourier comparison has run).</summary>
        public double DesignEffect { get; private set; } = 1;

        private static double NoiseScale(double chi2, int parameters, int points)
        {
            var dof = Math.Max(1, points - parameters);
            return Math.Max(1.0, chi2 / dof);
        }

        private FourierCandidate Score(double f, double[] chi2, int[] parameters, double scale)
        {
            var lnN = Math.Log(data.Count);
            var bestK = 0;
            var bestBic = double.PositiveInfinity;
            for (var k = 0; k < chi2.Length; k++)
            {
                var bic = (chi2[k] / scale) + (parameters[k] * lnN);
                if (bic < bestBic)
                {
                    bestBic = bic;
                    bestK = k;
                }
            }

            // The prior on the frequency is uniform, as the evenly spaced grid implies, so it adds nothing to the BIC.
            var constantBic = (chi2[0] / scale) + (parameters[0] * lnN);
            return new FourierCandidate(f, bestBic, bestK, constantBic - bestBic);
        }
    }

    private readonly record struct FourierCandidate(double Frequency, double Bic, int Harmonics, double BicGain);

    /// <summary>Frequencies without near-duplicates (closer than the tolerance to one already held).</summary>
    private sealed class CandidatePool(double tolerance)
    {
        private readonly List<double> _frequencies = [];

        public IReadOnlyList<double> Frequencies => _frequencies;

        public void Add(double f)
        {
            if (!(f > 0) || !double.IsFinite(f))
            {
                return;
            }

            foreach (var existing in _frequencies)
            {
                if (Math.Abs(existing - f) < tolerance)
                {
                    return;
                }
            }

            _frequencies.Add(f);
        }
    }
}
