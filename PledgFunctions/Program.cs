using PledgFunctions;

PledgApp.Build(args).Run();

/// <summary>Entry point; the service itself is assembled in <see cref="PledgApp"/>.</summary>
public partial class Program;
