namespace OpenMailserver.Server.Dns;

/// <summary>A lookup that got no answer (timeout, SERVFAIL, unreachable resolver): temporary, worth retrying.</summary>
public sealed class DnsLookupException(string message, Exception? inner = null) : Exception(message, inner);
