using Grpc.Core;
using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Api;

public static class CallContextExtensions
{
    /// <summary>The caller <see cref="ApiKeyInterceptor"/> authenticated for this call.</summary>
    public static Caller Caller(this ServerCallContext context) =>
        context.GetHttpContext().Items[typeof(Caller)] as Caller
        ?? throw new InvalidOperationException("No authenticated caller: is ApiKeyInterceptor registered?");
}
