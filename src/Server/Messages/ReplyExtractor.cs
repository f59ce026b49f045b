using System.Text;
using System.Text.RegularExpressions;
using MimeKit.Text;

namespace OpenMailserver.Server.Messages;

/// <summary>The new text of an email reply: quoted history, forwarded originals and the signature removed. An
/// agent reading a thread wants what each message adds, not every earlier message quoted again beneath it.
/// Works line by line in linear time and never throws; lines end with <c>\n</c>.</summary>
public static class ReplyExtractor
{
    /// <summary>Longest attribution ("On …, … wrote:") looked at, over at most <see cref="AttributionLines"/>
    /// wrapped lines; longer text is never one, which keeps every check bounded.</summary>
    private const int MaxAttribution = 400;
    private const int AttributionLines = 3;
    /// <summary>Longest line that can be a separator or a mail app's footer.</summary>
    private const int MaxMarker = 200;
    /// <summary>Lines from an Outlook header block's "From:" within which its date and recipient must follow.</summary>
    private const int HeaderBlockLines = 7;

    /// <summary>Attributions, their whitespace collapsed to single spaces; each must also hold a digit (its date).</summary>
    private static readonly Regex Attribution = new(
        """
        ^(?:On\s.*\swrote:
        |\d.*\d:\d\d.*\swrote:
        |Le\s.*\sa\sécrit\s?:
        |Am\s.*\sschrieb\s.*:
        |El\s.*\sescribió\s?:
        |Il\s.*\sha\sscritto\s?:
        |Em\s.*\sescreveu\s?:
        |Op\s.*\s(?:schreef\s.*|het\svolgende\sgeschreven\s?):
        |.*\sskrev\s.*:
        |.*\s(?:napisał(?:\(a\)|a)?|pisze)\s?:
        |.*\s(?:написал(?:\(а\)|а)?|пишет)\s?:
        |.*(?:のメッセージ|のメール)\s?[:：]
        |.*[写寫]道\s?[:：]
        |.*\d:\d\d.*<[^<>\s]+@[^<>\s]+>\s?[:：]
        )$
        """,
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace);

    /// <summary>What stands between the dashes of "-----Original Message-----" and of forward separators.</summary>
    private static readonly HashSet<string> Separators = new(StringComparer.OrdinalIgnoreCase)
    {
        "Original Message", "Ursprüngliche Nachricht", "Message d'origine", "Mensaje original", "Messaggio originale",
        "Mensagem original", "Oorspronkelijk bericht", "Originalmeddelande", "Forwarded message",
        "Weitergeleitete Nachricht", "Message transféré", "Mensaje reenviado", "Messaggio inoltrato",
        "Mensagem encaminhada", "Doorgestuurd bericht", "Vidarebefordrat meddelande",
    };

    private static readonly HashSet<string> ForwardIntros = new(StringComparer.OrdinalIgnoreCase)
    {
        "Begin forwarded message:", "Anfang der weitergeleiteten Nachricht:", "Début du message réexpédié:",
        "Inicio del mensaje reenviado:", "Inizio messaggio inoltrato:",
    };

    private static readonly HashSet<string> FromKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Von", "De", "Da", "Van", "Från", "Fra", "Od", "От",
    };

    private static readonly HashSet<string> DateKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Sent", "Date", "Gesendet", "Datum", "Envoyé", "Enviado", "Fecha", "Inviato", "Data", "Verzonden", "Skickat",
        "Sendt", "Wysłano", "Отправлено", "Дата",
    };

    private static readonly HashSet<string> RecipientKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "To", "Subject", "Cc", "An", "Betreff", "À", "A", "Objet", "Para", "Asunto", "Oggetto", "Assunto", "Aan",
        "Onderwerp", "Till", "Ämne", "Til", "Emne", "Do", "Temat", "Кому", "Тема",
    };

    /// <summary>Footers that mail apps append as the last line.</summary>
    private static readonly string[] MobileFooters =
    [
        "Sent from my ", "Sent from Mail for Windows", "Sent from Yahoo Mail", "Sent from Outlook", "Get Outlook for ",
        "Envoyé de mon ", "Envoyé depuis mon ", "Von meinem ", "Gesendet von meinem ", "Enviado desde mi ",
        "Enviado do meu ", "Inviato da ", "Verzonden vanaf mijn ", "Skickat från min ",
    ];

    /// <summary>Classes of quoted history, and of Thunderbird's signature (a &lt;pre&gt; whose line breaks the
    /// text conversion collapses, so its "-- " line would not be found). Yahoo prefixes its quote class with an
    /// id ("ydp5c1e9b2ayahoo_quoted") when the quoted message was itself written in Yahoo.</summary>
    private static readonly HashSet<string> QuoteClasses =
        new(StringComparer.Ordinal) { "gmail_quote", "gmail_extra", "moz-cite-prefix", "moz-signature" };

    private const string YahooQuoted = "yahoo_quoted";

    /// <summary>Outlook's markers of the quoted original: everything from them on is history.</summary>
    private static readonly HashSet<string> HistoryIds =
        new(StringComparer.OrdinalIgnoreCase) { "divRplyFwdMsg", "appendonsend", "mail-editor-reference-message-container" };

    /// <summary>The new text of a reply: <paramref name="text"/> when it has any, else <paramref name="html"/>
    /// with its quoted elements removed, as text.</summary>
    public static string Extract(string? text, string? html)
    {
        var body = !string.IsNullOrWhiteSpace(text) ? text
            : !string.IsNullOrWhiteSpace(html) ? HtmlText.Convert(WithoutQuotedHtml(html))
            : "";
        var lines = NewLines(body.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'));
        CutSignature(lines);
        for (var i = 0; i < lines.Count; i++) lines[i] = lines[i].TrimEnd();
        var first = lines.FindIndex(l => l.Length > 0);
        if (first < 0) return "";
        return string.Join('\n', lines.GetRange(first, lines.FindLastIndex(l => l.Length > 0) - first + 1));
    }

    /// <summary>The lines written for this message: up to the first mark of history; a quoted block that
    /// new text follows (an inline or bottom-posted reply) is dropped and the text around it kept, a blank
    /// line between.</summary>
    private static List<string> NewLines(string[] lines)
    {
        var kept = new List<string>();
        bool hasText = false, afterQuote = false;
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (IsQuoted(line))
            {
                while (i < lines.Length && IsQuoted(lines[i])) i++;
                afterQuote = hasText;
                continue;
            }
            if (IsBlank(line))
            {
                if (!afterQuote) kept.Add(line);
                i++;
                continue;
            }
            if (StartsHistory(lines, i)) break;
            var attribution = AttributionLength(lines, i);
            if (attribution > 0)
            {
                var next = NextNonBlank(lines, i + attribution);
                if (next == lines.Length || !IsQuoted(lines[next])) break;
                i = next;
                continue;
            }
            if (afterQuote)
            {
                while (IsBlank(kept[^1])) kept.RemoveAt(kept.Count - 1);
                kept.Add("");
                afterQuote = false;
            }
            kept.Add(line);
            hasText = true;
            i++;
        }
        return kept;
    }

    /// <summary>A separator, a forward's introduction, or an Outlook header block (also under a line of underscores).</summary>
    private static bool StartsHistory(string[] lines, int i)
    {
        var line = lines[i];
        if (line.Length > MaxMarker) return IsHeaderBlock(lines, i);
        var trimmed = line.Trim();
        if (trimmed.StartsWith("--", StringComparison.Ordinal) && trimmed.EndsWith("--", StringComparison.Ordinal)
            && Separators.Contains(trimmed.Trim('-', ' ', '\t', '\u00A0')))
            return true;
        if (trimmed.EndsWith(':') && ForwardIntros.Contains(Collapse(trimmed).Replace(" :", ":"))) return true;
        if (trimmed.Length >= 10 && trimmed.All(c => c == '_'))
        {
            var next = NextNonBlank(lines, i + 1);
            return next < lines.Length && IsHeaderBlock(lines, next);
        }
        return IsHeaderBlock(lines, i);
    }

    /// <summary>"From:" followed closely by a date ("Sent:", "Date:") and a recipient or subject, in any language listed.</summary>
    private static bool IsHeaderBlock(string[] lines, int i)
    {
        if (!FromKeys.Contains(HeaderKey(lines[i]))) return false;
        bool date = false, recipient = false;
        for (var j = i + 1; j < Math.Min(lines.Length, i + HeaderBlockLines); j++)
        {
            var key = HeaderKey(lines[j]);
            date |= DateKeys.Contains(key);
            recipient |= RecipientKeys.Contains(key);
        }
        return date && recipient;
    }

    /// <summary>The name before a header's colon ("From" of "*From:* Ann"), or "" when the line is no header.</summary>
    private static string HeaderKey(string line)
    {
        var span = line.AsSpan().TrimStart().TrimStart('*');
        var colon = span[..Math.Min(span.Length, 24)].IndexOfAny(':', '：');
        return colon <= 0 ? "" : span[..colon].Trim().ToString();
    }

    /// <summary>How many lines (1–3, as Gmail wraps long ones) the attribution starting here spans, or 0.
    /// Wrapped lines count only when no later line alone starts the same attribution.</summary>
    private static int AttributionLength(string[] lines, int start)
    {
        for (var end = start; end < Math.Min(lines.Length, start + AttributionLines); end++)
        {
            if (IsBlank(lines[end])) return 0;
            if (!IsAttribution(lines, start, end)) continue;
            for (var later = start + 1; later <= end; later++)
                if (IsAttribution(lines, later, end)) return 0;
            return end - start + 1;
        }
        return 0;
    }

    private static bool IsAttribution(string[] lines, int start, int end)
    {
        var window = lines[start..(end + 1)];
        if (window.Sum(l => l.Length + 1) > MaxAttribution || !window.Any(l => l.Any(char.IsAsciiDigit))) return false;
        return Attribution.IsMatch(Collapse(string.Join(' ', window)));
    }

    /// <summary>Cuts at the "-- " delimiter (or a bare "--"), then drops mail apps' footers from the end.</summary>
    private static void CutSignature(List<string> lines)
    {
        var delimiter = lines.FindIndex(l => l.TrimEnd() == "--");
        if (delimiter >= 0) lines.RemoveRange(delimiter, lines.Count - delimiter);
        while (true)
        {
            var last = lines.FindLastIndex(l => !IsBlank(l));
            if (last < 0 || !IsMobileFooter(lines[last])) return;
            lines.RemoveRange(last, lines.Count - last);
        }
    }

    private static bool IsMobileFooter(string line)
    {
        if (line.Length > MaxMarker) return false;
        var text = Collapse(line);
        return text.Length <= 80 && MobileFooters.Any(f => text.StartsWith(f, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsQuoted(string line) => line.AsSpan().TrimStart().StartsWith(">");

    private static bool IsBlank(string line) => line.AsSpan().IsWhiteSpace();

    private static int NextNonBlank(string[] lines, int from)
    {
        while (from < lines.Length && IsBlank(lines[from])) from++;
        return from;
    }

    /// <summary>Runs of whitespace (no-break spaces too) as one space, trimmed.</summary>
    private static string Collapse(string text)
    {
        var output = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c)) output.Append(c);
            else if (output.Length > 0 && output[^1] != ' ') output.Append(' ');
        }
        return output.ToString().TrimEnd();
    }

    /// <summary>The HTML without blockquotes, the quote containers of Gmail, Yahoo and Thunderbird, and
    /// everything from Outlook's reply header (its marker ids, or an &lt;hr&gt; followed by "From:") on.</summary>
    private static string WithoutQuotedHtml(string html)
    {
        var output = new StringBuilder(html.Length);
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        string? skipped = null;
        var depth = 0;
        var ruleAt = -1;
        while (tokenizer.ReadNextToken(out var token))
        {
            if (skipped is not null)
            {
                if (token is HtmlTagToken inner && !inner.IsEmptyElement && inner.Name.Equals(skipped, StringComparison.OrdinalIgnoreCase))
                    depth += inner.IsEndTag ? -1 : 1;
                if (depth == 0) skipped = null;
                continue;
            }
            if (token is HtmlTagToken { IsEndTag: false } tag)
            {
                if (tag.Attributes.Any(a => a.Id == HtmlAttributeId.Id && HistoryIds.Contains(a.Value ?? ""))) break;
                if (IsQuoteElement(tag))
                {
                    if (!tag.IsEmptyElement) (skipped, depth) = (tag.Name, 1);
                    continue;
                }
                if (tag.Id == HtmlTagId.HR) ruleAt = output.Length;
            }
            else if (token is HtmlDataToken data && ruleAt >= 0 && !string.IsNullOrWhiteSpace(data.Data))
            {
                if (FromKeys.Contains(HeaderKey(data.Data)))
                {
                    output.Length = ruleAt;
                    break;
                }
                ruleAt = -1;
            }
            output.Append(token.ToString());
        }
        return output.ToString();
    }

    private static bool IsQuoteElement(HtmlTagToken tag) =>
        tag.Id == HtmlTagId.BlockQuote
        || tag.Attributes.Any(a => a.Id == HtmlAttributeId.Class && (a.Value ?? "")
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Any(c => QuoteClasses.Contains(c) || c.EndsWith(YahooQuoted, StringComparison.Ordinal)));
}
