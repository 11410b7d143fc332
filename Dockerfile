# ScopeWeb web app: build with the SDK, run on the ASP.NET runtime as the image's non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props appsettings.json ./
COPY wwwroot/ wwwroot/
COPY models/ models/
COPY src/ src/
RUN dotnet publish src/ScopeWeb.Web/ScopeWeb.Web.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The default catalog (SQLite) lives in /app/data; mount a volume there to keep it.
RUN mkdir -p /app/data && chown app:app /app/data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Database__DataDirectory=/app/data
EXPOSE 8080
VOLUME ["/app/data"]
ENTRYPOINT ["dotnet", "ScopeWeb.Web.dll"]
