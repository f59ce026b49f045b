using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>How the server writes MIME it creates: CRLF line endings on every platform, as on the wire
/// (RFC 5322 §2.1) and as IMAP clients expect, where MimeKit's default follows the operating system.</summary>
public static class StoredMime
{
    public static readonly FormatOptions Format = CreateFormat();

    /// <summary>What turns bytes that do not begin with a header field into a message MimeKit can read: an
    /// empty header block, so that all of them are the body.</summary>
    public static ReadOnlySpan<byte> EmptyHeader => "\r\n"u8;

    private static FormatOptions CreateFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
