using System.CommandLine;

namespace ScopeWeb.Cli.Tests;

/// <summary>Runs one `scope` command in-process, as Program wires it (global options included), capturing its output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Command command, params string[] args)
    {
        var root = new RootCommand("scope");
        CliHost.AddGlobalOptions(root);
        root.Subcommands.Add(command);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
