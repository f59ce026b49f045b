using Microsoft.AspNetCore.Http.Features;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Mcp;

namespace OpenMailserver.Server.Api;

/// <summary>Checks the API key (<see cref="ApiKeyHeader"/>) of every request that needs a key — REST <c>/v1</c>,
/// native gRPC, MCP and <c>/metrics</c> — before anything reads the request's body, so an unauthenticated caller
/// cannot make the server read (and hold) a body of any size: it gets 401 and the connection is closed. Every
/// other request may send at most <see cref="UnauthenticatedBodyLimit"/> bytes of body. Scopes are still
/// checked where the method is known (<see cref="ApiKeyInterceptor"/>, <see cref="McpAuthentication"/>), except
/// for <c>/metrics</c>, which needs <c>debug:read</c> here.</summary>
public static class ApiKeyGate
{
    public const long UnauthenticatedBodyLimit = 64 * 1024;
    public const string MetricsPath = "/metrics";
    private const string UnknownKey = "The API key is not valid: it is unknown, revoked, or its mailbox is disabled.";
    public const string MissingKey = "Missing API key: send it in the X-OpenMailserver-Key header.";

    public static void UseApiKeyGate(this WebApplication app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        var grpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        // Server reflection describes the public protos only (what grpcurl needs); it reads no data.
        var needsKey = !path.StartsWithSegments("/grpc.reflection.v1alpha.ServerReflection") && !path.StartsWithSegments("/grpc.reflection.v1.ServerReflection")
                       && (grpc || path.StartsWithSegments("/v1") || path.StartsWithSegments(McpAuthentication.Path) || path.StartsWithSegments(MetricsPath));
        if (!needsKey)
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body) body.MaxRequestBodySize = UnauthenticatedBodyLimit;
            await next(context);
            return;
        }

        var raw = ApiKeyHeader.Read(context.Request.Headers);
        var caller = raw.Length == 0 ? null : await context.RequestServices.GetRequiredService<ApiKeyService>().AuthenticateAsync(raw);
        if (caller is null)
        {
            await RefuseAsync(context, grpc, StatusCodes.Status401Unauthorized, raw.Length == 0 ? MissingKey : UnknownKey);
            return;
        }
        if (path.StartsWithSegments(MetricsPath) && !caller.Has(Scopes.DebugRead))
        {
            await RefuseAsync(context, grpc, StatusCodes.Status403Forbidden, $"This API key lacks the '{Scopes.DebugRead}' scope needed here.");
            return;
        }
        context.Items[typeof(Caller)] = caller;
        await next(context);
    });

    /// <summary>Answers without reading the body, and closes the connection so none of it is read later either.</summary>
    private static async Task RefuseAsync(HttpContext context, bool grpc, int status, string message)
    {
        if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol)) context.Response.Headers.Connection = "close";
        if (grpc)
        {
            // A trailers-only gRPC response: the status travels in the headers.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = (status == StatusCodes.Status401Unauthorized ? 16 : 7).ToString();
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }
        context.Response.StatusCode = status;
        // The shape of the API's other errors (a google.rpc.Status).
        await context.Response.WriteAsJsonAsync(new { code = status == StatusCodes.Status401Unauthorized ? 16 : 7, message, details = Array.Empty<object>() });
    }
}
