namespace ScopeWeb.Core.Jobs;

/// <summary>A background job that reports its progress and last error (the health check reads them; see docs/architecture.md, Health).</summary>
public interface IJobWithProgress
{
    JobProgress Progress { get; }
}
