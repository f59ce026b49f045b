using System.Buffers;
using System.IO.Pipelines;

namespace OpenMailserver.Server.Imap.Connection;

/// <summary>CRLF-terminated lines and exact byte counts from the connection's input pipe, with a bound on
/// line length so a client cannot make us buffer without end.</summary>
public sealed class LineReader(PipeReader input, Action? afterRead = null)
{
    /// <summary>How much of the unconsumed input is known to hold no LF, so a line that arrives in many small
    /// pieces is searched once, not once per piece.</summary>
    private long _searched;

    /// <summary>The next line without its line ending (CRLF, or a lone LF, which clients do send), or null
    /// at end of input. Throws <see cref="LineTooLongException"/> past <paramref name="maxLength"/>.</summary>
    public async Task<byte[]?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffer = await ReadAsync(cancellationToken);
            var data = buffer.Buffer;
            if (data.Slice(_searched).PositionOf((byte)'\n') is { } newline)
            {
                _searched = 0;
                var line = data.Slice(0, newline);
                // The length is checked before the copy: at most maxLength bytes and a CR are taken.
                if (line.Length > (long)maxLength + 1)
                {
                    input.AdvanceTo(data.Start);
                    throw new LineTooLongException();
                }
                var bytes = line.ToArray();
                input.AdvanceTo(data.GetPosition(1, newline));
                if (bytes.Length > 0 && bytes[^1] == '\r') bytes = bytes[..^1];
                if (bytes.Length > maxLength) throw new LineTooLongException();
                return bytes;
            }
            if (data.Length > (long)maxLength + 1)
            {
                _searched = 0;
                input.AdvanceTo(data.Start);
                throw new LineTooLongException();
            }
            if (buffer.IsCompleted)
            {
                _searched = 0;
                input.AdvanceTo(data.End);
                return null;
            }
            // Nothing consumed, everything examined: the next read waits for more bytes.
            _searched = data.Length;
            input.AdvanceTo(data.Start, data.End);
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes (a literal's content) into <paramref name="destination"/>,
    /// or false at end of input.</summary>
    public async Task<bool> ReadExactAsync(Stream destination, long count, CancellationToken cancellationToken)
    {
        _searched = 0;
        while (count > 0)
        {
            var result = await ReadAsync(cancellationToken);
            var data = result.Buffer;
            if (data.IsEmpty && result.IsCompleted)
            {
                input.AdvanceTo(data.End);
                return false;
            }
            var take = data.Slice(0, Math.Min(count, data.Length));
            foreach (var segment in take) destination.Write(segment.Span);
            count -= take.Length;
            input.AdvanceTo(take.End);
        }
        return true;
    }

    private async Task<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await input.ReadAsync(cancellationToken);
        afterRead?.Invoke();
        return result;
    }
}

/// <summary>A command line longer than the session allows.</summary>
public sealed class LineTooLongException() : Exception("Line too long");
