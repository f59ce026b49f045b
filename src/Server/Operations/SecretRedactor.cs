using System.Text.RegularExpressions;

namespace OpenMailserver.Server.Operations;

/// <summary>Removes secrets from text that leaves the server as debug output: API keys by their shape, and
/// anything written as <c>password=…</c> or an AUTH payload.</summary>
public static partial class SecretRedactor
{
    public const string Redacted = "***redacted***";

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        text = ApiKey().Replace(text, "oms_" + Redacted);
        text = Assignment().Replace(text, m => m.Groups[1].Value + Redacted);
        return AuthPayload().Replace(text, m => m.Groups[1].Value + Redacted);
    }

    [GeneratedRegex(@"oms_[A-Za-z0-9_\-]{6,}")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"((?:password|passwd|secret|api_?key)\s*[=:]\s*""?)[^\s"",;]+", RegexOptions.IgnoreCase)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(AUTH\s+(?:PLAIN|LOGIN)\s+)\S+", RegexOptions.IgnoreCase)]
    private static partial Regex AuthPayload();
}
