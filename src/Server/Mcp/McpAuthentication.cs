using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Mcp;

/// <summary>Lets only mailbox API keys (with mail:read and mail:send) reach the MCP endpoint: the tools act
/// on the key's own mailbox, so a key can never name another one. Refused calls get 401/403 with a JSON
/// message before the MCP protocol runs.</summary>
public static class McpAuthentication
{
    public const string Path = "/mcp";

    public static void UseMcpAuthentication(this WebApplication app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            // Authenticated by ApiKeyGate, before the request body was read.
            var caller = context.Items[typeof(Caller)] as Caller;
            if (caller is null)
            {
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Missing or unknown API key: send a mailbox key in the X-OpenMailserver-Key header.");
                return;
            }
            if (caller.MailboxAddress is null || !caller.Has(Scopes.MailRead) || !caller.Has(Scopes.MailSend))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "The MCP tools act on one mailbox: use that mailbox's API key (mail:read and mail:send), not an operator key.");
                return;
            }
            context.Items[typeof(Caller)] = caller;
            await next(context);
        }));

    public static Caller Caller(this HttpContext context) =>
        context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("MCP call without an authenticated caller.");

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { code = status == 401 ? 16 : 7, message });
    }
}
