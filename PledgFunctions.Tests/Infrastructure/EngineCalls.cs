using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>Counts the calls the app's Durable client makes to the engine (start, raise an event,
/// read a status): every one is a unary gRPC call to the sidecar, counted as it is sent. The
/// engine's own polling is not a client call, so an idle count stays still.</summary>
public sealed class EngineCalls : Interceptor
{
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public static EngineCalls AddTo(IServiceCollection services)
    {
        var calls = new EngineCalls();
        services.ConfigureAll<GrpcDurableTaskClientOptions>(options => options.Interceptors.Add(calls));
        return calls;
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        Interlocked.Increment(ref _total);
        return continuation(request, context);
    }
}
