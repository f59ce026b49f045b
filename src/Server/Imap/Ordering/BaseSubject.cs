using System.Text;

namespace OpenMailserver.Server.Imap.Ordering;

/// <summary>The base subject of RFC 5256 §2.1, which SORT SUBJECT and THREAD compare: the subject without the
/// "Re:", "Fwd:", "[list]" and "(fwd)" that replies, forwards and mailing lists wrap around it, and whether any
/// reply or forward wrapping was taken off. Exactly the RFC's steps, since servers and clients must agree.</summary>
public static class BaseSubject
{
    public static string Of(string subject) => Of(subject, out _);

    public static string Of(string subject, out bool replyOrForward)
    {
        replyOrForward = false;
        // (1) Encoded words are decoded when the index keeps the subject; whitespace runs become one space. The text
        // is then cut by moving its two ends, never copied, so a subject of many leaders costs its length.
        var text = CollapseWhitespace(subject);
        var (start, end) = (0, text.Length);
        while (true)
        {
            // (2) Trailers: "(fwd)" and spaces, as long as there are any.
            while (end > start)
            {
                if (text[end - 1] == ' ') end--;
                else if (end - start >= 5 && string.Compare(text, end - 5, "(fwd)", 0, 5, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    end -= 5;
                    replyOrForward = true;
                }
                else break;
            }
            // (3) Leaders ("[blob] Re:", a space), then (4) one leading blob if something is left after it (the text
            // ends in no space now, so anything left is something); (5) again.
            // A run of blobs found to lead to no "Re:" still leads to none once (4) took its first blob off: not read again.
            var noLeaderBefore = -1;
            for (var changed = true; changed;)
            {
                changed = false;
                while (start >= noLeaderBefore && Leader(text, start, end, out noLeaderBefore) is var leader and > 0)
                {
                    if (text[start] != ' ') replyOrForward = true;
                    start += leader;
                    changed = true;
                }
                if (Blob(text, start, end) is var blob and > 0 && start + blob < end)
                {
                    start += blob;
                    changed = true;
                }
            }
            // (6) "[fwd: … ]" around the rest: taken off, and back to (2).
            if (end - start >= 6 && string.Compare(text, start, "[fwd:", 0, 5, StringComparison.OrdinalIgnoreCase) == 0 && text[end - 1] == ']')
            {
                start += 5;
                end--;
                replyOrForward = true;
                continue;
            }
            return text[start..end];
        }
    }

    /// <summary>The base subject as SORT and THREAD compare it (i;unicode-casemap, RFC 5051): titlecased and decomposed.</summary>
    public static string CollationKey(string text) => text.ToUpperInvariant().Normalize(NormalizationForm.FormKD);

    private static string CollapseWhitespace(string subject)
    {
        var builder = new StringBuilder(subject.Length);
        foreach (var c in subject)
        {
            var space = c is ' ' or '\t' or '\r' or '\n';
            if (space && builder.Length > 0 && builder[^1] == ' ') continue;
            builder.Append(space ? ' ' : c);
        }
        return builder.ToString();
    }

    /// <summary>The length of a subj-leader at <paramref name="start"/>: one space, or *subj-blob subj-refwd; 0 when none.
    /// <paramref name="blobsEnd"/> is where the blobs at the start end.</summary>
    private static int Leader(string text, int start, int end, out int blobsEnd)
    {
        blobsEnd = start;
        if (start >= end) return 0;
        if (text[start] == ' ') return 1;
        var at = start;
        while (Blob(text, at, end) is var blob and > 0) at += blob;
        blobsEnd = at;
        // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
        if (Word(text, at, end, "re")) at += 2;
        else if (Word(text, at, end, "fwd")) at += 3;
        else if (Word(text, at, end, "fw")) at += 2;
        else return 0;
        while (at < end && text[at] == ' ') at++;
        at += Blob(text, at, end);
        return at < end && text[at] == ':' ? at + 1 - start : 0;
    }

    private static bool Word(string text, int at, int end, string word) =>
        at + word.Length <= end && string.Compare(text, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The length of a subj-blob at <paramref name="at"/>: "[" without "[" or "]" inside "]", then spaces; 0 when none.</summary>
    private static int Blob(string text, int at, int end)
    {
        if (at >= end || text[at] != '[') return 0;
        var close = at + 1;
        while (close < end && text[close] is not ('[' or ']')) close++;
        if (close >= end || text[close] != ']') return 0;
        close++;
        while (close < end && text[close] == ' ') close++;
        return close - at;
    }
}
