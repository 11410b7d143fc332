using System.CommandLine;
using ScopeWeb.Cli;
using ScopeWeb.Cli.Bench;
using ScopeWeb.Cli.Classifiers;
using ScopeWeb.Cli.Features;
using ScopeWeb.Cli.Import;
using ScopeWeb.Cli.Simulation;
using ScopeWeb.Cli.Training;

var root = new RootCommand("scope: ScopeWeb's command-line tool (SCoPe-style commands over the ScopeWeb catalog).");
CliHost.AddGlobalOptions(root);
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ImportLightCurvesCommand.Create());
root.Subcommands.Add(FeaturesCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
