namespace OpenMailserver.Server.Hosting;

public sealed class SmtpOptions
{
    /// <summary>Inbound MX. 0 disables the listener.</summary>
    public int Port { get; set; } = 2525;
    /// <summary>Submission with implicit TLS.</summary>
    public int SubmissionTlsPort { get; set; } = 2465;
    /// <summary>Submission with STARTTLS.</summary>
    public int SubmissionPort { get; set; } = 2587;
}
