using System.Globalization;

namespace OpenMailserver.Server.Kernel;

/// <summary>Domain names as RFC 5321 allows them: labels of letters, digits and hyphens, at most 63
/// octets each and 255 in all. Internationalised names are stored in their ASCII (punycode) form.</summary>
public static class DomainName
{
    private static readonly IdnMapping Idn = new();

    public static bool TryNormalize(string? text, out string domain)
    {
        domain = "";
        if (string.IsNullOrWhiteSpace(text)) return false;
        // One trailing dot is the DNS root (an absolute name); more than one is no name at all.
        var candidate = text.Trim();
        if (candidate.EndsWith('.')) candidate = candidate[..^1];
        try
        {
            candidate = Idn.GetAscii(candidate).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }
        if (!IsValid(candidate)) return false;
        domain = candidate;
        return true;
    }

    public static bool IsValid(string? domain)
    {
        if (string.IsNullOrEmpty(domain) || domain.Length > 255) return false;
        foreach (var label in domain.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        }
        // An all-numeric final label would make this an IP address, not a name.
        return !domain.Split('.')[^1].All(char.IsAsciiDigit);
    }
}
