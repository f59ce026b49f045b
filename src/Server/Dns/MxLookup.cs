namespace OpenMailserver.Server.Dns;

/// <summary>The answer to an MX query: the exchanges by preference, or that the domain does not exist.</summary>
public sealed record MxLookup(bool DomainExists, IReadOnlyList<MxHost> Hosts)
{
    /// <summary>RFC 7505: a single MX of "." says the domain accepts no mail at all.</summary>
    public bool IsNullMx => Hosts.Count == 1 && Hosts[0].Host is "" or ".";
}

public sealed record MxHost(string Host, int Preference);
