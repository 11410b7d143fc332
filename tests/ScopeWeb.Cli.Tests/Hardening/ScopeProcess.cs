using System.Diagnostics;
using System.Text;

namespace ScopeWeb.Cli.Tests.Hardening;

/// <summary>
/// The built <c>scope</c> binary (copied beside the tests) as a real child process: for what only separate processes show
/// (two processes on one catalog, a process killed with -9).
/// </summary>
internal sealed class ScopeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private ScopeProcess(Process process)
    {
        _process = process;
    }

    public static string Binary => Path.Combine(AppContext.BaseDirectory, "scope");

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

    public static ScopeProcess Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // A console logger that does not colour or buffer, so the test reads what a user would see.
        info.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var scope = new ScopeProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (scope._output)
                {
                    scope._output.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (scope._error)
                {
                    scope._error.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return scope;
    }

    /// <summary>Waits for the exit; a process still running after <paramref name="timeout"/> is killed and the test fails with its output.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"scope did not finish within {timeout.TotalSeconds:F0} s.\nstdout:\n{Output}\nstderr:\n{Error}");
        }

        // The asynchronous readers finish after the exit; this drains them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-9", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
