using System.Runtime.Intrinsics;

namespace ScopeWeb.Benchmarks;

/// <summary>What every benchmark reports about where it ran, and where the repository (peer scripts, data) is.</summary>
internal static class BenchMachine
{
    /// <summary>Exit code of a verb whose input (a default data file, a peer script) is missing: a one-line error, no stack trace.</summary>
    public const int MissingInput = 2;

    /// <summary>The folder holding ScopeWeb.sln, searched upwards from the working directory, then from the binaries.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ScopeWeb.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="relativePath"/> in a folder beside the repository (e.g. <c>shared/data/…</c>, <c>bench-data/…</c>),
    /// whether or not it exists; relative to the working directory when no repository is found, so the error names a path.
    /// </summary>
    public static string BesideRepository(string relativePath) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "..", relativePath));

    /// <summary>A data set of the shared data folder beside the repository (<c>../shared/data/&lt;relativePath&gt;</c>).</summary>
    public static string SharedData(string relativePath) => BesideRepository(Path.Combine("shared", "data", relativePath));

    /// <summary>A peer script under the repository's tools/bench, or null when the repository is not found.</summary>
    public static string? PeerScript(string fileName) =>
        RepositoryRoot() is { } root ? Path.Combine(root, "tools", "bench", fileName) : null;

    /// <summary>Writes the one-line error for a missing input and returns <see cref="MissingInput"/>.</summary>
    public static int Missing(TextWriter error, string path, string hint)
    {
        error.WriteLine($"error: {path} not found; {hint}");
        return MissingInput;
    }

    /// <summary>The 1-, 5- and 15-minute load averages, so a result measured on a busy machine says so.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The widest SIMD the runtime accelerates.</summary>
    public static string RuntimeSimd() =>
        Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "128-bit SIMD";
}
