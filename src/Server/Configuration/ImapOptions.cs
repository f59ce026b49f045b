namespace OpenMailserver.Server.Configuration;

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
    /// <summary>Time from connecting to logging in, whatever the client sends meanwhile; then BYE.</summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How long one reply may wait for the client to read it; a client that reads nothing for this
    /// long is disconnected, so it cannot hold its session by not reading.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Commands one session may run per second; a faster client is slowed down, not refused.</summary>
    public int MaxCommandsPerSecond { get; set; } = 200;
    /// <summary>The text of one command, all its lines together without the literals; longer is BYE.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;
    /// <summary>One literal before login (a user name or password needs no more); a larger one is refused
    /// without a continuation.</summary>
    public int MaxLiteralBytesBeforeLogin { get; set; } = 8 * 1024;
    /// <summary>One literal after login. APPEND is also held to Limits:MaxMessageBytes, the smaller bound applies.</summary>
    public long MaxLiteralBytes { get; set; } = 25 * 1024 * 1024;
    /// <summary>All the literals of one command together, after login (before login the per-literal bound
    /// applies to their sum as well).</summary>
    public long MaxCommandLiteralBytes { get; set; } = 26 * 1024 * 1024;
    /// <summary>Nesting of parenthesised SEARCH criteria, NOT/OR chains, section part paths, and the depth
    /// of MIME structure that BODYSTRUCTURE presents.</summary>
    public int MaxNestingDepth { get; set; } = 100;
    /// <summary>Data items in one FETCH, and header names in one HEADER.FIELDS list.</summary>
    public int MaxFetchItems { get; set; } = 100;
    /// <summary>Messages in one APPEND (MULTIAPPEND): they are stored in one write, which holds the single writer.</summary>
    public int MaxAppendMessages { get; set; } = 100;
}
