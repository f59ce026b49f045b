using System.Text;
using MimeKit.Text;

namespace OpenMailserver.Server.Messages;

/// <summary>Readable text from HTML mail, for messages without a text part: the visible text with line
/// breaks where blocks end; scripts, styles and the head are dropped.</summary>
public static class HtmlText
{
    private static readonly HashSet<HtmlTagId> Hidden = [HtmlTagId.Script, HtmlTagId.Style, HtmlTagId.Head, HtmlTagId.Title];

    private static readonly HashSet<HtmlTagId> Blocks =
    [
        HtmlTagId.P, HtmlTagId.Div, HtmlTagId.Br, HtmlTagId.LI, HtmlTagId.TR, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3,
        HtmlTagId.H4, HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.BlockQuote, HtmlTagId.Pre, HtmlTagId.Table, HtmlTagId.UL,
        HtmlTagId.OL, HtmlTagId.HR,
    ];

    public static string Convert(string html)
    {
        var output = new StringBuilder();
        var hiddenDepth = 0;
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when Hidden.Contains(tag.Id):
                    if (!tag.IsEmptyElement) hiddenDepth = Math.Max(0, hiddenDepth + (tag.IsEndTag ? -1 : 1));
                    break;
                case HtmlTagToken tag when Blocks.Contains(tag.Id):
                    if (tag.Id == HtmlTagId.Br) output.Append('\n');
                    else EndLine(output);
                    break;
                case HtmlDataToken data when hiddenDepth == 0 && data.Kind != HtmlTokenKind.ScriptData:
                    AppendCollapsed(output, data.Data);
                    break;
            }
        }
        return string.Join('\n', output.ToString().Split('\n').Select(l => l.Trim())).Trim('\n', ' ');
    }

    /// <summary>A block starts or ends: the text goes on at the start of a line.</summary>
    private static void EndLine(StringBuilder output)
    {
        while (output.Length > 0 && output[^1] == ' ') output.Length--;
        if (output.Length > 0 && output[^1] != '\n') output.Append('\n');
    }

    private static void AppendCollapsed(StringBuilder output, string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (output.Length > 0 && output[^1] is not (' ' or '\n')) output.Append(' ');
            }
            else output.Append(c);
        }
    }
}
