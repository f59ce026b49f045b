using Google.Protobuf;
using Grpc.Core;

namespace OpenMailserver.Tests.Admin;

/// <summary>A fake of the control plane behind the SDK client, for component tests: each RPC answers from a
/// handler set by the test (by method name, e.g. "ListMailboxes"), and every request is recorded.</summary>
public sealed class FakeControlPlane : CallInvoker
{
    private readonly Dictionary<string, Func<IMessage, IMessage>> _handlers = [];

    public List<(string Method, IMessage Request)> Calls { get; } = [];

    public FakeControlPlane On<TRequest>(string method, Func<TRequest, IMessage> handler) where TRequest : IMessage
    {
        _handlers[method] = request => handler((TRequest)request);
        return this;
    }

    public FakeControlPlane Fails(string method, StatusCode status, string detail)
    {
        _handlers[method] = _ => throw new RpcException(new Status(status, detail));
        return this;
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Calls.Add((method.Name, (IMessage)request));
        Task<TResponse> response;
        try
        {
            var handler = _handlers.GetValueOrDefault(method.Name) ?? throw new RpcException(new Status(StatusCode.Unimplemented, $"no fake for {method.Name}"));
            response = Task.FromResult((TResponse)handler((IMessage)request));
        }
        catch (RpcException e)
        {
            response = Task.FromException<TResponse>(e);
        }
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("The dashboard's pages make no streaming calls yet.");

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
