using System.Net;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Hosting;

/// <summary>Checks the configuration at start-up so that a bad value stops the server with a sentence
/// naming the key, instead of failing later in a listener or a delivery.</summary>
public sealed class OpenMailserverOptionsValidator : IValidateOptions<OpenMailserverOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenMailserverOptions o)
    {
        var errors = new List<string>();
        const string p = OpenMailserverOptions.Section + ":";

        if (string.IsNullOrWhiteSpace(o.DataDirectory)) errors.Add($"{p}DataDirectory must name a directory.");
        if (!IPAddress.TryParse(o.BindAddress, out _))
            errors.Add($"{p}BindAddress '{o.BindAddress}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).");
        if (string.IsNullOrEmpty(o.Domain))
            errors.Add($"{p}Domain is required outside Development: set it to the domain this server hosts, e.g. example.com.");
        else if (!DomainName.IsValid(o.Domain))
            errors.Add($"{p}Domain '{o.Domain}' is not a valid domain name.");
        if (!string.IsNullOrEmpty(o.Hostname) && !DomainName.IsValid(o.Hostname))
            errors.Add($"{p}Hostname '{o.Hostname}' is not a valid host name.");

        var ports = new (string Key, int Port)[]
        {
            ("HttpPort", o.HttpPort), ("GrpcPort", o.GrpcPort), ("HttpsPort", o.HttpsPort), ("Smtp:Port", o.Smtp.Port),
            ("Smtp:SubmissionTlsPort", o.Smtp.SubmissionTlsPort), ("Smtp:SubmissionPort", o.Smtp.SubmissionPort),
            ("Imap:TlsPort", o.Imap.TlsPort), ("Imap:Port", o.Imap.Port),
        };
        foreach (var (key, port) in ports)
            if (port is < 0 or > 65535) errors.Add($"{p}{key} must be between 0 (disabled) and 65535, not {port}.");
        foreach (var clash in ports.Where(x => x.Port > 0).GroupBy(x => x.Port).Where(g => g.Count() > 1))
            errors.Add($"{p}{string.Join(" and ", clash.Select(x => x.Key))} are all set to port {clash.Key}; each listener needs its own port.");
        if (o.HttpPort == 0) errors.Add($"{p}HttpPort cannot be 0: the REST API and /health are served there.");

        if (string.IsNullOrEmpty(o.Tls.CertificatePath) != string.IsNullOrEmpty(o.Tls.KeyPath))
            errors.Add($"{p}Tls:CertificatePath and Tls:KeyPath go together: set both (PEM files) or neither (a self-signed certificate is generated).");
        foreach (var (key, path) in new[] { ("Tls:CertificatePath", o.Tls.CertificatePath), ("Tls:KeyPath", o.Tls.KeyPath) })
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
                errors.Add($"{p}{key} names '{path}', which does not exist.");

        if (o.Smtp.MaxConcurrentSessions < 1) errors.Add($"{p}Smtp:MaxConcurrentSessions must be at least 1.");
        if (o.Smtp.MaxConcurrentSubmissionSessions < 1) errors.Add($"{p}Smtp:MaxConcurrentSubmissionSessions must be at least 1.");
        if (o.Smtp.MaxSessionsPerAddress < 1 || o.Smtp.MaxSubmissionSessionsPerAddress < 1)
            errors.Add($"{p}Smtp:MaxSessionsPerAddress and Smtp:MaxSubmissionSessionsPerAddress must be at least 1.");
        if (o.Smtp.MaxSubmissionSessionsPerMailbox < 1) errors.Add($"{p}Smtp:MaxSubmissionSessionsPerMailbox must be at least 1.");
        if (o.Smtp.CommandTimeout < TimeSpan.FromSeconds(1)) errors.Add($"{p}Smtp:CommandTimeout must be at least one second, e.g. 00:05:00.");
        if (o.Smtp.StalledTransactionTime < TimeSpan.FromSeconds(1))
            errors.Add($"{p}Smtp:StalledTransactionTime must be at least one second, e.g. 00:00:10.");
        if (o.Imap.MaxConcurrentSessions < 1) errors.Add($"{p}Imap:MaxConcurrentSessions must be at least 1.");
        if (o.Imap.MaxSessionsPerAddress < 1 || o.Imap.MaxSessionsPerMailbox < 1)
            errors.Add($"{p}Imap:MaxSessionsPerAddress and Imap:MaxSessionsPerMailbox must be at least 1.");
        if (o.Imap.MaxCommandsPerSecond < 1) errors.Add($"{p}Imap:MaxCommandsPerSecond must be at least 1.");
        if (o.Imap.LoginTimeout < TimeSpan.FromSeconds(10)) errors.Add($"{p}Imap:LoginTimeout must be at least ten seconds, e.g. 00:02:00.");
        if (o.Imap.WriteTimeout < TimeSpan.FromSeconds(1)) errors.Add($"{p}Imap:WriteTimeout must be at least one second, e.g. 00:01:00.");
        if (o.Imap.IdleTimeout < TimeSpan.FromMinutes(1)) errors.Add($"{p}Imap:IdleTimeout must be at least one minute (RFC 3501 asks for 30).");
        if (o.Imap.MaxLineBytes is < 8192 or > 16 * 1024 * 1024)
            errors.Add($"{p}Imap:MaxLineBytes must be between 8192 (RFC 7162 §4 asks servers to take commands that long) and 16777216.");
        if (o.Imap.MaxLiteralBytesBeforeLogin is < 256 or > 1024 * 1024)
            errors.Add($"{p}Imap:MaxLiteralBytesBeforeLogin must be between 256 and 1048576: before login a literal only carries a user name or password.");
        if (o.Imap.MaxLiteralBytes < 1024) errors.Add($"{p}Imap:MaxLiteralBytes must be at least 1024.");
        if (o.Imap.MaxCommandLiteralBytes > 1024L * 1024 * 1024) errors.Add($"{p}Imap:MaxCommandLiteralBytes must be at most 1073741824 (1 GiB).");
        if (o.Imap.MaxCommandLiteralBytes < o.Imap.MaxLiteralBytes)
            errors.Add($"{p}Imap:MaxCommandLiteralBytes must be at least Imap:MaxLiteralBytes ({o.Imap.MaxLiteralBytes}), or an APPEND of the largest literal could not pass.");
        if (o.Imap.MaxNestingDepth is < 8 or > 1000)
            errors.Add($"{p}Imap:MaxNestingDepth must be between 8 and 1000 (deeper risks the stack).");
        if (o.Imap.MaxFetchItems is < 10 or > 10_000) errors.Add($"{p}Imap:MaxFetchItems must be between 10 and 10000.");
        if (o.Security.MaxFailedLoginsPerAddress < 1 || o.Security.MaxFailedLoginsPerIp < 1)
            errors.Add($"{p}Security:MaxFailedLoginsPerAddress and Security:MaxFailedLoginsPerIp must be at least 1.");
        if (o.Security.LockoutPeriod <= TimeSpan.Zero) errors.Add($"{p}Security:LockoutPeriod must be a positive duration such as 00:15:00.");

        if (o.Delivery.Mode is not ("direct" or "relay"))
            errors.Add($"{p}Delivery:Mode must be 'direct' or 'relay', not '{o.Delivery.Mode}'.");
        if (o.Delivery.Mode == "relay" && string.IsNullOrWhiteSpace(o.Delivery.RelayHost))
            errors.Add($"{p}Delivery:RelayHost is required when Delivery:Mode is 'relay'.");
        if (o.Delivery.RetrySchedule.Any(t => t <= TimeSpan.Zero))
            errors.Add($"{p}Delivery:RetrySchedule entries must be positive durations such as 00:05:00.");
        if (o.Delivery.RelayTls is not ("starttls" or "implicit"))
            errors.Add($"{p}Delivery:RelayTls must be 'starttls' or 'implicit', not '{o.Delivery.RelayTls}'.");
        if (o.Delivery.RelayPort is < 1 or > 65535 || o.Delivery.MxPort is < 1 or > 65535)
            errors.Add($"{p}Delivery:RelayPort and Delivery:MxPort must be between 1 and 65535.");
        if (string.IsNullOrEmpty(o.Delivery.RelayUsername) != string.IsNullOrEmpty(o.Delivery.RelayPassword))
            errors.Add($"{p}Delivery:RelayUsername and Delivery:RelayPassword go together: set both or neither.");
        if (o.Delivery.MaxConcurrentDeliveries < 1 || o.Delivery.MaxConnectionsPerDomain < 1)
            errors.Add($"{p}Delivery:MaxConcurrentDeliveries and Delivery:MaxConnectionsPerDomain must be at least 1.");
        if (o.Delivery.SessionIdleTime < TimeSpan.Zero || o.Delivery.SessionIdleTime > TimeSpan.FromMinutes(1))
            errors.Add($"{p}Delivery:SessionIdleTime must be between 00:00:00 (no reuse) and 00:01:00; receivers close idle sessions soon after.");
        if (o.Delivery.ConnectTimeout < TimeSpan.FromSeconds(1) || o.Delivery.CommandTimeout < TimeSpan.FromSeconds(1))
            errors.Add($"{p}Delivery:ConnectTimeout and Delivery:CommandTimeout must be at least one second, e.g. 00:00:30.");
        if (o.Delivery.SessionTimeout < o.Delivery.CommandTimeout)
            errors.Add($"{p}Delivery:SessionTimeout must be at least Delivery:CommandTimeout, e.g. 00:10:00.");
        if (o.Delivery.MaxReplyLineLength is < 512 or > 1024 * 1024 || o.Delivery.MaxReplyLines is < 1 or > 10_000
            || o.Delivery.MaxReplyBytes < o.Delivery.MaxReplyLineLength || o.Delivery.MaxReplyBytes > 16 * 1024 * 1024)
            errors.Add($"{p}Delivery:MaxReplyLineLength must be between 512 and 1048576, Delivery:MaxReplyLines between 1 and 10000, "
                       + "and Delivery:MaxReplyBytes between Delivery:MaxReplyLineLength and 16777216.");
        if (o.Delivery.MaxStoredReplyLength is < 100 or > 65_536)
            errors.Add($"{p}Delivery:MaxStoredReplyLength must be between 100 and 65536 characters.");
        if (o.Delivery.MaxHostsPerAttempt is < 1 or > 100)
            errors.Add($"{p}Delivery:MaxHostsPerAttempt must be between 1 and 100.");
        if (!DomainName.IsValid(o.Delivery.DkimSelector) || o.Delivery.DkimSelector.Contains('.'))
            errors.Add($"{p}Delivery:DkimSelector '{o.Delivery.DkimSelector}' must be a single DNS label such as 'oms'.");
        foreach (var server in o.Delivery.DnsServers)
            if (!Dns.DnsServerAddress.TryParse(server, out _))
                errors.Add($"{p}Delivery:DnsServers entry '{server}' must be an IP address, optionally with :port.");
        foreach (var (domain, target) in o.Delivery.MxOverrides)
            if (!HostPort.TryParse(target, out _))
                errors.Add($"{p}Delivery:MxOverrides:{domain} must be host:port, not '{target}'.");

        if (o.Limits.MaxSendsPerHour < 1) errors.Add($"{p}Limits:MaxSendsPerHour must be at least 1.");
        if (o.Limits.MaxMessagesPerMailbox < 1) errors.Add($"{p}Limits:MaxMessagesPerMailbox must be at least 1.");
        if (o.Limits.MaxMessageBytes < 1024) errors.Add($"{p}Limits:MaxMessageBytes must be at least 1024.");
        if (o.Limits.MaxRecipientsPerMessage < 1) errors.Add($"{p}Limits:MaxRecipientsPerMessage must be at least 1.");
        if (o.Inbound.MaxMimeParts < 1 || o.Inbound.MaxMimeDepth < 1 || o.Inbound.MaxHeaders < 1)
            errors.Add($"{p}Inbound:MaxMimeParts, Inbound:MaxMimeDepth and Inbound:MaxHeaders must be at least 1.");
        if (o.Inbound.MaxDkimSignatures < 0) errors.Add($"{p}Inbound:MaxDkimSignatures must be 0 (none checked) or more.");
        if (o.Inbound.AuthenticationBudget < TimeSpan.FromSeconds(1))
            errors.Add($"{p}Inbound:AuthenticationBudget must be at least one second, e.g. 00:00:10.");
        if (o.Backup.EncryptionKey is { } backupKey && !Operations.Backup.BackupKey.TryParse(backupKey, out _))
            errors.Add($"{p}Backup:EncryptionKey must be 32 bytes in base64 (e.g. the output of: openssl rand -base64 32).");
        if (!string.IsNullOrEmpty(o.Backup.ImportDirectory) && !Path.IsPathRooted(o.Backup.ImportDirectory))
            errors.Add($"{p}Backup:ImportDirectory must be an absolute path, not '{o.Backup.ImportDirectory}'.");
        if (o.AdminApiKey is { } adminKey && adminKey.Length < 20)
            errors.Add($"{p}AdminApiKey is too short to be safe: use at least 20 random characters, or leave it unset to have one generated.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
