using System.Runtime.CompilerServices;

namespace ScopeWeb.Testing;

/// <summary>Paths in and beside the repository, for fixtures shared between test projects and for ../shared/data.</summary>
public static class RepositoryPaths
{
    /// <summary>
    /// The folder holding ScopeWeb.sln: above the test binaries for an in-tree build, else above this source file
    /// (a build with <c>--artifacts-path</c> puts the binaries outside the repository).
    /// </summary>
    public static string? Root([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ScopeWeb.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>A file or folder of ../shared/data beside the repository, or null when absent (CI has it).</summary>
    public static string? SharedData(string relativePath)
    {
        if (Root() is not { } root)
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", relativePath));
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>A committed fixture of the Core test project (Fixtures/&lt;folder&gt;/&lt;name&gt;).</summary>
    public static string CoreFixture(string folder, string name) =>
        Path.Combine(Root() ?? throw new InvalidOperationException("ScopeWeb.sln not found above the tests."),
            "tests", "ScopeWeb.Core.Tests", "Fixtures", folder, name);
}
