# ScopeWeb web app: build with the SDK, run on the ASP.NET runtime as the image's non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore in its own layer, from the build settings and project files only: a source change does not restore again.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY src/ScopeWeb.Core/ScopeWeb.Core.csproj src/ScopeWeb.Core/
COPY src/ScopeWeb.Training/ScopeWeb.Training.csproj src/ScopeWeb.Training/
COPY src/ScopeWeb.Web/ScopeWeb.Web.csproj src/ScopeWeb.Web/
RUN dotnet restore src/ScopeWeb.Web/ScopeWeb.Web.csproj
COPY appsettings.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
RUN dotnet publish src/ScopeWeb.Web/ScopeWeb.Web.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# LightGBM's native library (training runs) needs the GNU OpenMP runtime, which the slim image lacks; curl is the
# health probe (the image has no HTTP client).
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The model registry (Models:Directory = models, watched) and its default models; promotions write here.
COPY models/ ./models/
# The default catalog (SQLite) lives in /app/data; mount a volume there to keep it. /app/keys is for the Data Protection
# keys several instances share (docker-compose.yml): a named volume takes the owner of the folder it is mounted on.
RUN mkdir -p /app/data /app/keys && chown -R app:app /app/data /app/keys /app/models
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Database__DataDirectory=/app/data
EXPOSE 8080
VOLUME ["/app/data"]
# /healthz answers 503 when the catalog is unreachable or unmigrated or a background job has stopped (docs/architecture.md).
# The first start seeds and migrates a fresh catalog, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD curl -fsS http://127.0.0.1:8080/healthz > /dev/null || exit 1
ENTRYPOINT ["dotnet", "ScopeWeb.Web.dll"]
