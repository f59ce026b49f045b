namespace OpenMailserver.Server.Configuration;

public sealed class SmtpOptions
{
    /// <summary>Inbound MX. 0 disables the listener.</summary>
    public int Port { get; set; } = 2525;
    /// <summary>Submission with implicit TLS.</summary>
    public int SubmissionTlsPort { get; set; } = 2465;
    /// <summary>Submission with STARTTLS.</summary>
    public int SubmissionPort { get; set; } = 2587;
    /// <summary>MX sessions open at once. When they are all taken, a new connection closes the longest-idle
    /// session that is not in a transaction or whose transaction stalled (421 4.7.0); if none is, the new one
    /// gets 421 4.3.2.</summary>
    public int MaxConcurrentSessions { get; set; } = 100;
    /// <summary>MX sessions one client address (an IPv6 /64) may hold; one tenth of the pool, so it takes
    /// ten addresses to fill it. Postfix, for one, reads the 421 as "defer" and lowers its concurrency.</summary>
    public int MaxSessionsPerAddress { get; set; } = 10;
    /// <summary>Sessions open at once on the two submission ports together: a pool of their own, so a flood
    /// on the MX never locks users out of sending. When full, the longest-idle session that has not
    /// logged in is closed to make room.</summary>
    public int MaxConcurrentSubmissionSessions { get; set; } = 100;
    /// <summary>Submission sessions per client address: a mail client sends over one or two connections,
    /// and ten leave room for a small office behind one NAT address.</summary>
    public int MaxSubmissionSessionsPerAddress { get; set; } = 10;
    /// <summary>Logged-in submission sessions one mailbox may hold, whatever addresses they come from, so a
    /// leaked password used from many places cannot take the pool from every other user.</summary>
    public int MaxSubmissionSessionsPerMailbox { get; set; } = 20;
    /// <summary>When the MX pool is full, a transaction whose client has been silent this long may be closed to
    /// make room like an idle session (Postfix, under stress, gives a client 10 s). Otherwise a client could
    /// keep its slots from ever being shed by opening a transaction (<c>MAIL FROM:&lt;&gt;</c>) in each.</summary>
    public TimeSpan StalledTransactionTime { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a client may stay silent before the session is closed (RFC 5321 §4.5.3.2 suggests
    /// at least 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
