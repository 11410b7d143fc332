using System.CommandLine;

namespace ScopeWeb.Cli.Import;

/// <summary><c>scope import-lightcurves --input FILE</c> (being written).</summary>
public static class ImportLightCurvesCommand
{
    public static Command Create() => new("import-lightcurves", "Import light curves from CSV.");
}
