namespace OpenMailserver.Server.Imap.Protocol;

public static class TextExtensions
{
    /// <summary>A client's text made safe to echo in a reply: control and line-separating characters as '?' (a CR or LF
    /// would end the reply line and start one the client did not send), cut to <paramref name="length"/> characters
    /// without splitting a surrogate pair.</summary>
    public static string Shorten(this string text, int length = 40)
    {
        var cut = text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)] + "...";
        return string.Create(cut.Length, cut, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++) span[i] = char.IsControl(source[i]) || source[i] is '\u2028' or '\u2029' ? '?' : source[i];
        });
    }
}
