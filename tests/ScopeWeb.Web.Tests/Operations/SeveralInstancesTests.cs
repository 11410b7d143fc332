using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Groups;
using ScopeWeb.Training;
using ScopeWeb.Web.Tests.Support;

namespace ScopeWeb.Web.Tests.Operations;

/// <summary>
/// Issue [7/12]: the docker-compose topology without containers. Two real app processes (the built ScopeWeb.Web.dll, as
/// the image runs it) on one fresh PostgreSQL database, one shared models folder, configured by environment variables:
/// both migrate and seed it safely (once), their catalog jobs share the work (each source computed once), a training run
/// queued by an instance that does not train (TrainingRunRequests without a queue, what /training does there) is trained
/// exactly once, a promotion is served by an instance that cannot watch the folder within its rescan interval, a cancel
/// written to the catalog stops a run in whichever process trains it, and neither logs the database password.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class SeveralInstancesTests : IAsyncLifetime
{
    private const int Sources = 120;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    // Trust authentication ignores it; it is here only to be looked for in the logs.
    private readonly string _password = "pw-" + Guid.NewGuid().ToString("N");
    private readonly ScratchFolder _shared = new();
    private readonly List<WebAppProcess> _apps = [];
    private string? _database;
    private string _connection = "";

    private string ModelsFolder => Path.Combine(_shared.Path, "models");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(TestCatalog.PostgresConnection);
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }

        _shared.Dispose();
    }

    [SkippableFact]
    public async Task Two_instances_on_one_postgres_seed_once_share_jobs_train_each_run_once_and_follow_promotions_and_cancels()
    {
        var admin = TestCatalog.PostgresConnection;
        Skip.If(string.IsNullOrEmpty(admin), $"{TestCatalog.PostgresVariable} is not set: no PostgreSQL server to test against (scripts/test.sh starts one).");
        // A database nobody has migrated: both instances start on it at once.
        _database = "t_" + Guid.NewGuid().ToString("N");
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", conn);
            await create.ExecuteNonQueryAsync();
        }

        _connection = new NpgsqlConnectionStringBuilder(admin) { Database = _database, Password = _password }.ConnectionString;
        CopyFolder(Path.Combine(RepositoryPaths.Root()!, "models"), ModelsFolder);

        // "a" watches the models folder and logs JSON; "b" cannot watch it (as a container whose volume another container
        // writes) and must see promotions through the rescan.
        var a = Start("a", new() { ["Logging__Console__FormatterName"] = "json" });
        var b = Start("b", new() { ["Models__Watch"] = "false", ["Models__RescanSeconds"] = "1" });
        var urls = await Task.WhenAll(a.ListeningAsync(Patience), b.ListeningAsync(Patience));
        using var httpA = new HttpClient { BaseAddress = urls[0], Timeout = TimeSpan.FromSeconds(60) };
        using var httpB = new HttpClient { BaseAddress = urls[1], Timeout = TimeSpan.FromSeconds(60) };

        var factory = new CatalogDbFactory(DatabaseProvider.Postgres, _connection);

        // 1. Migrated and seeded once, features and scores computed once between them.
        await WaitUntilAsync("both instances compute every source's features", async () =>
            Computed(await MetricsAsync(httpA), "features") + Computed(await MetricsAsync(httpB), "features") >= Sources);
        int scorable;
        await using (var db = factory.CreateDbContext())
        {
            Assert.Equal(Sources, await db.Sources.CountAsync());
            Assert.Equal(Sources, await db.Features.CountAsync());
            scorable = await db.Features.CountAsync(f => f.ValuesJson != "{}" && f.Error == null);
        }

        await WaitUntilAsync("both instances score every source", async () =>
        {
            await using var db = factory.CreateDbContext();
            return await db.Classifications.CountAsync() == scorable * 16;
        });
        var (metricsA, metricsB) = (await MetricsAsync(httpA), await MetricsAsync(httpB));
        Assert.Equal(Sources, Computed(metricsA, "features") + Computed(metricsB, "features"));
        Assert.Equal(scorable, Computed(metricsA, "scores") + Computed(metricsB, "scores"));
        foreach (var http in new[] { httpA, httpB })
        {
            using var health = await http.GetAsync("/healthz");
            var body = await health.Content.ReadAsStringAsync();
            Assert.True(health.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            Assert.Equal("done", json.RootElement.GetProperty("checks").GetProperty("catalog-initializer").GetProperty("description").GetString());
            using var training = await http.GetAsync("/training");
            Assert.Equal(HttpStatusCode.OK, training.StatusCode);
        }

        // 2. Runs queued where nothing trains (no queue: the run is only written to the catalog) are each trained once.
        var store = new TrainingRunStore(factory, TimeProvider.System);
        var promoter = new ModelPromoter(store, new SourceGroups(factory, TimeProvider.System), Options.Create(new ModelRegistryOptions { Directory = ModelsFolder }));
        var requests = new TrainingRunRequests(new TrainingRunLifecycle(store, promoter, factory));
        Assert.False(requests.TrainsHere);
        var queued = new List<long>();
        foreach (var seed in new[] { 3, 4 })
        {
            queued.Add((await requests.EnqueueAsync(new TrainingParameters { Tag = "vnv", Algorithm = "xgb", Seed = seed, MaxRounds = 40, Stratify = true, TestSize = 0.2, ValidationSize = 0.2 }, "test")).Id);
        }

        await WaitUntilAsync("both queued runs finish", async () => (await RunsAsync(store, queued)).All(r => r.State is not (TrainingRunState.Queued or TrainingRunState.Running)));
        var runs = await RunsAsync(store, queued);
        Assert.All(runs, r => Assert.True(r.State == TrainingRunState.Succeeded, $"run {r.Id}: {r.State} {r.Error}"));
        Assert.All(runs, r => Assert.Contains(r.OwnerProcessId, new int?[] { a.Id, b.Id }));
        foreach (var id in queued)
        {
            var started = $"Training run {id.ToString(CultureInfo.InvariantCulture)} started in process";
            Assert.Equal(1, Occurrences(a.Output, started) + Occurrences(b.Output, started));
        }

        // 3. A promotion (the Promote button's code) is served by "b" through its rescan, and by "a" through its watch.
        var promoted = runs[0];
        var card = ModelCard.Load(promoted.CardPath!);
        var clock = Stopwatch.StartNew();
        await promoter.PromoteAsync(promoted.Id);
        await WaitUntilAsync("b serves the promoted model", async () => Serves(await MetricsAsync(httpB), "vnv_xgb", card.Version));
        var servedByB = clock.Elapsed;
        await WaitUntilAsync("a serves the promoted model", async () => Serves(await MetricsAsync(httpA), "vnv_xgb", card.Version));
        // Rescans every second; generous for a loaded machine, far below the 15 s default interval it stands for.
        Assert.True(servedByB < TimeSpan.FromSeconds(30), $"b served the promoted model after {servedByB.TotalSeconds:F1} s");
        await WaitUntilAsync("every source rescored with the promoted model", async () =>
        {
            await using var db = factory.CreateDbContext();
            return await db.Classifications.CountAsync(c => c.Tag == "vnv" && c.Algorithm == "xgb" && c.ModelVersion == card.Version) == scorable;
        });

        // 4. Cancel through the catalog (the page of an instance that does not train) stops a run in the process training it.
        var slow = await requests.EnqueueAsync(new TrainingParameters { Tag = "vnv", Algorithm = "dnn", Epochs = 100_000, Patience = 100_000, ConvBranch = false, Stratify = true, TestSize = 0.2, ValidationSize = 0.2 }, "test");
        await WaitUntilAsync("the slow run starts", async () => (await store.GetAsync(slow.Id))!.State == TrainingRunState.Running);
        Assert.True(await requests.CancelAsync(slow.Id));
        await WaitUntilAsync("the slow run is cancelled", async () => (await store.GetAsync(slow.Id))!.State == TrainingRunState.Cancelled);
        Assert.Equal(TrainingRunLifecycle.CancelRequestedReason, (await store.GetAsync(slow.Id))!.Error);
        await WaitUntilAsync("the training-run gauge shows it", async () =>
            (await MetricsAsync(httpB)).ValueOr(0, "scopeweb_training_runs", ("scopeweb_training_run_state", "cancelled")) == 1);

        // 5. Logs: "a" wrote JSON, one object a line; neither wrote the password.
        var lines = a.JsonLogLines();
        Assert.Contains(lines, l => l.GetProperty("Category").GetString() == "ScopeWeb.Training.TrainingRunLifecycle" || l.GetProperty("Category").GetString() == "ScopeWeb.Core.Classifiers.ModelRegistry");
        Assert.All(lines, l => Assert.True(l.TryGetProperty("LogLevel", out _)));
        foreach (var app in _apps)
        {
            Assert.DoesNotContain(_password, app.Output + app.Error, StringComparison.Ordinal);
        }
    }

    private WebAppProcess Start(string name, Dictionary<string, string> settings)
    {
        var own = Directory.CreateDirectory(Path.Combine(_shared.Path, "instance-" + name)).FullName;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = _connection,
            ["Database__DataDirectory"] = own,
            ["Catalog__SimulatedSourcesOnFirstStart"] = Sources.ToString(CultureInfo.InvariantCulture),
            ["Catalog__SimulationSeed"] = "11",
            ["Features__PollIntervalSeconds"] = "1",
            ["Features__BatchSize"] = "16",
            ["Scoring__PollIntervalSeconds"] = "1",
            ["Scoring__BatchSize"] = "32",
            ["Models__Directory"] = ModelsFolder,
            ["Training__OutputDirectory"] = Path.Combine(_shared.Path, "trained"),
            ["Training__DatasetsDirectory"] = Path.Combine(_shared.Path, "datasets"),
            ["Training__Threads"] = "1",
            ["Training__HeartbeatInterval"] = "00:00:00.5",
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var app = WebAppProcess.Start(name, own, environment);
        _apps.Add(app);
        return app;
    }

    private async Task WaitUntilAsync(string what, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {Patience.TotalMinutes:F0} minutes: {what}.\n{string.Join("\n\n", _apps.Select(a => a.Describe()))}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<PrometheusSamples> MetricsAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return new PrometheusSamples(text);
    }

    private static async Task<List<TrainingRun>> RunsAsync(TrainingRunStore store, List<long> ids)
    {
        var runs = new List<TrainingRun>();
        foreach (var id in ids)
        {
            runs.Add((await store.GetAsync(id))!);
        }

        return runs;
    }

    private static double Computed(PrometheusSamples m, string job) =>
        m.ValueOr(0, "scopeweb_job_sources_total", ("scopeweb_job_name", job), ("scopeweb_job_outcome", "computed"))
        + m.ValueOr(0, "scopeweb_job_sources_total", ("scopeweb_job_name", job), ("scopeweb_job_outcome", "quarantined"));

    private static bool Serves(PrometheusSamples m, string model, string version) =>
        m.Find("scopeweb_registry_model_loaded", ("scopeweb_model_name", model), ("scopeweb_model_version", version)).Count == 1;

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
