using System.Text;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>IMAP's modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for itself
/// ('&amp;' as "&amp;-"), anything else is base64 of UTF-16 between '&amp;' and '-', with ',' for '/'.</summary>
public static class ModifiedUtf7
{
    public static string Encode(string text)
    {
        var output = new StringBuilder();
        var pending = new StringBuilder();
        void Flush()
        {
            if (pending.Length == 0) return;
            var bytes = Encoding.BigEndianUnicode.GetBytes(pending.ToString());
            output.Append('&').Append(Convert.ToBase64String(bytes).TrimEnd('=').Replace('/', ',')).Append('-');
            pending.Clear();
        }
        foreach (var c in text)
        {
            if (c is >= ' ' and <= '~')
            {
                Flush();
                output.Append(c == '&' ? "&-" : c.ToString());
            }
            else pending.Append(c);
        }
        Flush();
        return output.ToString();
    }

    public static string Decode(string text)
    {
        var output = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '&')
            {
                output.Append(text[i]);
                continue;
            }
            var end = text.IndexOf('-', i + 1);
            if (end < 0) throw new ImapParseException($"Invalid mailbox name encoding in \"{text}\"");
            if (end == i + 1)
            {
                output.Append('&');
            }
            else
            {
                var base64 = text[(i + 1)..end].Replace(',', '/');
                base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
                try
                {
                    output.Append(Encoding.BigEndianUnicode.GetString(Convert.FromBase64String(base64)));
                }
                catch (FormatException)
                {
                    throw new ImapParseException($"Invalid mailbox name encoding in \"{text}\"");
                }
            }
            i = end;
        }
        return output.ToString();
    }
}
