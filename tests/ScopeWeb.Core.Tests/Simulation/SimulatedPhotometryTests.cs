using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.Simulation;

/// <summary>What an astronomer would check on the simulated light curves: cadence, errors, limits, flags, physics.</summary>
public sealed class SimulatedPhotometryTests(SimulatedSky sky) : IClassFixture<SimulatedSky>
{
    private IEnumerable<Source> Persistent => sky.Sources.Where(s => s.KnownClass != SimulatedClass.SupernovaIa);

    [Fact]
    public void Cadence_SpansZtfYearsWithSeasonalGaps()
    {
        var outside = sky.Sources.SelectMany(s => s.LightCurves.Select(l => (s.ObjId, l)))
            .Where(x => x.l.FirstMjd < 58200 || x.l.LastMjd > 59600)
            .Select(x => $"{x.ObjId} {x.l.Band}: {x.l.FirstMjd}..{x.l.LastMjd}")
            .ToList();
        Assert.Empty(outside);
        Assert.All(Persistent, s =>
        {
            var r = sky.Curves[s.ObjId]["r"];
            Assert.True(r.Mjd[^1] - r.Mjd[0] > 1000, $"{s.ObjId} covers only {r.Mjd[^1] - r.Mjd[0]:F0} d");
            var gaps = r.Mjd.Zip(r.Mjd.Skip(1), (a, b) => b - a).ToArray();
            Assert.True(gaps.Count(g => g > 60) >= 2, $"{s.ObjId}: no yearly seasonal gaps");
        });
    }

    [Fact]
    public void Cadence_RevisitsEveryOneToThreeNightsInGAndR()
    {
        var medians = new List<double>();
        foreach (var s in Persistent)
        {
            foreach (var band in new[] { "g", "r" })
            {
                var nights = sky.Curves[s.ObjId][band].Mjd.Select(Math.Floor).Distinct().ToArray();
                var inSeason = nights.Zip(nights.Skip(1), (a, b) => b - a).Where(g => g < 30);
                medians.Add(SimulatedSky.Median(inSeason));
            }
        }

        Assert.InRange(SimulatedSky.Median(medians), 1, 3);
        Assert.True(medians.Count(m => m is >= 1 and <= 3) >= 0.99 * medians.Count, "median revisit outside 1–3 nights too often");
    }

    [Fact]
    public void Cadence_HasHighCadenceNights()
    {
        Assert.All(Persistent, s =>
        {
            var found = sky.Curves[s.ObjId].Values.Any(p =>
                Enumerable.Range(0, Math.Max(0, p.Count - 2)).Any(k => p.Mjd[k + 2] - p.Mjd[k] < 0.2));
            Assert.True(found, $"{s.ObjId}: no night with three points in one band within 0.2 d");
        });
    }

    [Fact]
    public void Cadence_GivesMostSourcesEnoughPointsForScope()
    {
        var counts = Persistent.Select(s => sky.Curves[s.ObjId]["r"].DetectionCount).ToList();

        Assert.True(counts.Count(c => c >= 50) >= 0.95 * counts.Count, "SCoPe needs ≥50 points");
        Assert.InRange(SimulatedSky.Median(counts.Select(c => (double)c)), 100, 400);
    }

    [Fact]
    public void Errors_GrowWithMagnitude()
    {
        var points = sky.Sources.SelectMany(s => sky.Curves[s.ObjId].Values).SelectMany(p =>
            Enumerable.Range(0, p.Count).Where(k => !p.IsUpperLimit[k]).Select(k => (Mag: (double)p.Mag[k], Err: (double)p.MagErr[k]))).ToList();
        var medianByMag = Enumerable.Range(14, 7).Select(m => SimulatedSky.Median(points.Where(p => p.Mag >= m && p.Mag < m + 1).Select(p => p.Err))).ToArray();

        for (var k = 1; k < medianByMag.Length; k++)
        {
            Assert.True(medianByMag[k] > medianByMag[k - 1], $"error at {14 + k} mag ({medianByMag[k]:F3}) not above {13 + k} mag ({medianByMag[k - 1]:F3})");
        }

        Assert.InRange(medianByMag[0], 0.005, 0.03);
        Assert.InRange(SimulatedSky.Median(points.Where(p => p.Mag is >= 20.3 and < 20.7).Select(p => p.Err)), 0.1, 0.25);
    }

    [Fact]
    public void Errors_MatchTheScatterOfConstantStars()
    {
        // χ²/dof of clean detections about their mean should be ~1 if the quoted errors are honest.
        var chi2 = sky.OfClass(SimulatedClass.Constant).Select(s =>
        {
            var (_, mag, err) = sky.Clean(s, "r");
            var mean = mag.Average();
            return mag.Zip(err, (m, e) => ((m - mean) / e) * ((m - mean) / e)).Sum() / (mag.Length - 1);
        }).ToList();

        Assert.InRange(SimulatedSky.Median(chi2), 0.8, 1.3);
    }

    [Fact]
    public void UpperLimits_AreFaintAndDetectionsAreNotBeyondTheLimit()
    {
        var all = sky.Sources.SelectMany(s => sky.Curves[s.ObjId].Values).ToList();
        var limits = all.SelectMany(p => Enumerable.Range(0, p.Count).Where(k => p.IsUpperLimit[k]).Select(k => (p.Mag[k], p.MagErr[k]))).ToList();
        var detections = all.SelectMany(p => Enumerable.Range(0, p.Count).Where(k => !p.IsUpperLimit[k]).Select(k => (p.Mag[k], p.MagErr[k]))).ToList();

        Assert.NotEmpty(limits);
        Assert.All(limits, l =>
        {
            Assert.True(l.Item1 >= 19.8, $"upper limit at {l.Item1}");
            Assert.True(float.IsNaN(l.Item2));
        });
        Assert.All(detections, d =>
        {
            Assert.True(d.Item1 <= 21.5, $"detection at {d.Item1}");
            Assert.True(d.Item2 > 0);
        });
        Assert.InRange(SimulatedSky.Median(limits.Select(l => (double)l.Item1)), 20.0, 21.0);
    }

    [Fact]
    public void CatFlags_MarkAFewPercentOfDetections_WhichAreNoisier()
    {
        var flagged = 0L;
        var total = 0L;
        var flaggedResiduals = new List<double>();
        var cleanResiduals = new List<double>();
        foreach (var s in sky.Sources)
        {
            foreach (var p in sky.Curves[s.ObjId].Values)
            {
                var det = Enumerable.Range(0, p.Count).Where(k => !p.IsUpperLimit[k]).ToArray();
                total += det.Length;
                flagged += det.Count(k => p.CatFlags[k] != 0);
                if (s.KnownClass == SimulatedClass.Constant && det.Length > 10)
                {
                    var median = SimulatedSky.Median(det.Select(k => (double)p.Mag[k]));
                    foreach (var k in det)
                    {
                        (p.CatFlags[k] != 0 ? flaggedResiduals : cleanResiduals).Add(Math.Abs(p.Mag[k] - median) / p.MagErr[k]);
                    }
                }
            }
        }

        Assert.InRange(flagged / (double)total, 0.005, 0.05);
        Assert.True(SimulatedSky.Median(flaggedResiduals) > 1.5 * SimulatedSky.Median(cleanResiduals));
    }

    [Theory]
    [InlineData(SimulatedClass.RRab)]
    [InlineData(SimulatedClass.RRc)]
    [InlineData(SimulatedClass.DeltaScuti)]
    [InlineData(SimulatedClass.Cepheid)]
    [InlineData(SimulatedClass.ContactBinary)]
    [InlineData(SimulatedClass.Algol)]
    [InlineData(SimulatedClass.BetaLyrae)]
    [InlineData(SimulatedClass.Mira)]
    [InlineData(SimulatedClass.SemiRegular)]
    public void FoldingAtTheTruePeriod_OrdersTheLightCurve(string knownClass)
    {
        // Phase dispersion (Stellingwerf θ): binned variance over total variance, at the true period and at a
        // wrong one 13–37% off. Only sources whose variability rises above the noise can show it.
        var random = new Random(17);
        var ratios = new List<double>();
        foreach (var s in sky.OfClass(knownClass))
        {
            var (mjd, mag, err) = sky.Clean(s, "r");
            var mean = mag.Average();
            var sd = Math.Sqrt(mag.Sum(m => (m - mean) * (m - mean)) / mag.Length);
            if (sd < 2 * SimulatedSky.Median(err))
            {
                continue;
            }

            var period = s.PeriodDays!.Value;
            var wrong = period * (1.13 + (0.24 * random.NextDouble()));
            ratios.Add(PhaseDispersion(mjd, mag, period) / PhaseDispersion(mjd, mag, wrong));
        }

        Assert.True(ratios.Count >= 0.6 * sky.OfClass(knownClass).Count(), $"{knownClass}: only {ratios.Count} clearly variable sources");
        Assert.True(SimulatedSky.Median(ratios) < 0.25, $"{knownClass}: median θ(true)/θ(wrong) = {SimulatedSky.Median(ratios):F2}");
        Assert.True(ratios.Count(r => r < 0.6) >= 0.95 * ratios.Count, $"{knownClass}: fold at the true period not clearly better");
    }

    [Theory]
    [InlineData(SimulatedClass.RRab)]
    [InlineData(SimulatedClass.Cepheid)]
    [InlineData(SimulatedClass.Mira)]
    [InlineData(SimulatedClass.Yso)]
    [InlineData(SimulatedClass.YsoDipper)]
    public void Amplitudes_AreLargerInGThanInR(string knownClass)
    {
        var larger = sky.OfClass(knownClass).Count(s => Spread(sky.Clean(s, "g").Mag) > Spread(sky.Clean(s, "r").Mag));

        Assert.True(larger >= 0.85 * sky.OfClass(knownClass).Count(), $"{knownClass}: g amplitude larger for only {larger}");
    }

    [Fact]
    public void Amplitudes_MatchTheClasses()
    {
        Assert.InRange(MedianSpread(SimulatedClass.Mira, "g"), 2.3, 6.5);
        Assert.InRange(MedianSpread(SimulatedClass.RRab, "g"), 0.5, 1.3);
        Assert.InRange(MedianSpread(SimulatedClass.RRc, "g"), 0.25, 0.6);
        Assert.InRange(MedianSpread(SimulatedClass.Cepheid, "g"), 0.35, 1.1);
        Assert.True(MedianSpread(SimulatedClass.Constant, "r") < 0.3);
    }

    [Fact]
    public void Colours_MatchTheClasses()
    {
        Assert.True(MedianColour(SimulatedClass.Mira) > 1.3);
        Assert.True(MedianColour(SimulatedClass.FlaringMDwarf) > 1.1);
        Assert.True(MedianColour(SimulatedClass.Agn) < 0.5);
        Assert.True(MedianColour(SimulatedClass.RRab) < 0.6);
    }

    [Fact]
    public void FlaringDwarfs_ShowFlaresStrongerInG()
    {
        var withFlare = 0;
        foreach (var s in sky.OfClass(SimulatedClass.FlaringMDwarf))
        {
            var (_, g, _) = sky.Clean(s, "g");
            var (_, r, _) = sky.Clean(s, "r");
            var gJump = SimulatedSky.Median(g) - g.Min();
            var rJump = SimulatedSky.Median(r) - r.Min();
            if (gJump > 0.5 && gJump > rJump)
            {
                withFlare++;
            }
        }

        Assert.True(withFlare >= 0.5 * sky.OfClass(SimulatedClass.FlaringMDwarf).Count(), $"only {withFlare} sources show a g flare");
    }

    [Fact]
    public void Dippers_FadeByTenthsOfAMagnitude()
    {
        // Mostly quiet with excursions to the faint side only: a long faint tail, a short bright one.
        var dipping = sky.OfClass(SimulatedClass.YsoDipper).Count(s =>
        {
            var (_, r, _) = sky.Clean(s, "r");
            var median = SimulatedSky.Median(r);
            var faintTail = SimulatedSky.Percentile(r, 0.98) - median;
            var brightTail = median - SimulatedSky.Percentile(r, 0.02);
            return faintTail > 0.25 && faintTail > 2.5 * brightTail;
        });

        Assert.True(dipping >= 0.8 * sky.OfClass(SimulatedClass.YsoDipper).Count(), $"only {dipping} dippers show dips");
    }

    [Fact]
    public void Supernovae_RiseFromUpperLimitsToAPeakAndFade()
    {
        Assert.All(sky.OfClass(SimulatedClass.SupernovaIa), s =>
        {
            var points = sky.Curves[s.ObjId].Values
                .SelectMany(p => Enumerable.Range(0, p.Count).Select(k => (p.Mjd[k], p.Mag[k], p.IsUpperLimit[k])))
                .OrderBy(p => p.Item1).ToList();
            var detections = points.Where(p => !p.Item3).ToList();
            Assert.True(detections.Count >= 3, $"{s.ObjId}: {detections.Count} detections");
            var firstDetection = detections[0].Item1;
            Assert.True(points.Count(p => p.Item3 && p.Item1 < firstDetection) >= 2, $"{s.ObjId}: no upper limits before the rise");
            Assert.True(detections[^1].Item1 - firstDetection < 220, $"{s.ObjId}: detected for too long");
            Assert.InRange(detections.Min(p => p.Item2), 16.8, 20.0);
        });
    }

    [Fact]
    public void Agn_VaryStochasticallyOnLongTimescales()
    {
        // A damped random walk: nearby points agree better than points a year apart.
        var longer = sky.OfClass(SimulatedClass.Agn).Count(s =>
        {
            var (mjd, mag, _) = sky.Clean(s, "r");
            var shortDiffs = new List<double>();
            var longDiffs = new List<double>();
            for (var k = 0; k + 1 < mjd.Length; k++)
            {
                for (var j = k + 1; j < mjd.Length && mjd[j] - mjd[k] < 400; j++)
                {
                    var dt = mjd[j] - mjd[k];
                    if (dt < 5)
                    {
                        shortDiffs.Add(Math.Abs(mag[j] - mag[k]));
                    }
                    else if (dt > 300)
                    {
                        longDiffs.Add(Math.Abs(mag[j] - mag[k]));
                    }
                }
            }

            return SimulatedSky.Median(longDiffs) > SimulatedSky.Median(shortDiffs);
        });

        Assert.True(longer >= 0.9 * sky.OfClass(SimulatedClass.Agn).Count());
    }

    private double MedianSpread(string knownClass, string band) =>
        SimulatedSky.Median(sky.OfClass(knownClass).Select(s => Spread(sky.Clean(s, band).Mag)));

    private double MedianColour(string knownClass) =>
        SimulatedSky.Median(sky.OfClass(knownClass).Select(s => SimulatedSky.Median(sky.Clean(s, "g").Mag) - SimulatedSky.Median(sky.Clean(s, "r").Mag)));

    /// <summary>5–95% range: an amplitude that ignores a few outliers.</summary>
    private static double Spread(double[] mag) =>
        mag.Length < 10 ? 0 : SimulatedSky.Percentile(mag, 0.95) - SimulatedSky.Percentile(mag, 0.05);

    private static double PhaseDispersion(double[] mjd, double[] mag, double periodDays, int bins = 40)
    {
        var mean = mag.Average();
        var total = mag.Sum(m => (m - mean) * (m - mean)) / (mag.Length - 1);
        var sum = new double[bins];
        var sumSq = new double[bins];
        var count = new int[bins];
        for (var k = 0; k < mjd.Length; k++)
        {
            var phase = mjd[k] / periodDays;
            var b = Math.Min(bins - 1, (int)((phase - Math.Floor(phase)) * bins));
            sum[b] += mag[k];
            sumSq[b] += mag[k] * mag[k];
            count[b]++;
        }

        var within = 0.0;
        var dof = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 1)
            {
                within += sumSq[b] - (sum[b] * sum[b] / count[b]);
                dof += count[b] - 1;
            }
        }

        return within / dof / total;
    }
}
