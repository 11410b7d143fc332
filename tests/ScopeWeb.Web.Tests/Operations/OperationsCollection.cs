namespace ScopeWeb.Web.Tests.Operations;

/// <summary>
/// Runs alone, after the parallel tests: an in-process app's /metrics must show only its own host's instruments (other
/// test hosts in this process have meters of the same names), and the several-instances test runs two app processes on
/// a machine of two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperationsCollection
{
    public const string Name = "Operations";
}
