using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScopeWeb.Web.Setup;

namespace ScopeWeb.Web.Tests.Startup;

/// <summary>A background job that fails is logged and shown on /healthz (training-queue, feature-job, …); it never stops the app.</summary>
public sealed class BackgroundFailureTests
{
    [Fact]
    public async Task The_web_host_ignores_a_failed_background_service()
    {
        var dataDir = Directory.CreateTempSubdirectory("scopeweb-hostoptions-");
        try
        {
            await using var app = ScopeWebApp.Build([], b => b.Configuration["Database:DataDirectory"] = dataDir.FullName);

            var options = app.Services.GetRequiredService<IOptions<HostOptions>>().Value;

            Assert.Equal(BackgroundServiceExceptionBehavior.Ignore, options.BackgroundServiceExceptionBehavior);
        }
        finally
        {
            dataDir.Delete(recursive: true);
        }
    }
}
