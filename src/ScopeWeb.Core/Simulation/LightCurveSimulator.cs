using System.Collections.Concurrent;
using ScopeWeb.Core.Astronomy;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Simulation;

/// <summary>
/// The project's ZTF light-curve simulator: sources of fifteen classes with positions, ZTF-like field/CCD/quadrant,
/// g/r (and on some fields i) light curves with survey cadence, magnitude-dependent errors, catflags and upper
/// limits, and the true class and period, so the output doubles as labelled data.
/// </summary>
/// <remarks>
/// Source <c>k</c> depends only on (seed, k): it has its own random stream and its field's schedule is derived from
/// the seed. Chunks are generated in parallel while the previous chunk is handed out, so a million sources
/// stream through in bounded memory and the output never depends on the number of threads.
/// </remarks>
public sealed class LightCurveSimulator
{
    /// <summary>Value of <see cref="Source.Origin"/> for simulated sources.</summary>
    public const string Origin = "simulator";

    private const ulong SourceStream = 0x50C3_0000_0000_0003UL;
    private const ulong ClassStream = 0xC1A5_5000_0000_0004UL;
    private const double ArcsecDeg = 1.0 / 3600.0;

    private static readonly string[] ClassDeck = BuildClassDeck();
    private readonly SimulationSettings _settings;
    private readonly TimeProvider _time;

    public LightCurveSimulator()
        : this(new SimulationSettings())
    {
    }

    public LightCurveSimulator(SimulationSettings settings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Deterministic for a given seed: sources with position, field/ccd/quad, true class and period, light curves.</summary>
    public IEnumerable<Source> Generate(int count, int seed) => Generate(count, seed, firstIndex: 0);

    /// <summary>
    /// Sources <paramref name="firstIndex"/> … <paramref name="firstIndex"/> + <paramref name="count"/> − 1 of the
    /// simulation with this seed (to add to a catalog without repeating the sources already in it). Object ids are
    /// unique within one call. Lazy: sources are made as they are enumerated.
    /// </summary>
    public IEnumerable<Source> Generate(int count, int seed, long firstIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        return GenerateChunks(count, seed, firstIndex);
    }

    /// <summary>The class of source <paramref name="index"/>: every block of 100 consecutive sources holds exactly the class percentages.</summary>
    internal static string ClassOf(int seed, long index)
    {
        var block = index / ClassDeck.Length;
        var rng = new SimulationRandom(seed, ClassStream, block);
        var order = new int[ClassDeck.Length];
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }

        // Fisher–Yates shuffle of the block; only the position we need matters but the shuffle must be complete.
        for (var k = order.Length - 1; k > 0; k--)
        {
            var j = (int)(rng.NextDouble() * (k + 1));
            (order[k], order[j]) = (order[j], order[k]);
        }

        return ClassDeck[order[index % ClassDeck.Length]];
    }

    /// <summary>
    /// An integer that is equal for two positions exactly when <see cref="SkyPosition.ZtfName"/> is (same
    /// truncation), so uniqueness is checked without keeping a million strings.
    /// </summary>
    internal static long NameKey(double raDeg, double decDeg)
    {
        var raHours = SkyPosition.NormalizeRa(raDeg) / 15.0;
        var raCs = (long)Math.Floor(raHours * 3600.0 * 100.0);
        var decDs = (long)Math.Floor(Math.Abs(decDeg) * 3600.0 * 10.0);
        return (((raCs << 23) | decDs) << 1) | (decDeg < 0 ? 1L : 0L);
    }

    private IEnumerable<Source> GenerateChunks(int count, int seed, long firstIndex)
    {
        if (count == 0)
        {
            yield break;
        }

        var context = new GenerationContext(seed, _settings, _time.GetUtcNow().UtcDateTime);
        var names = new HashSet<long>();
        var produced = 0;
        var pending = StartChunk(context, firstIndex, Math.Min(_settings.ChunkSize, count));
        while (pending is not null)
        {
            var chunk = pending.GetAwaiter().GetResult();
            produced += chunk.Length;
            // Make the next chunk while the caller consumes (e.g. writes) this one.
            pending = produced < count
                ? StartChunk(context, firstIndex + produced, Math.Min(_settings.ChunkSize, count - produced))
                : null;
            foreach (var source in chunk)
            {
                MakeNameUnique(source, names);
                yield return source;
            }
        }
    }

    private Task<Source[]> StartChunk(GenerationContext context, long start, int length) => Task.Run(() =>
    {
        var chunk = new Source[length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxDegreeOfParallelism };
        Parallel.For(0, length, options, k => chunk[k] = context.CreateSource(start + k));
        return chunk;
    });

    /// <summary>
    /// Two sources sharing a name (same 0.15″ × 0.1″ cell) get the later one moved north or south by 0.1″ steps,
    /// toward its field's centre so it stays in its field; done in index order so the result is deterministic.
    /// </summary>
    private static void MakeNameUnique(Source source, HashSet<long> names)
    {
        var ra = source.RaDeg!.Value;
        var dec = source.DecDeg!.Value;
        if (names.Add(NameKey(ra, dec)))
        {
            return;
        }

        var step = ZtfFieldGrid.FieldCenter(source.Field!.Value).DecDeg >= dec ? 0.1 * ArcsecDeg : -0.1 * ArcsecDeg;
        do
        {
            dec = Math.Clamp(dec + step, -90, 90);
        }
        while (!names.Add(NameKey(ra, dec)));

        var location = ZtfFieldGrid.Locate(ra, dec);
        source.DecDeg = dec;
        source.ObjId = SkyPosition.ZtfName(ra, dec);
        source.Ccd = location.Ccd;
        source.Quad = location.Quad;
    }

    private static string[] BuildClassDeck()
    {
        var deck = new List<string>(100);
        foreach (var knownClass in SimulatedClass.All)
        {
            deck.AddRange(Enumerable.Repeat(knownClass, SimulatedClass.Percent[knownClass]));
        }

        return [.. deck];
    }

    /// <summary>State shared by one <see cref="Generate(int, int, long)"/> call: site conditions and field schedules.</summary>
    private sealed class GenerationContext(int seed, SimulationSettings settings, DateTime nowUtc)
    {
        private readonly SiteConditions _site = new(seed, settings);
        private readonly ConcurrentDictionary<int, Lazy<FieldSchedule>> _schedules = new();

        public Source CreateSource(long index)
        {
            var knownClass = ClassOf(seed, index);
            var rng = new SimulationRandom(seed, SourceStream, index);
            var (ra, dec) = SkyPlacement.Draw(rng, knownClass, settings);
            var location = ZtfFieldGrid.Locate(ra, dec);
            var schedule = Schedule(location.Field);
            var model = VariabilityModel.Create(knownClass, rng.Fork(), schedule, settings);
            var curves = PhotometrySynthesis.Observe(model, schedule, rng);

            var source = new Source
            {
                ObjId = SkyPosition.ZtfName(ra, dec),
                RaDeg = ra,
                DecDeg = dec,
                Field = location.Field,
                Ccd = location.Ccd,
                Quad = location.Quad,
                PeriodDays = model.PeriodDays,
                KnownClass = knownClass,
                Origin = Origin,
            };
            for (var b = 0; b < curves.Length; b++)
            {
                if (curves[b] is { } photometry)
                {
                    source.LightCurves.Add(LightCurve.From(Band.Names[b], photometry, nowUtc));
                    source.DetectionCount += photometry.DetectionCount;
                }
            }

            return source;
        }

        private FieldSchedule Schedule(int field) =>
            _schedules.GetOrAdd(field, f => new Lazy<FieldSchedule>(() => FieldSchedule.Build(seed, f, settings, _site))).Value;
    }
}
