using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace OpenMailserver.Server.Api;

/// <summary>A REST request under <c>/v1</c> that sends no body at all (<c>curl -X POST</c>, with no <c>-d</c> and no
/// Content-Type) is read as the empty JSON object, so a call whose fields are all optional needs nothing more; one
/// that lacks required fields gets the method's own error naming them, not one about content types. A body sent
/// without a Content-Type is read as JSON, the only form the API takes.</summary>
public static class EmptyJsonBody
{
    private static readonly byte[] EmptyObject = Encoding.ASCII.GetBytes("{}");

    public static void UseEmptyJsonBody(this WebApplication app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/v1") && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            && string.IsNullOrEmpty(request.ContentType))
        {
            request.ContentType = "application/json";
            // Kestrel knows from the framing (Content-Length, chunked, or an HTTP/2 stream's end) whether a body follows.
            if (request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
            {
                request.Body = new MemoryStream(EmptyObject, writable: false);
                request.ContentLength = EmptyObject.Length;
            }
        }
        return next(context);
    });
}
