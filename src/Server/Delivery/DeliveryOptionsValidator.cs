using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Dns;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Delivery;

/// <summary>Delivery: the mode and relay, retries, outbound sessions and their bounds, DKIM selector, resolvers.</summary>
public sealed class DeliveryOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        var d = o.Delivery;
        if (d.Mode is not ("direct" or "relay"))
            errors.Add($"{P}Delivery:Mode must be 'direct' or 'relay', not '{d.Mode}'.");
        if (d.Mode == "relay" && string.IsNullOrWhiteSpace(d.RelayHost))
            errors.Add($"{P}Delivery:RelayHost is required when Delivery:Mode is 'relay'.");
        if (d.RetrySchedule.Any(t => t <= TimeSpan.Zero))
            errors.Add($"{P}Delivery:RetrySchedule entries must be positive durations such as 00:05:00.");
        if (d.RelayTls is not ("starttls" or "implicit"))
            errors.Add($"{P}Delivery:RelayTls must be 'starttls' or 'implicit', not '{d.RelayTls}'.");
        if (d.RelayPort is < 1 or > 65535 || d.MxPort is < 1 or > 65535)
            errors.Add($"{P}Delivery:RelayPort and Delivery:MxPort must be between 1 and 65535.");
        if (string.IsNullOrEmpty(d.RelayUsername) != string.IsNullOrEmpty(d.RelayPassword))
            errors.Add($"{P}Delivery:RelayUsername and Delivery:RelayPassword go together: set both or neither.");
        if (d.MaxConcurrentDeliveries < 1 || d.MaxConnectionsPerDomain < 1)
            errors.Add($"{P}Delivery:MaxConcurrentDeliveries and Delivery:MaxConnectionsPerDomain must be at least 1.");
        if (d.SessionIdleTime < TimeSpan.Zero || d.SessionIdleTime > TimeSpan.FromMinutes(1))
            errors.Add($"{P}Delivery:SessionIdleTime must be between 00:00:00 (no reuse) and 00:01:00; receivers close idle sessions soon after.");
        if (d.ConnectTimeout < TimeSpan.FromSeconds(1) || d.CommandTimeout < TimeSpan.FromSeconds(1))
            errors.Add($"{P}Delivery:ConnectTimeout and Delivery:CommandTimeout must be at least one second, e.g. 00:00:30.");
        if (d.SessionTimeout < d.CommandTimeout)
            errors.Add($"{P}Delivery:SessionTimeout must be at least Delivery:CommandTimeout, e.g. 00:10:00.");
        if (d.MaxReplyLineLength is < 512 or > 1024 * 1024 || d.MaxReplyLines is < 1 or > 10_000
            || d.MaxReplyBytes < d.MaxReplyLineLength || d.MaxReplyBytes > 16 * 1024 * 1024)
            errors.Add($"{P}Delivery:MaxReplyLineLength must be between 512 and 1048576, Delivery:MaxReplyLines between 1 and 10000, "
                       + "and Delivery:MaxReplyBytes between Delivery:MaxReplyLineLength and 16777216.");
        if (d.MaxStoredReplyLength is < 100 or > 65_536)
            errors.Add($"{P}Delivery:MaxStoredReplyLength must be between 100 and 65536 characters.");
        if (d.MaxHostsPerAttempt is < 1 or > 100)
            errors.Add($"{P}Delivery:MaxHostsPerAttempt must be between 1 and 100.");
        if (!DomainName.IsValid(d.DkimSelector) || d.DkimSelector.Contains('.'))
            errors.Add($"{P}Delivery:DkimSelector '{d.DkimSelector}' must be a single DNS label such as 'oms'.");
        foreach (var server in d.DnsServers)
            if (!DnsServerAddress.TryParse(server, out _))
                errors.Add($"{P}Delivery:DnsServers entry '{server}' must be an IP address, optionally with :port.");
        foreach (var (domain, target) in d.MxOverrides)
            if (!HostPort.TryParse(target, out _))
                errors.Add($"{P}Delivery:MxOverrides:{domain} must be host:port, not '{target}'.");
    }
}
