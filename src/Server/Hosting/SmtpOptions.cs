namespace OpenMailserver.Server.Hosting;

public sealed class SmtpOptions
{
    /// <summary>Inbound MX. 0 disables the listener.</summary>
    public int Port { get; set; } = 2525;
    /// <summary>Submission with implicit TLS.</summary>
    public int SubmissionTlsPort { get; set; } = 2465;
    /// <summary>Submission with STARTTLS.</summary>
    public int SubmissionPort { get; set; } = 2587;
    /// <summary>Sessions open at once across the SMTP listeners; a client beyond that gets 421 and is closed.</summary>
    public int MaxConcurrentSessions { get; set; } = 100;
    /// <summary>How long a client may stay silent before the session is closed (RFC 5321 §4.5.3.2 suggests
    /// at least 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
