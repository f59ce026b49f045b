using System.Buffers;
using System.Text;
using MimeKit.Utils;
using SmtpServer;

namespace OpenMailserver.Server.Smtp;

/// <summary>The trace headers an MTA prepends on receipt (RFC 5321 §4.4): Return-Path with the envelope
/// sender, and a Received line saying from where, how and when.</summary>
public static class TraceHeaders
{
    /// <summary>The stored message: trace headers, then the DATA as received, then the CRLF that ended its
    /// last line (the library hands the data over without it, as part of the terminating CRLF.CRLF).</summary>
    /// <param name="authenticationResults">The MX's Authentication-Results field (ending in CRLF), when it checked the message.</param>
    public static byte[] Prepend(ISessionContext context, string hostname, string envelopeFrom, IReadOnlyList<string> recipients, string id,
        DateTimeOffset now, ReadOnlySequence<byte> data, string? authenticationResults = null)
    {
        var protocol = "ESMTP" + (context.Pipe.IsSecure ? "S" : "") + (context.Authentication.IsAuthenticated ? "A" : "");
        var header = new StringBuilder();
        header.Append("Return-Path: <").Append(envelopeFrom).Append(">\r\n");
        header.Append(authenticationResults);
        header.Append("Received: from ").Append(Clean(context.Helo())).Append(" ([").Append(context.RemoteAddress()).Append("])\r\n");
        header.Append("\tby ").Append(hostname).Append(" (Open Mailserver) with ").Append(protocol).Append(" id ").Append(id);
        if (recipients.Count == 1) header.Append("\r\n\tfor <").Append(recipients[0]).Append('>');
        header.Append("; ").Append(DateUtils.FormatDate(now)).Append("\r\n");

        var prefix = Encoding.ASCII.GetBytes(header.ToString());
        var result = new byte[prefix.Length + data.Length + 2];
        prefix.CopyTo(result, 0);
        data.CopyTo(result.AsSpan(prefix.Length));
        result[^2] = (byte)'\r';
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>The HELO name is the client's word: keep it to characters that cannot break the header.</summary>
    private static string Clean(string helo)
    {
        var safe = new string(helo.Where(c => c is > ' ' and < '\u007f' and not '(' and not ')').Take(255).ToArray());
        return safe.Length == 0 ? "unknown" : safe;
    }
}
