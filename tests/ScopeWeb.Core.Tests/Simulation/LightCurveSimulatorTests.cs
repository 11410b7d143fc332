using System.Text.RegularExpressions;
using ScopeWeb.Core.Astronomy;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.Simulation;

public sealed partial class LightCurveSimulatorTests(SimulatedSky sky) : IClassFixture<SimulatedSky>
{
    [GeneratedRegex(@"^ZTFJ\d{6}\.\d{2}[+-]\d{6}\.\d$")]
    private static partial Regex ZtfNamePattern();

    [Fact]
    public void Generate_SameSeed_IsIdenticalWhateverTheThreadsAndChunks()
    {
        var parallel = new LightCurveSimulator().Generate(400, 11).ToList();
        var serial = new LightCurveSimulator(new SimulationSettings { MaxDegreeOfParallelism = 1, ChunkSize = 37 }).Generate(400, 11).ToList();

        Assert.Equal(Fingerprints(parallel), Fingerprints(serial));
    }

    [Fact]
    public void Generate_DifferentSeeds_GiveDifferentSkies()
    {
        var a = new LightCurveSimulator().Generate(50, 1).Select(s => s.ObjId).ToHashSet(StringComparer.Ordinal);
        var b = new LightCurveSimulator().Generate(50, 2).Select(s => s.ObjId).ToList();

        Assert.DoesNotContain(b, a.Contains);
    }

    [Fact]
    public void Generate_FromAnIndex_ContinuesTheSameSequence()
    {
        var simulator = new LightCurveSimulator();
        var whole = simulator.Generate(30, 5).ToList();
        var tail = simulator.Generate(10, 5, firstIndex: 20).ToList();

        Assert.Equal(Fingerprints(whole.Skip(20).ToList()), Fingerprints(tail));
    }

    [Fact]
    public void Generate_IsLazy_AMillionSourcesCanBeStartedAndAbandoned()
    {
        var first = new LightCurveSimulator(new SimulationSettings { ChunkSize = 20 }).Generate(1_000_000, 3).Take(5).ToList();

        Assert.Equal(5, first.Count);
    }

    [Fact]
    public void Generate_RejectsANegativeCountAndBadSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LightCurveSimulator().Generate(-1, 1));
        var error = Assert.Throws<ArgumentException>(() => new LightCurveSimulator(new SimulationSettings { DecMinDeg = 10, DecMaxDeg = 5 }));
        Assert.Contains("DecMinDeg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_HaveZtfNames_UniqueAndMatchingTheirPositions()
    {
        Assert.Equal(SimulatedSky.Count, sky.Sources.Count);
        Assert.All(sky.Sources, s =>
        {
            Assert.Matches(ZtfNamePattern(), s.ObjId);
            Assert.Equal(SkyPosition.ZtfName(s.RaDeg!.Value, s.DecDeg!.Value), s.ObjId);
            Assert.Equal(LightCurveSimulator.Origin, s.Origin);
        });
        Assert.Equal(sky.Sources.Count, sky.Sources.Select(s => s.ObjId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Sources_InACrowdedPatch_AreNudgedApartAndKeepTheirFieldConsistent()
    {
        // 300 sources in a 1.8″ square: most share a name cell and must be moved to get a unique id.
        var settings = new SimulationSettings { RaMinDeg = 150, RaMaxDeg = 150.0005, DecMinDeg = 20, DecMaxDeg = 20.0005 };
        var sources = new LightCurveSimulator(settings).Generate(300, 9).ToList();

        Assert.Equal(300, sources.Select(s => s.ObjId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(sources, s =>
        {
            Assert.Equal(SkyPosition.ZtfName(s.RaDeg!.Value, s.DecDeg!.Value), s.ObjId);
            Assert.Equal(ZtfFieldGrid.Locate(s.RaDeg.Value, s.DecDeg.Value), new ZtfFieldLocation(s.Field!.Value, s.Ccd!.Value, s.Quad!.Value));
            Assert.True(SkyPosition.SeparationArcsec(150, 20, s.RaDeg.Value, s.DecDeg.Value) < 60, $"{s.ObjId} moved too far");
        });
    }

    [Fact]
    public void NameKey_IsEqualExactlyWhenTheZtfNamesAre()
    {
        var random = new Random(4);
        for (var k = 0; k < 20_000; k++)
        {
            var ra = random.NextDouble() * 360;
            var dec = (random.NextDouble() * 180) - 90;
            // A neighbour within a couple of name cells, sometimes across the equator.
            var ra2 = ra + ((random.NextDouble() - 0.5) * 0.0001);
            var dec2 = k % 10 == 0 ? -dec : dec + ((random.NextDouble() - 0.5) * 0.0001);
            var sameName = SkyPosition.ZtfName(ra, dec) == SkyPosition.ZtfName(ra2, dec2);
            Assert.Equal(sameName, LightCurveSimulator.NameKey(ra, dec) == LightCurveSimulator.NameKey(ra2, dec2));
        }
    }

    [Fact]
    public void Sources_HaveFieldCcdQuadInRangeAndConsistentWithTheirPosition()
    {
        Assert.All(sky.Sources, s =>
        {
            Assert.InRange(s.Field!.Value, 1, ZtfFieldGrid.FieldCount);
            Assert.InRange(s.Ccd!.Value, 1, 16);
            Assert.InRange(s.Quad!.Value, 1, 4);
            Assert.Equal(ZtfFieldGrid.Locate(s.RaDeg!.Value, s.DecDeg!.Value), new ZtfFieldLocation(s.Field.Value, s.Ccd.Value, s.Quad.Value));
            Assert.InRange(s.DecDeg.Value, -30, 90);
        });
        Assert.True(sky.Sources.Select(s => s.Field).Distinct().Count() > 200, "sources should spread over the sky");
    }

    [Fact]
    public void EveryClass_IsPresentWithItsPlannedShare()
    {
        var counts = sky.Sources.GroupBy(s => s.KnownClass!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        Assert.Equal(SimulatedClass.All.Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(100, SimulatedClass.Percent.Values.Sum());
        foreach (var knownClass in SimulatedClass.All)
        {
            // Every block of 100 consecutive sources holds exactly the percentages.
            Assert.Equal(SimulatedClass.Percent[knownClass] * SimulatedSky.Count / 100, counts[knownClass]);
            Assert.True(counts[knownClass] >= 0.03 * SimulatedSky.Count, $"{knownClass}: only {counts[knownClass]}");
        }
    }

    [Fact]
    public void Classes_AreMixedNotSortedByIndex()
    {
        var firstTwenty = sky.Sources.Take(20).Select(s => s.KnownClass).Distinct(StringComparer.Ordinal).Count();

        Assert.True(firstTwenty >= 8, $"only {firstTwenty} classes among the first 20 sources");
    }

    [Fact]
    public void PeriodicClasses_HaveTheirTruePeriodInRange_OthersHaveNone()
    {
        Assert.All(sky.Sources, s =>
        {
            var range = SimulatedClass.PeriodRangeDays(s.KnownClass!);
            if (range is { } r)
            {
                Assert.NotNull(s.PeriodDays);
                Assert.InRange(s.PeriodDays.Value, r.MinDays, r.MaxDays);
            }
            else
            {
                Assert.Null(s.PeriodDays);
            }
        });
    }

    [Fact]
    public void Sources_HaveGAndRCurves_AndAboutAThirdAlsoI()
    {
        Assert.All(sky.Sources, s =>
        {
            var bands = s.LightCurves.Select(l => l.Band).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("g", bands);
            Assert.Contains("r", bands);
            Assert.Equal(s.LightCurves.Sum(l => l.ReadPhotometry().DetectionCount), s.DetectionCount);
        });
        var withI = sky.Sources.Count(s => s.LightCurves.Any(l => l.Band == "i")) / (double)sky.Sources.Count;
        Assert.InRange(withI, 0.2, 0.4);
    }

    private static List<string> Fingerprints(IEnumerable<Source> sources) =>
        sources.Select(s => string.Join(
            "|",
            s.ObjId,
            s.RaDeg!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            s.DecDeg!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            s.Field, s.Ccd, s.Quad, s.KnownClass,
            s.PeriodDays?.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", s.LightCurves.Select(l => l.Band + ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(l.Data)))))).ToList();
}
