using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>
/// The built web app (ScopeWeb.Web.dll beside the tests, as `dotnet ScopeWeb.Web.dll` runs it in the Docker image) as a
/// real child process on a loopback port Kestrel picks, configured through environment variables as a container is;
/// its output captured. For what only separate processes show: several instances on one catalog.
/// </summary>
internal sealed partial class WebAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebAppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts the app with <paramref name="environment"/> on top of the test's own; logs must be on (Information) for the address.</summary>
    public static WebAppProcess Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ScopeWeb.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var app = new WebAppProcess(name, new Process { StartInfo = start });
        app._process.OutputDataReceived += (_, e) => app.OnOutput(e.Data);
        app._process.ErrorDataReceived += (_, e) => Append(app._error, e.Data);
        app._process.Exited += (_, _) =>
        {
            // Drains the output readers, so the message shows why it stopped.
            app._process.WaitForExit();
            app._listening.TrySetException(new InvalidOperationException(
                $"{name} exited (code {app._process.ExitCode}) before listening.\n{app.Describe()}"));
        };
        app._process.EnableRaisingEvents = true;
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The address Kestrel listens on, from the host's "Now listening on" line (simple or JSON logs).</summary>
    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        try
        {
            return await _listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{Name} did not listen within {timeout.TotalSeconds:F0} s.\n{Describe()}");
            throw;
        }
    }

    /// <summary>Output lines that are JSON log entries (every line is one with <c>Logging:Console:FormatterName=json</c>).</summary>
    public IReadOnlyList<JsonElement> JsonLogLines() =>
        [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    public string Describe()
    {
        var output = Output;
        return $"{Name} (pid {Id}) output (last 6,000 characters):\n{output[Math.Max(0, output.Length - 6000)..]}\nerrors:\n{Error}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        Append(_output, line);
        if (line is not null && ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    [GeneratedRegex("""Now listening on: (?<url>http://[0-9.]+:[0-9]+)""")]
    private static partial Regex ListeningLine();
}
