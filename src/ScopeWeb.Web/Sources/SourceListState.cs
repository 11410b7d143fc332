using System.Globalization;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Web.Sources;

/// <summary>
/// Glue between the source list's URL, its <see cref="SourceQuery"/> and the data grid: links, grid column names
/// for sorting, and paging arithmetic. The URL is the single source of truth, so back/forward and bookmarks work.
/// </summary>
public static class SourceListState
{
    /// <summary>Page sizes offered by the pager.</summary>
    public static readonly int[] PageSizeOptions = [10, 25, 50, 100];

    /// <summary>Base-relative link to the source list showing <paramref name="query"/>.</summary>
    public static string ListUrl(SourceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var qs = query.ToQueryString();
        return qs.Length == 0 ? "sources" : "sources?" + qs;
    }

    /// <summary>Base-relative link to a source's page; the id is escaped (ZTF ids contain <c>+</c>).</summary>
    public static string SourceUrl(string objId)
    {
        ArgumentNullException.ThrowIfNull(objId);
        return "sources/" + Uri.EscapeDataString(objId);
    }

    /// <summary>
    /// True when <paramref name="baseRelativePath"/> (as from <c>NavigationManager.ToBaseRelativePath</c>) is the
    /// source list itself, not a source page under it.
    /// </summary>
    public static bool IsListPath(string baseRelativePath)
    {
        ArgumentNullException.ThrowIfNull(baseRelativePath);
        var path = baseRelativePath.Split('?', '#')[0].TrimEnd('/');
        return string.Equals(path, "sources", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The query in the URL (<see cref="SourceQuery.Parse"/> of its query string).</summary>
    public static SourceQuery QueryFromUri(string absoluteUri)
    {
        ArgumentNullException.ThrowIfNull(absoluteUri);
        return SourceQuery.Parse(new Uri(absoluteUri).Query);
    }

    /// <summary>The grid column (<c>SourceRow</c> property) that sorts by <paramref name="sort"/>.</summary>
    public static string ColumnFor(SourceSort sort) => sort switch
    {
        SourceSort.Ra => nameof(SourceRow.RaDeg),
        SourceSort.Dec => nameof(SourceRow.DecDeg),
        SourceSort.Period => nameof(SourceRow.PeriodDays),
        SourceSort.Field => nameof(SourceRow.Field),
        SourceSort.Detections => nameof(SourceRow.DetectionCount),
        SourceSort.KnownClass => nameof(SourceRow.KnownClass),
        SourceSort.Score => nameof(SourceRow.Score),
        _ => nameof(SourceRow.ObjId),
    };

    /// <summary>The sort a grid column stands for; null for a column the catalog cannot sort by.</summary>
    public static SourceSort? SortFor(string column) => column switch
    {
        nameof(SourceRow.ObjId) => SourceSort.ObjId,
        nameof(SourceRow.RaDeg) => SourceSort.Ra,
        nameof(SourceRow.DecDeg) => SourceSort.Dec,
        nameof(SourceRow.PeriodDays) => SourceSort.Period,
        nameof(SourceRow.Field) => SourceSort.Field,
        nameof(SourceRow.DetectionCount) => SourceSort.Detections,
        nameof(SourceRow.KnownClass) => SourceSort.KnownClass,
        nameof(SourceRow.Score) => SourceSort.Score,
        _ => null,
    };

    /// <summary>
    /// <paramref name="query"/> with the grid's page, page size and sort (no sort column = the default, object id
    /// ascending). Filters are untouched. A column the catalog cannot sort by keeps the current sort.
    /// </summary>
    public static SourceQuery WithGridState(SourceQuery query, int page, int pageSize, string? sortColumn, bool descending)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (sort, desc) = sortColumn is null
            ? (SourceSort.ObjId, false)
            : SortFor(sortColumn) is { } s ? (s, descending) : (query.SortBy, query.Descending);
        return query with
        {
            Page = Math.Max(0, page),
            PageSize = Math.Clamp(pageSize, 1, SourceQuery.MaxPageSize),
            SortBy = sort,
            Descending = desc,
        };
    }

    /// <summary>True when the grid should show a sort arrow for this query (anything but the default order).</summary>
    public static bool HasExplicitSort(SourceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.SortBy != SourceSort.ObjId || query.Descending;
    }

    /// <summary>Number of pages for <paramref name="total"/> rows; 0 for none.</summary>
    public static int PageCount(int total, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return total <= 0 ? 0 : (int)(((long)total + pageSize - 1) / pageSize);
    }

    /// <summary>The page actually shown: a page past the end falls back to the last page (0 when empty).</summary>
    public static int ClampPage(int page, int total, int pageSize) =>
        Math.Clamp(page, 0, Math.Max(0, PageCount(total, pageSize) - 1));

    /// <summary>"26–50 of 1,234" (1-based, invariant digits), or "0 of 0".</summary>
    public static string RangeText(int page, int pageSize, int total)
    {
        if (total <= 0)
        {
            return "0 of 0";
        }

        var shown = ClampPage(page, total, pageSize);
        var first = ((long)shown * pageSize) + 1;
        var last = Math.Min((long)(shown + 1) * pageSize, total);
        return string.Create(CultureInfo.InvariantCulture, $"{first:N0}–{last:N0} of {total:N0}");
    }
}
