using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenMailserver.Admin.Services;

/// <summary>Wraps a message's HTML for an <c>&lt;iframe sandbox srcdoc&gt;</c>. The empty sandbox stops
/// scripts, forms and navigation of the page; the Content-Security-Policy, placed before anything the
/// sender wrote, stops every fetch (tracking pixels, remote CSS and fonts) except data: URIs, which is how
/// inline cid: images are shown. A data: URI is a copy of the image in the document for each reference
/// to it, so what the preview inlines is capped in total: a small image referenced thousands of times
/// would otherwise build a document of hundreds of megabytes.</summary>
public static partial class HtmlPreview
{
    public const string Policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'";

    /// <summary>Characters of data: URIs one preview may hold, all references together.</summary>
    public const int MaxInlineChars = 2 << 20;

    /// <param name="inlineImages">data: URIs by content id.</param>
    /// <returns>The document, and how many image references were left out to stay within <see cref="MaxInlineChars"/>.</returns>
    public static (string Document, int Omitted) Document(string html, IReadOnlyDictionary<string, string> inlineImages)
    {
        var images = new Dictionary<string, string>(inlineImages, StringComparer.OrdinalIgnoreCase);
        var inlined = 0L;
        var omitted = 0;
        var body = ContentReference().Replace(html, match =>
        {
            if (!images.TryGetValue(match.Groups[1].Value, out var uri)) return match.Value;
            if (inlined + uri.Length > MaxInlineChars)
            {
                omitted++;
                return "";
            }
            inlined += uri.Length;
            return uri;
        });
        var document = new StringBuilder(body.Length + 400)
            .Append("""<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content=""")
            .Append('"').Append(WebUtility.HtmlEncode(Policy)).Append('"')
            .Append("""><meta name="referrer" content="no-referrer"><base target="_blank"></head><body>""")
            .Append(body).Append("</body></html>");
        return (document.ToString(), omitted);
    }

    /// <summary>A cid: URL (RFC 2392) as it appears in an attribute or CSS url().</summary>
    [GeneratedRegex("""cid:([^"'\s<>()]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ContentReference();
}
