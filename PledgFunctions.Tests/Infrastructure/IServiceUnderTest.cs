namespace PledgFunctions.Tests.Infrastructure;

/// <summary>A running service a test talks to over HTTP, whichever host runs it (standalone in this
/// process or as a process, or the built app under the Functions host). <see cref="Services"/>
/// reads its storage directly (purchase rows, the sandbox gateway's ledger), for checks the
/// public API does not show.</summary>
public interface IServiceUnderTest
{
    Uri BaseAddress { get; }

    IServiceProvider Services { get; }

    HttpClient Client(string? apiKey = TestService.MerchantKey);
}
