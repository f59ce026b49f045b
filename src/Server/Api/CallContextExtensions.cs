using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Api;

public static class CallContextExtensions
{
    /// <summary>The response header carrying the next page's token, since a REST list's body is a bare array.</summary>
    public const string NextPageTokenHeader = "X-Next-Page-Token";

    /// <summary>The request header that makes a send idempotent (as the field idempotency_key does).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The caller <see cref="ApiKeyInterceptor"/> authenticated for this call.</summary>
    public static Caller Caller(this ServerCallContext context) =>
        context.GetHttpContext().Items[typeof(Caller)] as Caller
        ?? throw new InvalidOperationException("No authenticated caller: is ApiKeyInterceptor registered?");

    /// <summary>Sets the next-page header: an HTTP header for REST, initial metadata for gRPC.</summary>
    public static void SetNextPageToken(this ServerCallContext context, string? token)
    {
        if (!string.IsNullOrEmpty(token)) context.GetHttpContext().Response.Headers[NextPageTokenHeader] = token;
    }

    /// <summary>A send request as bytes without its idempotency key, so a key reused for another message is told apart.</summary>
    public static byte[] WithoutKey<T>(T request, Action<T> clearKey) where T : Google.Protobuf.IMessage<T>
    {
        var copy = request.Clone();
        clearKey(copy);
        return Google.Protobuf.MessageExtensions.ToByteArray(copy);
    }

    /// <summary>The idempotency key from the request field or the header; both present must agree.</summary>
    public static string? IdempotencyKey(this ServerCallContext context, string field)
    {
        var header = context.RequestHeaders.GetValue(IdempotencyKeyHeader.ToLowerInvariant());
        if (!string.IsNullOrEmpty(field) && !string.IsNullOrEmpty(header) && field != header)
            throw new MailServerException(ErrorKind.InvalidArgument, "The Idempotency-Key header and the idempotency_key field differ; send one of them.");
        return string.IsNullOrEmpty(field) ? header : field;
    }
}
