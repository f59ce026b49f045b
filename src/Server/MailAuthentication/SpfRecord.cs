namespace OpenMailserver.Server.MailAuthentication;

/// <summary>An SPF record's terms, parsed whole before any is evaluated, as RFC 7208 §4.6 asks (a syntax
/// error anywhere is permerror): its mechanisms in order with their qualifiers, and the redirect target.
/// Modifiers other than redirect (exp, unknown ones) are skipped.</summary>
public sealed record SpfRecord(IReadOnlyList<(char Qualifier, SpfMechanism Mechanism)> Mechanisms, string? Redirect)
{
    /// <summary>Terms of one record, each examined once; real records have a handful.</summary>
    public const int MaxTerms = 100;

    /// <param name="record">The TXT record, starting with <c>v=spf1</c>.</param>
    /// <param name="domain">The domain it was published at: the default target of a, mx, include and exists.</param>
    /// <exception cref="SpfPermanentError">The record breaks the grammar of RFC 7208 §4.6.1 or §5.</exception>
    public static SpfRecord Parse(string record, string domain)
    {
        var terms = record.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        if (terms.Count > MaxTerms) throw new SpfPermanentError();
        var mechanisms = new List<(char, SpfMechanism)>();
        string? redirect = null;
        foreach (var term in terms)
        {
            var equals = term.IndexOf('=');
            var colon = term.IndexOf(':');
            if (equals > 0 && (colon < 0 || equals < colon))
            {
                if (!term.StartsWith("redirect=", StringComparison.OrdinalIgnoreCase)) continue;
                var target = term[9..];
                if (redirect is not null || target.Contains('%') || !SpfMechanism.IsDomainName(target)) throw new SpfPermanentError();
                redirect = target;
                continue;
            }
            var qualifier = term[0] is '+' or '-' or '~' or '?' ? term[0] : '+';
            mechanisms.Add((qualifier, SpfMechanism.Parse(qualifier == term[0] ? term[1..] : term, domain)));
        }
        return new SpfRecord(mechanisms, redirect);
    }
}
