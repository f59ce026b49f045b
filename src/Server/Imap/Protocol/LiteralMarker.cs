namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>The literal a command line announces at its end: <c>{n}</c>, or <c>{n+}</c> (LITERAL+, RFC 7888),
/// either also after '~' (literal8). A length too large for any bound reads as <see cref="long.MaxValue"/>,
/// so it is refused like any other oversized literal instead of being taken for text.</summary>
public readonly record struct LiteralMarker(long Length, bool NonSynchronizing)
{
    public static LiteralMarker? Find(ReadOnlySpan<byte> line)
    {
        if (line.Length < 3 || line[^1] != '}') return null;
        var open = line.LastIndexOf((byte)'{');
        if (open < 0) return null;
        var inner = line[(open + 1)..^1];
        var plus = inner.Length > 0 && inner[^1] == '+';
        if (plus) inner = inner[..^1];
        if (inner.Length == 0) return null;
        long length = 0;
        foreach (var b in inner)
        {
            if (b is < (byte)'0' or > (byte)'9') return null;
            length = length > (long.MaxValue - 9) / 10 ? long.MaxValue : length * 10 + (b - '0');
        }
        return new LiteralMarker(length, plus);
    }
}
