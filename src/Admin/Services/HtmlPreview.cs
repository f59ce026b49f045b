using System.Net;

namespace OpenMailserver.Admin.Services;

/// <summary>Wraps a message's HTML for an <c>&lt;iframe sandbox srcdoc&gt;</c>. The empty sandbox stops
/// scripts, forms and navigation of the page; the Content-Security-Policy, placed before anything the
/// sender wrote, stops every fetch (tracking pixels, remote CSS and fonts) except data: URIs, which is how
/// inline cid: images are shown.</summary>
public static class HtmlPreview
{
    public const string Policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'";

    public static string Document(string html, IReadOnlyDictionary<string, string> inlineImages)
    {
        foreach (var (contentId, dataUri) in inlineImages)
            html = html.Replace("cid:" + contentId, dataUri, StringComparison.OrdinalIgnoreCase);
        return $"""<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{WebUtility.HtmlEncode(Policy)}"><meta name="referrer" content="no-referrer"><base target="_blank"></head><body>{html}</body></html>""";
    }
}
