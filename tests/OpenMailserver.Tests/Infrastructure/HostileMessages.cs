using System.Text;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>Messages a hostile sender writes, as raw bytes for an SMTP DATA.</summary>
public static class HostileMessages
{
    /// <summary>The names each attachment of <see cref="AttachmentNames"/> carries, in part order (parts 2 to 5).</summary>
    public static readonly string[] OriginalNames = ["../../etc/cron.d/x", "report\r\nBcc: x.pdf", "invoice\u202Efdp.exe", "..."];

    /// <summary>Attachment names that climb directories, break lines, reverse their extension, or are only dots.</summary>
    public static byte[] AttachmentNames(string to) => Encoding.ASCII.GetBytes(
        $"From: mallory@sender.test\r\nTo: {to}\r\nSubject: Names\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=h\r\n\r\n" +
        "--h\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
        "--h\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"../../etc/cron.d/x\"\r\n\r\n1\r\n" +
        "--h\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''report%0D%0ABcc%3A%20x.pdf\r\n\r\n2\r\n" +
        "--h\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe\r\n\r\n3\r\n" +
        "--h\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"...\"\r\n\r\n4\r\n" +
        "--h--\r\n");

    /// <summary>What the server offers to save each of them under.</summary>
    public static readonly string[] SafeNames = ["x", "reportBcc_ x.pdf", "invoicefdp.exe", "attachment-5.pdf"];

    /// <summary>A multipart of <paramref name="parts"/> one-byte parts (1.4 MB for 200,000).</summary>
    public static byte[] ManyParts(string subject, string to, int parts)
    {
        var bomb = new StringBuilder(Head(subject, to, "multipart/mixed; boundary=b"));
        for (var i = 0; i < parts; i++) bomb.Append("--b\r\nContent-Type: application/x-bomb\r\n\r\nx\r\n");
        return Encoding.ASCII.GetBytes(bomb.Append("--b--\r\n").ToString());
    }

    /// <summary>A text message with <paramref name="fields"/> header fields <c>X-Bomb: i</c> after the usual ones.</summary>
    public static byte[] ManyHeaderFields(string subject, string to, int fields)
    {
        var bomb = new StringBuilder(Head(subject, to, "text/plain")[..^2]);
        for (var i = 0; i < fields; i++) bomb.Append("X-Bomb: ").Append(i).Append("\r\n");
        return Encoding.ASCII.GetBytes(bomb.Append("\r\nBody.\r\n").ToString());
    }

    /// <summary>An HTML message that shows one inline image of <paramref name="imageBytes"/> bytes
    /// <paramref name="references"/> times by <c>cid:</c>.</summary>
    public static byte[] InlineImageReferenced(string subject, string to, int imageBytes, int references)
    {
        var image = Convert.ToBase64String(new byte[imageBytes], Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(Head(subject, to, "multipart/related; boundary=r") +
            "--r\r\nContent-Type: text/html\r\n\r\n<p>Look.</p>" + string.Concat(Enumerable.Repeat("<img src=\"cid:pic@x\">", references)) + "\r\n" +
            $"--r\r\nContent-Type: image/png\r\nContent-ID: <pic@x>\r\nContent-Disposition: inline; filename=pic.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{image}\r\n" +
            "--r--\r\n");
    }

    public static string Head(string subject, string to, string contentType) =>
        $"From: bomber@sender.test\r\nTo: {to}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: {contentType}\r\n\r\n";
}
