using System.Diagnostics;

namespace ScopeWeb.Web.Tests.Operations;

/// <summary>
/// Issue [7/12]: docker-compose.yml cannot be started here (no Docker engine), so scripts/check-compose.py reads it: YAML
/// and structure, agreement with the Dockerfile (port, folders given to the app user, curl) and with the app's options
/// (every environment key names an options section and property). The same topology runs without containers in
/// SeveralInstancesTests.
/// </summary>
public class DockerComposeTests
{
    [SkippableFact]
    public async Task The_compose_file_agrees_with_the_dockerfile_and_the_options()
    {
        var root = RepositoryPaths.Root()!;
        var (code, output) = await RunAsync("python3", "-c", "import yaml");
        Skip.If(code != 0, "python3 with PyYAML (apt-get install python3-yaml) is needed to read docker-compose.yml: " + output);

        (code, output) = await RunAsync("python3", Path.Combine(root, "scripts", "check-compose.py"), Path.Combine(root, "docker-compose.yml"));

        Assert.True(code == 0, output);
        Assert.StartsWith("docker-compose.yml: ok (kafka, postgres, scopeweb-1, scopeweb-2)", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            return (process.ExitCode, await output + await error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
