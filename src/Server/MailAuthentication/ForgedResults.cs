using System.Buffers;
using System.Text;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>RFC 8601 §5: a message may arrive carrying an <c>Authentication-Results</c> header that claims
/// to come from us; it is removed before ours is added, so readers can trust what bears our name.</summary>
public static class ForgedResults
{
    public static ReadOnlySequence<byte> Remove(ReadOnlySequence<byte> data, string authservId)
    {
        var bytes = data.ToArray();
        var end = HeaderEnd(bytes);
        // Latin-1 maps every byte to one char and back, so the rest of the header is kept byte for byte.
        var header = Encoding.Latin1.GetString(bytes, 0, end);
        var fields = new List<string>();
        var removed = false;
        foreach (var line in header.Split("\r\n"))
        {
            if (line.Length > 0 && line[0] is ' ' or '\t' && fields.Count > 0) fields[^1] += "\r\n" + line;
            else fields.Add(line);
        }
        var kept = fields.Where(f =>
        {
            var forged = IsOurs(f, authservId);
            removed |= forged;
            return !forged;
        }).ToList();
        if (!removed) return data;
        var rebuilt = Encoding.Latin1.GetBytes(string.Join("\r\n", kept));
        return new ReadOnlySequence<byte>([.. rebuilt, .. bytes.AsSpan(end)]);
    }

    private static bool IsOurs(string field, string authservId)
    {
        const string name = "Authentication-Results:";
        if (!field.StartsWith(name, StringComparison.OrdinalIgnoreCase)) return false;
        var value = field[name.Length..].TrimStart(' ', '\t', '\r', '\n');
        var id = value.Split([';', ' ', '\t', '\r'], 2)[0];
        return id.Equals(authservId, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The offset of the CRLF that ends the last header line (or the whole length, for headers only).</summary>
    private static int HeaderEnd(byte[] bytes)
    {
        var blank = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        return blank < 0 ? bytes.Length : blank;
    }
}
