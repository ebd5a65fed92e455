using System.Net.Sockets;
using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Faults;

/// <summary>Bugs the fault suite found, pinned down as unit tests.</summary>
public sealed class FaultSuiteFindingsTests
{
    /// <summary>Base64Url.TryDecodeFromChars throws on characters outside the alphabet, so every
    /// mistyped or tampered page link answered 500 instead of 404.</summary>
    [Theory]
    [InlineData("ü")]
    [InlineData("a b")]
    [InlineData("%00")]
    [InlineData("'; DROP TABLE")]
    [InlineData("_L31UCZXFUNT2L0JZ-ZVKMW_6NENUHKYGOQNHD01KFS")]
    [InlineData("====")]
    public void TokensThatAreNotBase64UrlAreRejectedNotThrown(string token)
    {
        Assert.False(PurchaseKeys.TryParseOrganizerToken(token, out _));
        Assert.False(PurchaseKeys.TryParseShareToken(token, out _, out _));
    }

    /// <summary>Under load (the benchmarks' load driver) Azurite answered a create after the SDK's 3 s
    /// network timeout on every retry; the SDK throws this chain, which answered 500 instead of 503.</summary>
    [Fact]
    public void AStorageNetworkTimeoutAfterRetriesIsAnOutageNotAnInternalError()
    {
        static Exception Timeout() => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:03.",
            new TaskCanceledException("The operation was canceled.", new IOException("Unable to read data from the transport connection: Operation canceled.",
                new SocketException((int)SocketError.OperationAborted))));
        Assert.True(StorageErrors.IsUnavailable(new AggregateException("Retry failed after 3 tries.", Timeout(), Timeout(), Timeout())));
        Assert.True(StorageErrors.IsUnavailable(Timeout()));
        Assert.False(StorageErrors.IsUnavailable(new TaskCanceledException()));
    }

    /// <summary>Under the fault suite's duplicate pays and malformed flood (Azurite saturated by the
    /// engine's backlog) a pledge answered 500: the SDK's timeout can also come without the socket
    /// read as its cause.</summary>
    [Fact]
    public void RetriesThatAllTimedOutWithoutACauseAreAnOutage()
    {
        static Exception Bare() => new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:10.",
            new TaskCanceledException("The operation was canceled."));
        Assert.True(StorageErrors.IsUnavailable(new AggregateException("Retry failed after 3 tries.", Bare(), Bare(), Bare())));
        Assert.False(StorageErrors.IsUnavailable(new AggregateException(new InvalidOperationException("a bug"), Bare())));
        Assert.False(StorageErrors.IsUnavailable(new AggregateException(new Azure.RequestFailedException(409, "conflict"))));
    }
}
