namespace OpenMailserver.Server.Imap.Session;

/// <summary>Buffered reading of CRLF-terminated lines and exact byte counts from a stream, with a bound
/// on line length so a client cannot make us buffer without end.</summary>
public sealed class LineReader(Stream stream, Action? afterRead = null)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes the client sent that have not been read yet (pipelined input).</summary>
    public int Buffered => _end - _start;

    /// <summary>The next line without its line ending (CRLF, or a lone LF, which clients do send), or null
    /// at end of stream. Throws <see cref="LineTooLongException"/> past <paramref name="maxLength"/>.</summary>
    public async Task<byte[]?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                var bytes = line.ToArray();
                if (bytes.Length > 0 && bytes[^1] == '\r') bytes = bytes[..^1];
                if (bytes.Length > maxLength) throw new LineTooLongException();
                return bytes;
            }
            line.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            if (line.Length > maxLength) throw new LineTooLongException();
            var read = await stream.ReadAsync(_buffer, cancellationToken);
            afterRead?.Invoke();
            if (read == 0) return null;
            _end = read;
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes (a literal's content), or null at end of stream.</summary>
    public async Task<bool> ReadExactAsync(Stream destination, long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                afterRead?.Invoke();
                if (_end == 0) return false;
            }
            var take = (int)Math.Min(count, _end - _start);
            destination.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
        return true;
    }
}

/// <summary>A command line longer than the session allows.</summary>
public sealed class LineTooLongException() : Exception("Line too long");
