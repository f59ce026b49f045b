using System.Net;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>How to reach a recipient domain: the hosts to try in order and the rules for the session.</summary>
/// <param name="Kind"><c>override</c>, <c>relay</c>, <c>mx</c> or <c>address</c> (no MX: the domain itself, RFC 5321 §5.1).</param>
/// <param name="RequireTls">Refuse to send unless STARTTLS (or implicit TLS) succeeds.</param>
/// <param name="ImplicitTls">TLS from the first byte (a relay on port 465).</param>
/// <param name="VerifyCertificate">Check the certificate; otherwise encryption is opportunistic, as on port 25.</param>
public sealed record DeliveryRoute(string Kind, IReadOnlyList<RouteHost> Hosts, bool RequireTls, bool ImplicitTls, bool VerifyCertificate,
    NetworkCredential? Credentials);

/// <param name="SystemResolver">Names from configuration resolve like any other program's (hosts file included);
/// names from MX records resolve through <c>Delivery:DnsServers</c>.</param>
public sealed record RouteHost(string Name, int Port, int? Preference, bool SystemResolver);
