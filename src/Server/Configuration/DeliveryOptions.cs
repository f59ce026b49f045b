namespace OpenMailserver.Server.Configuration;

public sealed class DeliveryOptions
{
    /// <summary><c>direct</c> (MX lookup) or <c>relay</c> (smarthost).</summary>
    public string Mode { get; set; } = "direct";
    public string? RelayHost { get; set; }
    public int RelayPort { get; set; } = 587;
    /// <summary><c>starttls</c> (the default, port 587) or <c>implicit</c> (TLS from the first byte, port 465).
    /// A relay is always reached over TLS: credentials and mail never cross the network in clear.</summary>
    public string RelayTls { get; set; } = "starttls";
    /// <summary>Checks the smarthost's certificate against the system trust store; turn off only for a relay
    /// with a private certificate on a network you control.</summary>
    public bool RelayVerifyCertificate { get; set; } = true;
    public string? RelayUsername { get; set; }
    public string? RelayPassword { get; set; }

    /// <summary>Domain → <c>host:port</c>, consulted before DNS.</summary>
    public Dictionary<string, string> MxOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Resolvers (<c>ip</c> or <c>ip:port</c>) for MX, address, SPF and DKIM lookups; empty means the
    /// system's resolvers.</summary>
    public List<string> DnsServers { get; set; } = [];
    /// <summary>The port of remote MX hosts. Always 25 on the internet; other values serve test setups.</summary>
    public int MxPort { get; set; } = 25;

    /// <summary>Delays before each retry of a deferred recipient; after the last one the message bounces.</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];
    /// <summary>Outbound SMTP sessions open at once, over all destinations. Sessions are asynchronous and
    /// cheap; the limit protects the database from a burst of settles more than the CPU.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 50;
    /// <summary>Outbound SMTP sessions open at once to one recipient domain, so a big queue does not hammer one
    /// receiver into rate-limiting us. 20 is Postfix's default_destination_concurrency_limit, and Exchange's.</summary>
    public int MaxConnectionsPerDomain { get; set; } = 20;
    /// <summary>How long a session stays open after a delivered message, waiting for the next message to the
    /// same host; zero closes each session after its message.</summary>
    public TimeSpan SessionIdleTime { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a TCP connection to a remote host may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long the remote server may take to complete one reply (the greeting, or the reply to a
    /// command), counted from the command or the previous reply, however the bytes trickle in (RFC 5321
    /// §4.5.3.2 asks for minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How long one SMTP session may last from its connection, whatever the remote server does; a
    /// kept session is not reused past it.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>The longest reply line taken from a remote server, in bytes (RFC 5321 §4.5.3.1.5 says 512).</summary>
    public int MaxReplyLineLength { get; set; } = 4096;
    /// <summary>The most lines one reply may have (an EHLO reply has one per extension).</summary>
    public int MaxReplyLines { get; set; } = 100;
    /// <summary>The most bytes one reply may have, all lines together.</summary>
    public int MaxReplyBytes { get; set; } = 64 * 1024;
    /// <summary>How much of a remote reply is kept in the trace and in a bounce, in characters.</summary>
    public int MaxStoredReplyLength { get; set; } = 2048;
    /// <summary>Addresses tried in one attempt, over all the MX hosts of a destination (Postfix's
    /// <c>smtp_mx_address_limit</c>): a domain cannot make one message open dozens of connections.</summary>
    public int MaxHostsPerAttempt { get; set; } = 5;
    /// <summary>Lets MX records and a recipient domain's own address point at loopback, private, link-local,
    /// unique-local or carrier-grade NAT addresses. Off, such hosts are refused, so mail cannot reach inside our
    /// network; turn on only for split-horizon DNS and tests. <c>MxOverrides</c> and the relay are always allowed.</summary>
    public bool AllowPrivateDestinations { get; set; }
    /// <summary>The deliverability report checks that outbound port 25 is open by connecting to this domain's
    /// MX (many providers block it; then use <c>relay</c> mode).</summary>
    public string Port25ProbeDomain { get; set; } = "gmail.com";
    /// <summary>The DKIM selector: the key is published at <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c>.</summary>
    public string DkimSelector { get; set; } = "oms";

    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1),
        TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(16), TimeSpan.FromDays(1),
        TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1),
    ];
}
