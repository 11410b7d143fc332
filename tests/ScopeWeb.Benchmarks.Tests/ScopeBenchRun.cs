using System.CommandLine;

namespace ScopeWeb.Benchmarks.Tests;

/// <summary>Runs a <c>scope-bench</c> verb in-process and captures what it writes.</summary>
internal static class ScopeBenchRun
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ScopeBench.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
