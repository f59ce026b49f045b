using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMailserver.Admin.Services;

public static class AdminEndpoints
{
    /// <summary>Serves the dashboard at <c>/admin</c>. Its pages may not be framed by another site (no
    /// clickjacking of the operator's buttons), and they send no referrer.</summary>
    public static WebApplication MapOpenMailserverAdmin(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/admin"))
            {
                var headers = context.Response.Headers;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            }
            return next(context);
        });
        app.UseAntiforgery();
        app.MapStaticAssets();
        // Blazor sends Content-Security-Policy: frame-ancestors itself; 'self' by default.
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");
        return app;
    }
}
