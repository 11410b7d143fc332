using System.Collections.Concurrent;

namespace ScopeWeb.Training;

/// <summary>
/// The runs this process is training (or has reserved to train at once), per catalog database. A run on the catalog
/// that names this process as its owner but is not here was left by an earlier process with the same id (a restarted
/// container is always pid 1) or lost its end to a database error: it is failed as interrupted at once.
/// </summary>
internal static class LiveRuns
{
    private static readonly ConcurrentDictionary<(string Database, long RunId), int> Runs = new();

    public static bool Contains(string database, long runId) => Runs.ContainsKey((database, runId));

    /// <summary>Marks the run live until the returned handle is disposed.</summary>
    public static IDisposable Enter(string database, long runId)
    {
        Runs.AddOrUpdate((database, runId), 1, (_, n) => n + 1);
        return new Handle(database, runId);
    }

    private static void Leave(string database, long runId)
    {
        var key = (database, runId);
        while (Runs.TryGetValue(key, out var n))
        {
            if (n <= 1 ? Runs.TryRemove(new KeyValuePair<(string, long), int>(key, n)) : Runs.TryUpdate(key, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Handle(string database, long runId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Leave(database, runId);
            }
        }
    }
}
