using System.Diagnostics;

namespace ScopeWeb.Training;

/// <summary>The process training a run: its host and process id, as written on the run while it trains.</summary>
public sealed record TrainingRunOwner(string Host, int ProcessId)
{
    /// <summary>This process.</summary>
    public static TrainingRunOwner Current { get; } = new(Environment.MachineName, Environment.ProcessId);

    public override string ToString() => $"{Host}/{ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Whether a process with this id runs on this host (an id can be reused, so true proves nothing; false proves the owner is gone).</summary>
    public static bool IsRunningHere(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }
}
