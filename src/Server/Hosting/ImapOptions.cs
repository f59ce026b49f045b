namespace OpenMailserver.Server.Hosting;

public sealed class ImapOptions
{
    /// <summary>IMAP with implicit TLS. 0 disables the listener.</summary>
    public int TlsPort { get; set; } = 1993;
    /// <summary>IMAP with STARTTLS.</summary>
    public int Port { get; set; } = 1143;
    /// <summary>IMAP connections open at once; more are greeted with BYE and closed.</summary>
    public int MaxConcurrentSessions { get; set; } = 500;
    /// <summary>IMAP connections per client address (an IPv6 /64): a desktop client keeps up to five open,
    /// so twenty serve a few people behind one NAT address while forty addresses are needed to fill the pool.</summary>
    public int MaxSessionsPerAddress { get; set; } = 20;
    /// <summary>Logged-in sessions per mailbox, from anywhere: a phone, a laptop and a desktop client fit,
    /// and a leaked password cannot take the whole pool. The login beyond it gets NO [LIMIT].</summary>
    public int MaxSessionsPerMailbox { get; set; } = 20;
    /// <summary>An authenticated client silent this long is logged out (RFC 3501 §5.4: at least 30 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Commands one session may run per second; a faster client is slowed down, not refused.</summary>
    public int MaxCommandsPerSecond { get; set; } = 200;
}
