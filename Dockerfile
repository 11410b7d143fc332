# ScopeWeb web app: build with the SDK, run on the ASP.NET runtime as the image's non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props appsettings.json ./
COPY wwwroot/ wwwroot/
COPY models/ models/
COPY src/ src/
RUN dotnet publish src/ScopeWeb.Web/ScopeWeb.Web.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# LightGBM's native library (training runs) needs the GNU OpenMP runtime, which the slim image lacks.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The model registry (Models:Directory = models, watched) and its default models; promotions write here.
COPY --from=build /src/models ./models
# The default catalog (SQLite) lives in /app/data; mount a volume there to keep it.
RUN mkdir -p /app/data && chown -R app:app /app/data /app/models
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Database__DataDirectory=/app/data
EXPOSE 8080
VOLUME ["/app/data"]
ENTRYPOINT ["dotnet", "ScopeWeb.Web.dll"]
