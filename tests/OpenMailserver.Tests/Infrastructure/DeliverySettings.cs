namespace OpenMailserver.Tests.Infrastructure;

/// <summary>Configuration for a server that delivers mail in a test: its domain, a short retry schedule,
/// and where its DNS and MX overrides point.</summary>
public static class DeliverySettings
{
    public static Dictionary<string, string?> For(string domain, string? dns = null, IReadOnlyDictionary<string, int>? mxOverrides = null,
        int retries = 3, string retryDelay = "00:00:01")
    {
        var settings = new Dictionary<string, string?>
        {
            ["OpenMailserver:Domain"] = domain,
            ["OpenMailserver:Hostname"] = "mx." + domain,
            ["OpenMailserver:Delivery:ConnectTimeout"] = "00:00:05",
            ["OpenMailserver:Delivery:CommandTimeout"] = "00:00:20",
        };
        if (dns is not null) settings["OpenMailserver:Delivery:DnsServers:0"] = dns;
        for (var i = 0; i < retries; i++) settings[$"OpenMailserver:Delivery:RetrySchedule:{i}"] = retryDelay;
        foreach (var (target, port) in mxOverrides ?? new Dictionary<string, int>())
            settings[$"OpenMailserver:Delivery:MxOverrides:{target}"] = $"127.0.0.1:{port}";
        return settings;
    }
}
