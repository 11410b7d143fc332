using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Groups;

namespace ScopeWeb.Core.Disagreements;

/// <summary>
/// What counts as a disagreement: one classifier calls the source a member (score ≥ <see cref="High"/>) and the other
/// clearly does not (score ≤ <see cref="Low"/>). SCoPe's defaults are 0.7 and 0.3.
/// </summary>
public sealed record DisagreementCriteria
{
    public const double DefaultHigh = 0.7;
    public const double DefaultLow = 0.3;

    public double High { get; init; } = DefaultHigh;
    public double Low { get; init; } = DefaultLow;

    /// <summary>Leave out members of the <see cref="SourceGroups.TrainingSetName"/> group.</summary>
    public bool ExcludeTrainingSet { get; init; } = true;

    /// <summary>Problems with the thresholds, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(High is >= 0 and <= 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"The high threshold must be within [0, 1], not {High}."));
        }

        if (!(Low is >= 0 and <= 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"The low threshold must be within [0, 1], not {Low}."));
        }

        if (problems.Count == 0 && Low >= High)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"The low threshold ({Low}) must be below the high one ({High})."));
        }

        return problems;
    }
}

/// <summary>Which classifier claims the source.</summary>
public enum DisagreementKind
{
    /// <summary>DNN ≥ high, XGB ≤ low.</summary>
    DnnOnly,

    /// <summary>XGB ≥ high, DNN ≤ low.</summary>
    XgbOnly,
}

/// <summary>
/// One tag's comparison over the sources both classifiers scored. Agreement is on membership: both scores ≥ high or
/// both below it.
/// </summary>
public sealed record TagAgreement(string Tag, int Scored, int DnnOnly, int XgbOnly, int BothMembers, int Agreeing)
{
    public int Disagreeing => DnnOnly + XgbOnly;

    /// <summary>Fraction of scored sources on which the two agree about membership; NaN with none scored.</summary>
    public double AgreementFraction => Scored == 0 ? double.NaN : (double)Agreeing / Scored;
}

/// <summary>A source the classifiers disagree on.</summary>
public sealed record Disagreement(long SourceId, string ObjId, string? KnownClass, double? PeriodDays, double DnnScore, double XgbScore, DisagreementKind Kind);

/// <summary>One point of the DNN-versus-XGB scatter.</summary>
public readonly record struct ScorePair(long SourceId, string ObjId, double DnnScore, double XgbScore);

/// <summary>The scatter's points; with more pairs than asked for, every disagreement plus an even sample of the rest.</summary>
public sealed record ScoreScatter(IReadOnlyList<ScorePair> Points, int TotalPairs, bool Sampled);

/// <summary>Finds sources whose DNN and XGB scores of a tag disagree (SCoPe's "find disagreements").</summary>
public sealed class DisagreementFinder(IDbContextFactory<CatalogDb> dbFactory)
{
    private const string Dnn = "dnn";
    private const string Xgb = "xgb";

    /// <summary>Per tag that both classifiers scored: counts and agreement.</summary>
    public async Task<IReadOnlyList<TagAgreement>> SummariseAsync(DisagreementCriteria criteria, CancellationToken ct = default)
    {
        Check(criteria);
        var (high, low) = (criteria.High, criteria.Low);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = await Pairs(db, criteria.ExcludeTrainingSet)
            .GroupBy(p => p.Tag)
            .Select(g => new
            {
                Tag = g.Key,
                Scored = g.Count(),
                DnnOnly = g.Count(p => p.Dnn >= high && p.Xgb <= low),
                XgbOnly = g.Count(p => p.Xgb >= high && p.Dnn <= low),
                BothMembers = g.Count(p => p.Dnn >= high && p.Xgb >= high),
                Neither = g.Count(p => p.Dnn < high && p.Xgb < high),
            })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows
            .Select(r => new TagAgreement(r.Tag, r.Scored, r.DnnOnly, r.XgbOnly, r.BothMembers, r.BothMembers + r.Neither))
            .OrderBy(r => r.Tag, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The disagreements of <paramref name="tag"/>, largest score difference first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Disagreement>> FindAsync(string tag, DisagreementCriteria criteria, int limit = 1000, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        Check(criteria);
        var (high, low) = (criteria.High, criteria.Low);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = await Pairs(db, criteria.ExcludeTrainingSet)
            .Where(p => p.Tag == tag && ((p.Dnn >= high && p.Xgb <= low) || (p.Xgb >= high && p.Dnn <= low)))
            .Join(db.Sources, p => p.SourceId, s => s.Id, (p, s) => new { p.SourceId, s.ObjId, s.KnownClass, s.PeriodDays, p.Dnn, p.Xgb })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows
            .Select(r => new Disagreement(r.SourceId, r.ObjId, r.KnownClass, r.PeriodDays, r.Dnn, r.Xgb, r.Dnn >= high ? DisagreementKind.DnnOnly : DisagreementKind.XgbOnly))
            .OrderByDescending(d => Math.Abs(d.DnnScore - d.XgbScore))
            .ThenBy(d => d.ObjId, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
    }

    /// <summary>DNN-versus-XGB points of <paramref name="tag"/>: all of them up to <paramref name="maxPoints"/>, else a sample that keeps every disagreement.</summary>
    public async Task<ScoreScatter> ScatterAsync(string tag, DisagreementCriteria criteria, int maxPoints = 20_000, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        Check(criteria);
        var (high, low) = (criteria.High, criteria.Low);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var pairs = Pairs(db, criteria.ExcludeTrainingSet).Where(p => p.Tag == tag);
        var total = await pairs.CountAsync(ct).ConfigureAwait(false);
        var sampled = total > maxPoints;
        if (sampled)
        {
            // Every disagreement, plus every k-th source id: an even, repeatable sample of the agreeing bulk.
            var stride = (long)Math.Ceiling(total / (double)maxPoints);
            pairs = pairs.Where(p => p.SourceId % stride == 0 || (p.Dnn >= high && p.Xgb <= low) || (p.Xgb >= high && p.Dnn <= low));
        }

        var points = await pairs
            .Join(db.Sources, p => p.SourceId, s => s.Id, (p, s) => new { p.SourceId, s.ObjId, p.Dnn, p.Xgb })
            .OrderBy(p => p.SourceId)
            .ToListAsync(ct).ConfigureAwait(false);
        return new ScoreScatter(points.Select(p => new ScorePair(p.SourceId, p.ObjId, p.Dnn, p.Xgb)).ToList(), total, sampled);
    }

    /// <summary>How many sources the training-set group holds (they are left out when the criteria say so).</summary>
    public async Task<int> TrainingSetSizeAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.GroupMembers.CountAsync(m => m.Group!.Name == SourceGroups.TrainingSetName, ct).ConfigureAwait(false);
    }

    // Member-initialised (not a positional record) so EF can translate filters on it after the projection.
    private sealed class Pair
    {
        public long SourceId { get; init; }
        public string Tag { get; init; } = "";
        public double Dnn { get; init; }
        public double Xgb { get; init; }
    }

    private static IQueryable<Pair> Pairs(CatalogDb db, bool excludeTrainingSet)
    {
        var pairs = db.Classifications.AsNoTracking().Where(d => d.Algorithm == Dnn)
            .Join(
                db.Classifications.Where(x => x.Algorithm == Xgb),
                d => new { d.SourceId, d.Tag },
                x => new { x.SourceId, x.Tag },
                (d, x) => new Pair { SourceId = d.SourceId, Tag = d.Tag, Dnn = d.Score, Xgb = x.Score });
        if (!excludeTrainingSet)
        {
            return pairs;
        }

        // "id NOT IN (subquery)": the training set is built once rather than probed per pair.
        var trainingIds = db.GroupMembers.Where(m => m.Group!.Name == SourceGroups.TrainingSetName).Select(m => m.SourceId);
        return pairs.Where(p => !trainingIds.Contains(p.SourceId));
    }

    private static void Check(DisagreementCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var problems = criteria.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(criteria));
        }
    }
}
