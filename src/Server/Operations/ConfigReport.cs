using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Operations;

/// <summary>The effective configuration as operators see it in <c>GET /v1/debug/config</c>: every value
/// the server runs with, and for secrets only whether they are set.</summary>
public static class ConfigReport
{
    public const string Configured = "***configured***";
    public const string Missing = "***missing***";

    public static object Build(OpenMailserverOptions o, string environment) => new
    {
        Environment = environment,
        o.DataDirectory,
        o.BindAddress,
        o.HttpPort,
        o.GrpcPort,
        o.HttpsPort,
        o.Domain,
        o.Hostname,
        AdminApiKey = string.IsNullOrEmpty(o.AdminApiKey) ? Missing : Configured,
        Smtp = new { o.Smtp.Port, o.Smtp.SubmissionTlsPort, o.Smtp.SubmissionPort, o.Smtp.MaxConcurrentSessions, o.Smtp.MaxSessionsPerAddress, o.Smtp.MaxConcurrentSubmissionSessions,
            o.Smtp.MaxSubmissionSessionsPerAddress, CommandTimeout = o.Smtp.CommandTimeout.ToString() },
        Imap = new { o.Imap.TlsPort, o.Imap.Port, o.Imap.MaxConcurrentSessions, o.Imap.MaxSessionsPerAddress, o.Imap.MaxSessionsPerMailbox, IdleTimeout = o.Imap.IdleTimeout.ToString(), o.Imap.MaxCommandsPerSecond },
        Tls = new { o.Tls.CertificatePath, o.Tls.KeyPath },
        Delivery = new
        {
            o.Delivery.Mode,
            o.Delivery.RelayHost,
            o.Delivery.RelayPort,
            o.Delivery.RelayTls,
            o.Delivery.RelayVerifyCertificate,
            o.Delivery.RelayUsername,
            RelayPassword = string.IsNullOrEmpty(o.Delivery.RelayPassword) ? Missing : Configured,
            o.Delivery.MxOverrides,
            o.Delivery.DnsServers,
            o.Delivery.MxPort,
            o.Delivery.MaxConcurrentDeliveries,
            o.Delivery.MaxConnectionsPerDomain,
            ConnectTimeout = o.Delivery.ConnectTimeout.ToString(),
            CommandTimeout = o.Delivery.CommandTimeout.ToString(),
            o.Delivery.DkimSelector,
            o.Delivery.Port25ProbeDomain,
            RetrySchedule = o.Delivery.RetrySchedule.Select(t => t.ToString()).ToList(),
        },
        Limits = new { o.Limits.MaxSendsPerHour, o.Limits.MaxMessagesPerMailbox, o.Limits.MaxMessageBytes, o.Limits.MaxRecipientsPerMessage },
        Debug = new { o.Debug.Enabled },
        Backup = new { EncryptionKey = string.IsNullOrEmpty(o.Backup.EncryptionKey) ? Missing : Configured },
        Security = new { o.Security.MaxFailedLoginsPerAddress, o.Security.MaxFailedLoginsPerIp, LockoutPeriod = o.Security.LockoutPeriod.ToString() },
    };
}
