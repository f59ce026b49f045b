using System.Net;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Hosting;

/// <summary>The server-wide keys (data directory, address, domain, host name, admin key) and the listening
/// ports of every area together, since two listeners cannot share a port.</summary>
public sealed class ServerOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(o.DataDirectory)) errors.Add($"{P}DataDirectory must name a directory.");
        if (!IPAddress.TryParse(o.BindAddress, out _))
            errors.Add($"{P}BindAddress '{o.BindAddress}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).");
        if (string.IsNullOrEmpty(o.Domain))
            errors.Add($"{P}Domain is required outside Development: set it to the domain this server hosts, e.g. example.com.");
        else if (!DomainName.IsValid(o.Domain))
            errors.Add($"{P}Domain '{o.Domain}' is not a valid domain name.");
        if (!string.IsNullOrEmpty(o.Hostname) && !DomainName.IsValid(o.Hostname))
            errors.Add($"{P}Hostname '{o.Hostname}' is not a valid host name.");

        var ports = new (string Key, int Port)[]
        {
            ("HttpPort", o.HttpPort), ("GrpcPort", o.GrpcPort), ("HttpsPort", o.HttpsPort), ("Smtp:Port", o.Smtp.Port),
            ("Smtp:SubmissionTlsPort", o.Smtp.SubmissionTlsPort), ("Smtp:SubmissionPort", o.Smtp.SubmissionPort),
            ("Imap:TlsPort", o.Imap.TlsPort), ("Imap:Port", o.Imap.Port),
        };
        foreach (var (key, port) in ports)
            if (port is < 0 or > 65535) errors.Add($"{P}{key} must be between 0 (disabled) and 65535, not {port}.");
        foreach (var clash in ports.Where(x => x.Port > 0).GroupBy(x => x.Port).Where(g => g.Count() > 1))
            errors.Add($"{P}{string.Join(" and ", clash.Select(x => x.Key))} are all set to port {clash.Key}; each listener needs its own port.");
        if (o.HttpPort == 0) errors.Add($"{P}HttpPort cannot be 0: the REST API and /health are served there.");

        if (o.AdminApiKey is { } adminKey && adminKey.Length < 20)
            errors.Add($"{P}AdminApiKey is too short to be safe: use at least 20 random characters, or leave it unset to have one generated.");
    }
}
