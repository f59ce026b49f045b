using System.Text.RegularExpressions;

namespace OpenMailserver.Server.Storage;

/// <summary>The subject a conversation is known by: without the reply and forward prefixes clients in
/// many languages add ("Re:", "Fwd:", "AW:", "SV:", "回复:", "Re[2]:"…) or a mailing-list tag before them.</summary>
public static partial class ThreadSubject
{
    /// <summary>The subject without its prefixes, as written.</summary>
    public static string Strip(string subject) => Strip(subject, out _);

    /// <summary>The subject without its prefixes; <paramref name="isAnswer"/> tells whether there was one.</summary>
    public static string Strip(string subject, out bool isAnswer)
    {
        isAnswer = false;
        var s = subject.Trim();
        for (var guard = 0; guard < 20; guard++)
        {
            var match = Prefix().Match(s);
            if (!match.Success) break;
            isAnswer = true;
            s = s[match.Length..].TrimStart();
        }
        return s;
    }

    /// <summary>The form threads are matched on: stripped, whitespace collapsed, case folded.</summary>
    public static string Key(string subject) => Whitespace().Replace(Strip(subject), " ").ToLowerInvariant();

    [GeneratedRegex(@"^(\[[^\]]{1,40}\]\s*)?(re|fwd?|aw|wg|sv|vs|antw|doorst|tr|rv|ref|r|odp|pd|ynt|πρθ|отв|回复|回覆|转发|轉寄|答复)(\s*\[\d{1,4}\]|\s*\(\d{1,4}\))?\s*[:：]",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
