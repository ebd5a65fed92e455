using PledgFunctions;
using PledgFunctions.Functions;
using PledgFunctions.Hosting;

// Under the Azure Functions host: the isolated worker. Otherwise (`dotnet run`, tests, a plain
// process): the standalone host on Kestrel. Both serve the same endpoints through the same middleware.
if (FunctionsHostDetection.IsFunctionsHost(args)) FunctionsWorkerApp.Build(args).Run();
else PledgApp.Build(args).Run();

/// <summary>Entry point; the service itself is assembled in <see cref="PledgApp"/>.</summary>
public partial class Program;
