using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>The readable text of a message: its text part, or its HTML part converted to text.</summary>
public static class MessageBody
{
    public static string Text(MimeMessage message)
    {
        if (message.TextBody is { } text) return text;
        if (message.HtmlBody is { } html) return HtmlText.Convert(html);
        return "";
    }
}
