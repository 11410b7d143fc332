using ScopeWeb.Web.Setup;

ScopeWebApp.Build(args).Run();

/// <summary>Entry point; public so test hosts can reference it.</summary>
public partial class Program;
