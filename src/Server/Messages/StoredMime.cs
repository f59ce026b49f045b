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

    /// <summary>Parses a stored message from a seekable stream. Anything may have arrived on the MX, including
    /// bytes whose first line is no header field, which MimeKit refuses: such a message is read as having no
    /// header fields and all of it as its body, as IMAP shows it (<c>MessageStructure</c>).</summary>
    public static MimeMessage Load(Stream stream, CancellationToken cancellationToken = default)
    {
        var start = stream.Position;
        try
        {
            return MimeMessage.Load(stream, cancellationToken);
        }
        catch (FormatException)
        {
            stream.Position = start;
            var headerless = new MemoryStream();
            headerless.Write(EmptyHeader);
            stream.CopyTo(headerless);
            headerless.Position = 0;
            return MimeMessage.Load(headerless, cancellationToken);
        }
    }

    private static FormatOptions CreateFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
