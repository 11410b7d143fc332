using System.Runtime.Intrinsics;

namespace ScopeWeb.Cli.Bench;

/// <summary>What every benchmark reports about where it ran, and where the repository (peer scripts, data) is.</summary>
internal static class BenchMachine
{
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
