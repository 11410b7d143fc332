using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Groups;

/// <summary>A group and how many sources it holds.</summary>
public sealed record GroupSummary(int Id, string Name, string Description, int MemberCount, DateTime CreatedAtUtc);

/// <summary>Result of saving sources to a group: how many were new to it, and how many it already held.</summary>
public sealed record GroupSaveResult(GroupSummary Group, int Added, int AlreadyMembers);

/// <summary>Why sources could not be saved to a group; the message is written for the user.</summary>
public sealed class GroupSaveException : Exception
{
    public GroupSaveException()
    {
    }

    public GroupSaveException(string message)
        : base(message)
    {
    }

    public GroupSaveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Local source groups (the counterpart of Fritz groups, which uploads target later). Saving is idempotent: saving a
/// source that is already a member changes nothing, so a retried save never duplicates.
/// </summary>
public sealed class SourceGroups(IDbContextFactory<CatalogDb> dbFactory, TimeProvider time)
{
    /// <summary>
    /// The group of sources used to train the classifiers; the disagreement search leaves them out, because a model
    /// agreeing with its own training labels says nothing.
    /// </summary>
    public const string TrainingSetName = "training-set";

    /// <summary>Longest group name (the column's length).</summary>
    public const int MaxNameLength = 128;

    public async Task<IReadOnlyList<GroupSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Groups.AsNoTracking().OrderBy(g => g.Name)
            .Select(g => new GroupSummary(g.Id, g.Name, g.Description, g.Members.Count, g.CreatedAtUtc))
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Adds <paramref name="sourceIds"/> to the group <paramref name="name"/>, creating it if needed, in one transaction.</summary>
    /// <exception cref="GroupSaveException">The name is empty or too long, or a source id does not exist; nothing is saved.</exception>
    public async Task<GroupSaveResult> SaveAsync(string name, IEnumerable<long> sourceIds, string description = "", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        name = (name ?? "").Trim();
        if (name.Length == 0)
        {
            throw new GroupSaveException("A group needs a name.");
        }

        if (name.Length > MaxNameLength)
        {
            throw new GroupSaveException($"A group name has at most {MaxNameLength} characters; '{name[..20]}…' has {name.Length}.");
        }

        var ids = sourceIds.Distinct().ToArray();
        var nowUtc = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        var known = await db.Sources.Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
        if (known.Count != ids.Length)
        {
            var missing = ids.Except(known).Take(5);
            throw new GroupSaveException($"No source with id {string.Join(", ", missing)}; nothing was saved.");
        }

        var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == name, ct).ConfigureAwait(false);
        if (group is null)
        {
            group = new SourceGroup { Name = name, Description = description, CreatedAtUtc = nowUtc };
            db.Groups.Add(group);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }

        var groupId = group.Id;
        var members = await db.GroupMembers.Where(m => m.GroupId == groupId && ids.Contains(m.SourceId))
            .Select(m => m.SourceId).ToListAsync(ct).ConfigureAwait(false);
        var already = members.ToHashSet();
        var added = 0;
        foreach (var id in ids.Where(id => !already.Contains(id)))
        {
            db.GroupMembers.Add(new GroupMember { GroupId = groupId, SourceId = id, SavedAtUtc = nowUtc });
            added++;
        }

        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        var count = await db.GroupMembers.CountAsync(m => m.GroupId == groupId, ct).ConfigureAwait(false);
        return new GroupSaveResult(new GroupSummary(groupId, group.Name, group.Description, count, group.CreatedAtUtc), added, already.Count);
    }

    /// <summary>Removes sources from a group; returns how many were members.</summary>
    public async Task<int> RemoveAsync(string name, IEnumerable<long> sourceIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        var ids = sourceIds.Distinct().ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.GroupMembers.Where(m => m.Group!.Name == name && ids.Contains(m.SourceId))
            .ExecuteDeleteAsync(ct).ConfigureAwait(false);
    }
}
