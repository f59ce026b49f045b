namespace OpenMailserver.Server.Kernel;

/// <summary>A mailbox address <c>local@domain</c> in the RFC 5321 dot-atom form, lower-cased. Quoted local
/// parts, source routes and address literals are not accepted: nothing we host or send to needs them, and
/// each is a classic way to smuggle a relay past a filter.</summary>
public sealed record EmailAddress(string LocalPart, string Domain)
{
    public const int MaxLocalPartLength = 64;
    public const int MaxLength = 254;

    private const string AtomSpecials = "!#$%&'*+-/=?^_`{|}~";

    public static bool TryParse(string? text, out EmailAddress address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        if (trimmed.StartsWith('<') && trimmed.EndsWith('>')) trimmed = trimmed[1..^1];
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1) return false;
        var local = trimmed[..at].ToLowerInvariant();
        if (!IsValidLocalPart(local) || !DomainName.TryNormalize(trimmed[(at + 1)..], out var domain)) return false;
        if (local.Length + 1 + domain.Length > MaxLength) return false;
        address = new EmailAddress(local, domain);
        return true;
    }

    public static EmailAddress Parse(string text, string field) =>
        TryParse(text, out var address)
            ? address
            : throw new MailServerException(ErrorKind.InvalidArgument, $"{field}: '{Shorten(text)}' is not a valid email address (expected local@domain).");

    public static bool IsValidLocalPart(string local)
    {
        if (local.Length is 0 or > MaxLocalPartLength || local[0] == '.' || local[^1] == '.' || local.Contains("..")) return false;
        foreach (var c in local)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.' || AtomSpecials.Contains(c))) return false;
        return true;
    }

    public override string ToString() => $"{LocalPart}@{Domain}";

    internal static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 80 ? text : text[..77] + "...";
}
