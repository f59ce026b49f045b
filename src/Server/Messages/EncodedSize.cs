using System.Buffers;

namespace OpenMailserver.Server.Messages;

/// <summary>The decoded length of transfer-encoded content, read in small chunks and never decoded, so
/// sizing an attachment costs neither its decoded copy nor the decoding.</summary>
public static class EncodedSize
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>Six bits per alphabet character; line breaks, padding and stray bytes carry none.</summary>
    public static long Base64(Stream encoded)
    {
        long characters = 0;
        ForEachChunk(encoded, chunk =>
        {
            foreach (var b in chunk)
                if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/')
                    characters++;
        });
        return characters * 6 / 8;
    }

    /// <summary>Every byte stands for itself except <c>=XX</c> (one byte) and a soft line break <c>=</c> at
    /// the end of a line (none).</summary>
    public static long QuotedPrintable(Stream encoded)
    {
        long size = 0;
        var state = State.Plain;
        ForEachChunk(encoded, chunk =>
        {
            foreach (var b in chunk)
            {
                state = (state, b) switch
                {
                    (State.Plain, (byte)'=') => State.Escape,
                    (State.Plain, _) => Count(State.Plain),
                    (State.Escape, (byte)'\r') => State.SoftBreak,
                    (State.Escape, (byte)'\n') => State.Plain,
                    (State.Escape, _) => State.SecondHex,
                    (State.SoftBreak, (byte)'\n') => State.Plain,
                    (State.SoftBreak, _) => Count(State.Plain),
                    (State.SecondHex, _) => Count(State.Plain),
                    _ => State.Plain,
                };
            }
        });
        return size;

        State Count(State next)
        {
            size++;
            return next;
        }
    }

    private static void ForEachChunk(Stream stream, Action<ReadOnlySpan<byte>> handle)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, ChunkSize)) > 0) handle(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private enum State { Plain, Escape, SoftBreak, SecondHex }
}
