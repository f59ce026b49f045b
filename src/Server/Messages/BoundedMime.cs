using MimeKit;
using MimeKit.IO;

namespace OpenMailserver.Server.Messages;

/// <summary>Parses a stored or arriving message no further than <see cref="MimeLimits"/>: a streaming pass
/// finds where the limits are passed, and MimeKit parses only the bytes before that point, so a message
/// of a million parts costs what a message of a thousand does. The raw message is not changed.</summary>
public static class BoundedMime
{
    /// <param name="stream">Seekable, positioned at the start of the message.</param>
    public static BoundedMessage Load(Stream stream, MimeLimits limits, CancellationToken cancellationToken = default) =>
        Load(stream, limits, raw: null, cancellationToken).Message;

    /// <summary>Parses within the limits and also finds where each entity lies in <paramref name="raw"/>.</summary>
    public static (BoundedMessage Message, MimeRanges Ranges) LoadWithRanges(ReadOnlyMemory<byte> raw, MimeLimits limits)
    {
        var (message, ranges) = Load(AsStream(raw), limits, raw, CancellationToken.None);
        return (message, ranges!);
    }

    private static (BoundedMessage Message, MimeRanges? Ranges) Load(Stream stream, MimeLimits limits, ReadOnlyMemory<byte>? raw, CancellationToken cancellationToken)
    {
        var start = stream.Position;
        var cut = MimeStructureScanner.Scan(stream, limits, headersOnly: false, cancellationToken).Cut;
        stream.Position = start;
        var options = ParserOptions.Default.Clone();
        options.MaxMimeDepth = limits.MaxDepth;
        using var kept = new BoundStream(stream, start, cut is { } end ? start + end : -1, leaveOpen: true);
        MimeRanges? ranges = null;
        MimeMessage Parse(Stream source, int shift)
        {
            var parser = new MimeParser(options, source, MimeFormat.Entity, persistent: false);
            ranges = raw is { } bytes ? new MimeRanges(parser, bytes, shift) : null;
            return parser.ParseMessage(cancellationToken);
        }
        MimeMessage message;
        try
        {
            message = Parse(kept, 0);
        }
        catch (FormatException)
        {
            // Bytes that do not begin with a header field (MimeKit refuses them; IMAP APPEND takes them): read
            // as a message without header fields, all of it the body, as IMAP shows it (MessageStructure).
            kept.Position = 0;
            using var headerless = new ChainedStream();
            headerless.Add(new MemoryStream(StoredMime.EmptyHeader.ToArray(), writable: false));
            headerless.Add(kept, leaveOpen: true);
            message = Parse(headerless, StoredMime.EmptyHeader.Length);
        }
        if (cut is not null) DropEmptyTail(message);
        return (new BoundedMessage(message, cut is not null), ranges);
    }

    /// <summary>The message's own header fields, no more than <see cref="MimeLimits.MaxHeaders"/>.</summary>
    /// <param name="stream">Seekable, positioned at the start of the message.</param>
    public static HeaderList LoadHeaders(Stream stream, MimeLimits limits, CancellationToken cancellationToken = default) =>
        // The scan reads each field once and keeps those within the limit; bytes that do not begin with a header
        // field give none (a message without any, see Load).
        MimeStructureScanner.Scan(stream, limits, headersOnly: true, cancellationToken).Headers;

    public static BoundedMessage Load(ReadOnlyMemory<byte> raw, MimeLimits limits) =>
        Load(AsStream(raw), limits);

    /// <summary>An attached message (message/rfc822) cut off where its own message begins is read by MimeKit
    /// as an empty message with a default body, a part the sender never wrote and one more than the limit:
    /// it is kept as an attached message without content.</summary>
    private static void DropEmptyTail(MimeMessage message)
    {
        var entity = message.Body;
        while (true)
        {
            switch (entity)
            {
                case Multipart { Count: > 0 } multipart:
                    entity = multipart[^1];
                    continue;
                case MessagePart { Message: { } inner } part:
                    if (inner.Headers.Count == 0)
                    {
                        part.Message = null;
                        return;
                    }
                    entity = inner.Body;
                    continue;
                default:
                    return;
            }
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> raw) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(raw.ToArray(), writable: false);
}
