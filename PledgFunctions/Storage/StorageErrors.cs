using System.Net.Sockets;
using Azure;

namespace PledgFunctions.Storage;

/// <summary>One place that decides what a storage failure means, so callers never inspect
/// status codes themselves.</summary>
public static class StorageErrors
{
    /// <summary>409 on an insert, 412 on an ETag-conditional write: another writer got there
    /// first. The caller re-reads and decides again.</summary>
    public static bool IsConflict(Exception e) => e switch
    {
        Azure.Data.Tables.TableTransactionFailedException t => t.Status is 409 or 412,
        RequestFailedException r => r.Status is 409 or 412,
        _ => false,
    };

    public static bool IsNotFound(Exception e) => e is RequestFailedException { Status: 404 } r && !IsMissingResource(r);

    /// <summary>The table or queue itself is gone (e.g. a development Azurite restarted in memory).</summary>
    public static bool IsMissingResource(Exception e) =>
        e is RequestFailedException { Status: 404, ErrorCode: "TableNotFound" or "QueueNotFound" or "ResourceNotFound" };

    /// <summary>Storage could not be reached or failed on its side: the request may be retried later.</summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        BadHttpRequestException => false, // an IOException, but the client's fault
        // The SDK's "Retry failed after N tries": it retries only transient failures and stops at
        // once when the caller's token is cancelled, so a cancellation among the tries is a timeout,
        // whether or not it carries the cancelled socket read as its cause.
        AggregateException a => a.InnerExceptions.All(i => IsUnavailable(i) || i is OperationCanceledException),
        RequestFailedException r => r.Status == 0 || r.Status >= 500 || IsMissingResource(r),
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        // The Durable Task engine's sidecar passes a storage failure on as a gRPC error.
        Grpc.Core.RpcException rpc => rpc.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Unknown
            or Grpc.Core.StatusCode.Internal or Grpc.Core.StatusCode.DeadlineExceeded,
        // The Azure SDK's network timeout is a TaskCanceledException wrapping the cancelled socket
        // read (IOException); a bare cancellation (the caller's own token) has no such cause.
        TaskCanceledException t => t.InnerException is TimeoutException || t.InnerException is not null && IsUnavailable(t.InnerException),
        _ => e.InnerException is not null && IsUnavailable(e.InnerException),
    };
}
