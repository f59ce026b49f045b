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
}
