namespace OpenMailserver.Server.Imap.Protocol;

public static class TextExtensions
{
    /// <summary>A client's text cut to <paramref name="length"/> characters before it is echoed in a reply.</summary>
    public static string Shorten(this string text, int length = 40) => text.Length <= length ? text : text[..length] + "...";
}
