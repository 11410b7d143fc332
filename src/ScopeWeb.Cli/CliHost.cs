using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Groups;
using ScopeWeb.Core.Import;

namespace ScopeWeb.Cli;

/// <summary>
/// The services behind every command: the same <c>appsettings.json</c> and <c>Add…</c> registrations as the
/// web app, with <c>--provider</c>/<c>--connection</c>/<c>--data-dir</c> overriding the <c>Database</c> section.
/// </summary>
public static class CliHost
{
    public static readonly Option<DatabaseProvider?> Provider = new("--provider")
    {
        Description = "Catalog store: Sqlite or Postgres (default from appsettings.json: Sqlite).",
        Recursive = true,
    };

    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Catalog connection string (default: a SQLite file in the data directory).",
        Recursive = true,
    };

    public static readonly Option<string?> DataDirectory = new("--data-dir")
    {
        Description = "Folder of the default SQLite catalog (default: ./data, as the web app).",
        Recursive = true,
    };

    public static readonly Option<string?> LogFormat = new Option<string?>("--log-format")
    {
        Description = "Log lines: simple (default, from appsettings.json Logging:Console:FormatterName), json (one JSON object a line, on stderr) or systemd.",
        Recursive = true,
    }.AcceptOnlyFromAmong("simple", "json", "systemd");

    public static void AddGlobalOptions(RootCommand root)
    {
        root.Options.Add(Provider);
        root.Options.Add(Connection);
        root.Options.Add(DataDirectory);
        root.Options.Add(LogFormat);
    }

    /// <summary>Builds the service provider for one command run and migrates the catalog.</summary>
    public static async Task<IHost> StartAsync(ParseResult parse, CancellationToken ct, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        // Commands print their own progress; service chatter stays out of stdout unless it is a warning.
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        if (parse.GetValue(Provider) is { } provider)
        {
            overrides["Database:Provider"] = provider.ToString();
        }

        if (parse.GetValue(Connection) is { } connection)
        {
            overrides["Database:ConnectionString"] = connection;
        }

        if (parse.GetValue(DataDirectory) is { } dir)
        {
            overrides["Database:DataDirectory"] = dir;
        }

        if (parse.GetValue(LogFormat) is { } format)
        {
            overrides["Logging:Console:FormatterName"] = format;
            if (format == "json")
            {
                // Machine-read logs stay apart from the command's own output on stdout.
                overrides["Logging:Console:LogToStandardErrorThreshold"] = nameof(LogLevel.Trace);
            }
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCatalog(initializeOnStart: false);
        builder.AddLightCurveImport();
        builder.AddFeatureExtraction(backgroundJob: false);
        builder.AddClassifiers(backgroundJob: false);
        builder.AddSourceGroups();
        configure?.Invoke(builder);
        var host = builder.Build();
        // Warnings (e.g. a dead process's migration lock cleared) reach stderr through the host's console logger.
        await CatalogMigrator.MigrateAsync(
            host.Services.GetRequiredService<IDbContextFactory<CatalogDb>>(),
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CatalogMigrator)),
            ct).ConfigureAwait(false);
        return host;
    }
}
