using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Health;

/// <summary>The catalog database answers and has every migration of this build applied.</summary>
public sealed class CatalogHealthCheck(IDbContextFactory<CatalogDb> dbFactory, CatalogSeeding seeding) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["provider"] = db.Database.ProviderName ?? "",
                ["seeding"] = seeding.IsRunning ? $"{seeding.Written}/{seeding.Total}" : seeding.Error ?? "done",
            };
            if (!await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return HealthCheckResult.Unhealthy("the catalog database does not answer", data: data);
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
            data["appliedMigrations"] = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).Count();
            if (pending.Count > 0)
            {
                data["pendingMigrations"] = pending;
                return HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied", data: data);
            }

            return seeding.Error is { } error
                ? HealthCheckResult.Degraded("reachable and migrated; first-start seeding failed: " + error, data: data)
                : HealthCheckResult.Healthy("reachable and migrated", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The provider's message names the host or file, never the password (connection strings stay out of reports).
            return HealthCheckResult.Unhealthy("the catalog database cannot be reached: " + ex.GetBaseException().Message);
        }
    }
}
