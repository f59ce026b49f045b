namespace OpenMailserver.Server.Configuration;

/// <summary>The server-wide keys at the top of the <c>OpenMailserver</c> section, as completed at start: the
/// domain it hosts, its host name (the MX, HELO and certificate name), the address it listens on, the HTTP
/// ports and the configured admin key, if any.</summary>
public sealed record ServerOptions(string Domain, string Hostname, string BindAddress, int HttpPort, int GrpcPort, int HttpsPort, string? AdminApiKey);
