using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>How the server writes MIME it creates: CRLF line endings on every platform, as on the wire
/// (RFC 5322 §2.1) and as IMAP clients expect, where MimeKit's default follows the operating system.</summary>
public static class StoredMime
{
    public static readonly FormatOptions Format = CreateFormat();

    private static FormatOptions CreateFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
