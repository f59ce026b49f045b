using System.Buffers;
using System.Text;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>Builds the bytes of IMAP responses: atoms, numbers, strings as quoted strings when they are
/// plain ASCII and as literals otherwise, parenthesised lists, and whole lines ending in CRLF.</summary>
public sealed class ImapResponse
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlyMemory<byte> Bytes => _buffer.WrittenMemory;

    public int Length => _buffer.WrittenCount;

    public void Clear() => _buffer.Clear();

    public ImapResponse Raw(string ascii)
    {
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(ascii.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(ascii, span));
        return this;
    }

    public ImapResponse Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public ImapResponse Number(long value) => Raw(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public ImapResponse Space() => Raw(" ");

    public ImapResponse Line() => Raw("\r\n");

    /// <summary>A string: quoted when short printable ASCII, otherwise a literal.</summary>
    public ImapResponse String(string value)
    {
        if (value.Length < 1024 && value.All(c => c is >= ' ' and <= '~'))
        {
            Raw("\"");
            Raw(value.Replace("\\", "\\\\").Replace("\"", "\\\""));
            return Raw("\"");
        }
        return Literal(Encoding.UTF8.GetBytes(value));
    }

    public ImapResponse NString(string? value) => value is null ? Raw("NIL") : String(value);

    public ImapResponse Literal(ReadOnlySpan<byte> bytes)
    {
        Raw("{").Number(bytes.Length).Raw("}\r\n");
        return Raw(bytes);
    }

    /// <summary>An untagged line: <c>* text</c>.</summary>
    public ImapResponse Untagged(string text) => Raw("* ").Raw(text).Line();

    /// <summary>A tagged completion. Its text may carry a client's words (a name it gave): a CR or LF among them is
    /// written as '?', so it can never end the line early.</summary>
    public ImapResponse Tagged(string tag, string status, string text) =>
        Raw(tag).Space().Raw(status).Space().Raw(text.Contains('\r') || text.Contains('\n') ? text.Replace('\r', '?').Replace('\n', '?') : text).Line();
}
