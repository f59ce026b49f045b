namespace OpenMailserver.Server.Configuration;

/// <summary>Brute-force protection shared by every login path (SMTP AUTH, IMAP LOGIN).</summary>
public sealed class SecurityOptions
{
    /// <summary>Failed logins for one address before it is locked.</summary>
    public int MaxFailedLoginsPerAddress { get; set; } = 5;
    /// <summary>Failed logins from one client IP (any address) before it is locked.</summary>
    public int MaxFailedLoginsPerIp { get; set; } = 20;
    /// <summary>How long a lock lasts; failures older than this are forgotten.</summary>
    public TimeSpan LockoutPeriod { get; set; } = TimeSpan.FromMinutes(15);
}
