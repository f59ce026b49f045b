using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>RFC 8601 §5: a message may arrive carrying an <c>Authentication-Results</c> header that claims
/// to come from us; it is removed before ours is added, so readers can trust what bears our name.</summary>
public static partial class ForgedResults
{
    public static ReadOnlySequence<byte> Remove(ReadOnlySequence<byte> data, string authservId)
    {
        var bytes = data.ToArray();
        var kept = new List<(int Start, int End)>();
        var removed = false;
        var position = 0;
        // Header fields run up to the first empty line; a field goes on over lines that start with white space.
        while (position < bytes.Length && !IsLineEnd(bytes, position))
        {
            var fieldEnd = NextLine(bytes, position);
            while (fieldEnd < bytes.Length && bytes[fieldEnd] is (byte)' ' or (byte)'\t') fieldEnd = NextLine(bytes, fieldEnd);
            // Latin-1 maps each byte to one char, so the test sees the field exactly as it came.
            if (IsOurs(Encoding.Latin1.GetString(bytes, position, fieldEnd - position), authservId)) removed = true;
            else kept.Add((position, fieldEnd));
            position = fieldEnd;
        }
        if (!removed) return data;
        var rebuilt = new List<byte>(bytes.Length);
        foreach (var (start, end) in kept) rebuilt.AddRange(bytes.AsSpan(start, end - start));
        rebuilt.AddRange(bytes.AsSpan(position));
        return new ReadOnlySequence<byte>(rebuilt.ToArray());
    }

    private static bool IsLineEnd(byte[] bytes, int at) =>
        bytes[at] == '\n' || (bytes[at] == '\r' && at + 1 < bytes.Length && bytes[at + 1] == '\n');

    /// <summary>The offset just past the LF that ends the line starting at <paramref name="at"/>.</summary>
    private static int NextLine(byte[] bytes, int at)
    {
        var lf = Array.IndexOf(bytes, (byte)'\n', at);
        return lf < 0 ? bytes.Length : lf + 1;
    }

    private static bool IsOurs(string field, string authservId)
    {
        var match = ResultsField().Match(field);
        if (!match.Success) return false;
        // The authserv-id may follow comments and may be quoted (RFC 8601 §2.2).
        var value = Comments().Replace(match.Groups[1].Value, " ").Trim();
        var id = value.Split([';', ' ', '\t', '\r', '\n'], 2)[0].Trim('"');
        return id.Equals(authservId, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^Authentication-Results[ \t]*:(.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ResultsField();

    [GeneratedRegex(@"\([^()]*\)")]
    private static partial Regex Comments();
}
