namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>A remote reply as we keep it, in memory, in the trace and in a bounce: at most
/// <c>Delivery:MaxStoredReplyLength</c> characters, so a server cannot grow our memory, our database or the
/// sender's mailbox with its replies.</summary>
public static class StoredReply
{
    public static string Clip(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return $"{text[..cut]}... ({text.Length - cut} more characters not kept)";
    }
}
