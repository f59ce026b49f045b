using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpenMailserver.Server.Cli;

/// <summary>Reads the messages of an mbox file one at a time, in bounded memory. A message begins at a line
/// "From " at the start of the file or after an empty line (mboxo and mboxrd alike); its lines have ">From "
/// quoting undone once (mboxrd), and line ends become CRLF, as mail is on the wire. Each message gets a key that
/// stays the same however often the file is read: a digest of its bytes and how many identical messages came
/// before it. The flags mail programs keep in Status and X-Status (R seen, A answered, F flagged, D deleted,
/// T draft) and the date of the "From " line come with it.</summary>
public sealed class MboxReader(Stream stream, int maxMessageBytes)
{
    private static readonly byte[] FromLine = "From "u8.ToArray();
    /// <summary>How often each message (by its SHA-256, kept as 32 bytes) has come so far.</summary>
    private readonly Dictionary<UInt128, int> _seen = [];
    private byte[]? _pendingFromLine;
    private bool _atStart = true;

    public sealed record Message(byte[] Raw, string Key, DateTimeOffset? ReceivedAt, IReadOnlyList<string> Flags);

    /// <summary>How far into the file the reader is.</summary>
    public long Position { get; private set; }

    /// <summary>The next message, or null at the end of the file. Throws <see cref="CliException"/> for a
    /// message over <c>maxMessageBytes</c> or a file that is not an mbox.</summary>
    public async Task<Message?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var from = _pendingFromLine;
        _pendingFromLine = null;
        if (from is null)
        {
            // Leading empty lines are not part of any message.
            byte[]? line;
            do line = await ReadLineAsync(cancellationToken);
            while (line is { Length: 0 });
            if (line is null) return null;
            if (!line.AsSpan().StartsWith(FromLine))
                throw new CliException(_atStart ? "This is not an mbox file: it does not begin with a \"From \" line." : "The mbox file is damaged: a message does not begin with \"From \".");
            from = line;
        }
        _atStart = false;

        var body = new MemoryStream();
        var blankBefore = false;
        while (await ReadLineAsync(cancellationToken) is { } line)
        {
            if (blankBefore && line.AsSpan().StartsWith(FromLine))
            {
                _pendingFromLine = line;
                break;
            }
            if (blankBefore) body.Write("\r\n"u8);
            if (body.Length > maxMessageBytes)
                throw new CliException($"A message at byte {Position} is larger than {maxMessageBytes} bytes (--max-message-bytes).");
            blankBefore = line.Length == 0;
            if (blankBefore) continue;
            var text = line.AsSpan();
            // mboxrd: a line of one or more '>' then "From " lost one '>' when it was written.
            var quotes = 0;
            while (quotes < text.Length && text[quotes] == '>') quotes++;
            if (quotes > 0 && text[quotes..].StartsWith(FromLine)) text = text[1..];
            body.Write(text);
            body.Write("\r\n"u8);
            if (body.Length > maxMessageBytes)
                throw new CliException($"A message at byte {Position} is larger than {maxMessageBytes} bytes (--max-message-bytes).");
        }
        var raw = body.ToArray();
        var hash = SHA256.HashData(raw);
        var digest = Convert.ToHexStringLower(hash);
        // Two halves of the digest as one 128-bit key: a collision of those needs 2^64 messages.
        var seen = _seen[new UInt128(BitConverter.ToUInt64(hash, 0), BitConverter.ToUInt64(hash, 8))] =
            _seen.GetValueOrDefault(new UInt128(BitConverter.ToUInt64(hash, 0), BitConverter.ToUInt64(hash, 8))) + 1;
        return new Message(raw, $"mbox:{digest}:{seen}", FromLineDate(from), Flags(raw));
    }

    /// <summary>"From sender Sat Jan  3 01:05:34 1996", in UTC as mail programs write it.</summary>
    private static DateTimeOffset? FromLineDate(byte[] line)
    {
        // The weekday is left out: writers get it wrong, and the date says it anyway.
        var words = Encoding.ASCII.GetString(line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 6) return null;
        var text = string.Join(' ', words[^4..]);
        return DateTime.TryParseExact(text, "MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : null;
    }

    private static List<string> Flags(byte[] raw)
    {
        var flags = new List<string>();
        foreach (var line in Encoding.Latin1.GetString(raw, 0, HeaderLength(raw)).Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Contains('R')) flags.Add("\\Seen");
            }
            else if (name.Equals("X-Status", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Contains('A')) flags.Add("\\Answered");
                if (value.Contains('F')) flags.Add("\\Flagged");
                if (value.Contains('D')) flags.Add("\\Deleted");
                if (value.Contains('T')) flags.Add("\\Draft");
            }
        }
        return flags;
    }

    private static int HeaderLength(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? raw.Length : end;
    }

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next line without its LF (and CR), or null at the end. A line is bounded by the message size.</summary>
    private async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                line.Write(_buffer, _start, newline - _start);
                Position += newline + 1 - _start;
                _start = newline + 1;
                break;
            }
            line.Write(_buffer, _start, _end - _start);
            Position += _end - _start;
            _start = _end = 0;
            if (line.Length > maxMessageBytes)
                throw new CliException($"A line at byte {Position} is longer than {maxMessageBytes} bytes: this is not an mbox file.");
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            if (_end == 0)
            {
                if (line.Length == 0) return null;
                break;
            }
        }
        var bytes = line.ToArray();
        return bytes.Length > 0 && bytes[^1] == '\r' ? bytes[..^1] : bytes;
    }
}
