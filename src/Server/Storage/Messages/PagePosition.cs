using System.Text;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Storage;

/// <summary>Where a page ended, in the listing's order (a time, then an id to break ties), carried to the
/// client as an opaque token. Keyset paging: a message arriving between two pages neither repeats nor
/// shifts what follows.</summary>
public sealed record PagePosition(long At, string Id)
{
    public string ToToken() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"v1|{At}|{Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <returns>Null for an empty token.</returns>
    public static PagePosition? Parse(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            if (parts is ["v1", var at, var id] && long.TryParse(at, out var time) && id.Length is > 0 and <= 64)
                return new PagePosition(time, id);
        }
        catch (FormatException)
        {
        }
        throw new MailServerException(ErrorKind.InvalidArgument, "page_token is not a token this server returned; start again without it.");
    }
}
