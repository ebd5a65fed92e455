namespace PledgFunctions.Tests.Infrastructure;

/// <summary>Tests that run the service as separate processes (kill -9, two workers on one task
/// hub). Each process compiles and starts the whole app and its engine: on a 2-core machine two
/// such tests at once starve each other, so they take turns (beside the rest of the suite).</summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "Service processes";
}
