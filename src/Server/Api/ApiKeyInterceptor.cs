using Grpc.Core;
using Grpc.Core.Interceptors;
using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Api;

/// <summary>Authenticates every RPC, native or JSON-transcoded alike, by its <c>X-OpenMailserver-Key</c>
/// and checks the scope the method declares: 401 for a missing or unknown key, 403 for a missing scope.
/// Mailbox ownership is checked by the services, which know which mailbox a request touches.</summary>
public sealed class ApiKeyInterceptor(ApiKeyService keys) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context)
    {
        // Server reflection describes the public protos only (what grpcurl needs); it reads no data.
        if (context.Method.StartsWith("/grpc.reflection.", StringComparison.Ordinal)) return;
        var http = context.GetHttpContext();
        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiresScopeAttribute>()
                       ?? throw new RpcException(new Status(StatusCode.PermissionDenied, $"{context.Method} declares no scope and is refused."));

        // Usually authenticated already by ApiKeyGate, before the request body was read.
        var caller = http.Items[typeof(Caller)] as Caller;
        if (caller is null)
        {
            var raw = ApiKeyHeader.Read(http.Request.Headers);
            if (raw.Length == 0)
                throw new RpcException(new Status(StatusCode.Unauthenticated, ApiKeyGate.MissingKey));
            caller = await keys.AuthenticateAsync(raw)
                     ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "The API key is not valid: it is unknown, revoked, or its mailbox is disabled."));
        }
        if (!required.Scopes.Any(caller.Has))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"This API key lacks the '{required.Scope}' scope needed here."));
        http.Items[typeof(Caller)] = caller;
    }
}
