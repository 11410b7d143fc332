using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Cli.Catalog;

/// <summary>
/// <c>scope update-catalog [--models DIR]</c>: what the web app's background jobs do, once, for scripts: compute the
/// features of new or changed light curves, then score every source whose scores are missing or stale with every
/// model in the folder.
/// </summary>
public static class UpdateCatalogCommand
{
    public static Command Create()
    {
        var models = new Option<DirectoryInfo>("--models") { Description = "Model folder (cards + ONNX).", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var command = new Command("update-catalog", "Compute missing features and scores for the catalog (the web app's background jobs, run once).") { models };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var dir = parse.GetValue(models)!;
            using var host = await CliHost.StartAsync(parse, ct, b => b.Configuration["Models:Directory"] = dir.FullName).ConfigureAwait(false);
            var services = host.Services;
            var factory = services.GetRequiredService<IDbContextFactory<CatalogDb>>();
            var time = services.GetRequiredService<TimeProvider>();
            // RunOnceAsync does not wait for seeding; only the hosted loops do.
            var seeding = new CatalogSeeding();

            var featureStatus = new FeatureJobStatus();
            using (Watch(featureStatus, "features", output))
            {
                var features = new CatalogFeatureJob(factory, services.GetRequiredService<FeatureExtractor>(), featureStatus, seeding, services.GetRequiredService<JobLeases>(),
                    Options.Create(new FeatureJobOptions()), time, NullLogger<CatalogFeatureJob>.Instance);
                await features.RunOnceAsync(ct).ConfigureAwait(false);
                await output.WriteLineAsync("features: " + Describe(features.LastPass, "computed")).ConfigureAwait(false);
            }

            var registry = services.GetRequiredService<ModelRegistry>();
            var scoringStatus = new ScoringJobStatus();
            using (Watch(scoringStatus, "scores", output))
            {
                var scoring = new CatalogScoringJob(factory, registry, scoringStatus, seeding, services.GetRequiredService<JobLeases>(),
                    Options.Create(new ScoringJobOptions()), time, NullLogger<CatalogScoringJob>.Instance);
                await scoring.RunOnceAsync(ct).ConfigureAwait(false);
                foreach (var notice in scoringStatus.Notices)
                {
                    await output.WriteLineAsync("note: " + notice).ConfigureAwait(false);
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"scores: {Describe(scoring.LastPass, "scored")} with {registry.Models.Count} models from {registry.Directory}")).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>"12 sources computed, 1 quarantined (see /sources), 30 left to another process".</summary>
    private static string Describe(CatalogJobPass pass, string verb)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{pass.Computed:N0} sources {verb}");
        if (pass.Quarantined > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {pass.Quarantined:N0} quarantined (their reasons are on their pages; /sources?quarantined=true lists them)");
        }

        if (pass.ClaimedElsewhere > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {pass.ClaimedElsewhere:N0} left to another process working on this catalog");
        }

        return text;
    }

    /// <summary>Prints the job's progress (count, rate, ETA) at most once a second.</summary>
    private static IDisposable Watch(JobProgress status, string what, TextWriter output)
    {
        var last = DateTime.MinValue;
        void OnChanged()
        {
            if (!status.IsRunning || DateTime.UtcNow - last < TimeSpan.FromSeconds(1))
            {
                return;
            }

            last = DateTime.UtcNow;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {status.Done:N0}/{status.Pending:N0} ({status.ItemsPerSecond:N0}/s{(status.Eta is { } eta ? $", {eta.TotalSeconds:F0} s left" : "")})"));
        }

        status.Changed += OnChanged;
        return new Unsubscribe(() => status.Changed -= OnChanged);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
