using System.Text;
using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Connection;

/// <summary>Frames one IMAP command from the connection: its lines and the literals they announce
/// (RFC 3501 §4.3, LITERAL+), within <see cref="CommandLimits"/>. A literal over a bound is refused before
/// the client sends it, so what one connection makes us hold is bounded by the limits, not by the client.</summary>
public static class CommandReader
{
    private const long PresizedLiteralBytes = 1024 * 1024;

    /// <summary>Empty lines passed over before a command: a few are harmless, a stream of them (a few bytes each,
    /// a thousand to a byte under COMPRESS) only costs us.</summary>
    public const int MaxEmptyLines = 1000;

    /// <summary>The next command, or null when the client closed the connection. Empty lines are skipped, up to
    /// <see cref="MaxEmptyLines"/> in a row.
    /// <paramref name="continueLiteral"/> sends the continuation a synchronizing literal waits for. Throws
    /// <see cref="LineTooLongException"/> when the command's text runs past the line bound.</summary>
    public static async Task<FramedCommand?> ReadAsync(LineReader reader, CommandLimits limits,
        Func<CancellationToken, Task> continueLiteral, CancellationToken cancellationToken)
    {
        byte[]? line;
        var empty = 0;
        do
        {
            line = await reader.ReadLineAsync(limits.MaxLineBytes, cancellationToken);
            if (line is null) return null;
            if (line.Length == 0 && ++empty > MaxEmptyLines) return new FramedCommand.Abort("Too many empty lines");
        }
        while (line.Length == 0);

        var tag = Tag(line);
        var command = new MemoryStream();
        long text = 0, literals = 0;
        while (LiteralMarker.Find(line) is { } literal)
        {
            text += line.Length + 2;
            var refusal = literal.Length > limits.MaxLiteralBytes
                ? $"[TOOBIG] A literal may hold at most {limits.MaxLiteralBytes} bytes here"
                : literals + literal.Length > limits.MaxCommandLiteralBytes
                    ? $"[TOOBIG] The literals of one command may hold at most {limits.MaxCommandLiteralBytes} bytes together"
                    : null;
            if (refusal is not null)
                return literal.NonSynchronizing ? new FramedCommand.Abort(refusal) : new FramedCommand.Refused(tag, refusal);

            // Room for what was announced, up to PresizedLiteralBytes: beyond that the buffer grows only as the
            // bytes arrive, so a client that announces 25 MiB and then sends nothing holds next to nothing.
            command.Capacity = (int)Math.Min(int.MaxValue, command.Length + line.Length + 2 + Math.Min(literal.Length, PresizedLiteralBytes) + 256);
            command.Write(line);
            command.Write("\r\n"u8);
            if (!literal.NonSynchronizing) await continueLiteral(cancellationToken);
            if (!await reader.ReadExactAsync(command, literal.Length, cancellationToken)) return null;
            literals += literal.Length;
            line = await reader.ReadLineAsync((int)Math.Max(0, limits.MaxLineBytes - text), cancellationToken);
            if (line is null) return null;
        }
        command.Write(line);
        return new FramedCommand.Complete(tag, command.GetBuffer(), (int)command.Length);
    }

    /// <summary>The tag: atom characters other than '+' (RFC 3501 tag), up to the first space.</summary>
    public static string? Tag(ReadOnlySpan<byte> line)
    {
        var end = line.IndexOf((byte)' ');
        if (end <= 0) return null;
        foreach (var b in line[..end])
            if (b > 127 || b == '+' || !ImapReader.IsAtomChar((char)b)) return null;
        return Encoding.ASCII.GetString(line[..end]);
    }
}
