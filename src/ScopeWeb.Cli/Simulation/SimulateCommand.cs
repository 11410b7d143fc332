using System.CommandLine;

namespace ScopeWeb.Cli.Simulation;

/// <summary><c>scope simulate --count N</c> (being written).</summary>
public static class SimulateCommand
{
    public static Command Create() => new("simulate", "Fill the catalog with simulated ZTF light curves.");
}
