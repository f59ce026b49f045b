extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Hosting;

namespace OpenMailserver.Tests.Hosting;

/// <summary>Bad delivery settings stop the server at start with a sentence naming the key.</summary>
public sealed class DeliveryOptionsValidationTests
{
    private static OpenMailserverOptions Valid() => new() { DataDirectory = "/tmp/x", BindAddress = "127.0.0.1", Domain = "example.test" };

    [Theory]
    [InlineData("RelayTls", "Delivery:RelayTls must be 'starttls' or 'implicit'")]
    [InlineData("DnsServers", "Delivery:DnsServers entry 'dns.example' must be an IP address")]
    [InlineData("RelayUsername", "Delivery:RelayUsername and Delivery:RelayPassword go together")]
    [InlineData("MaxConcurrentDeliveries", "Delivery:MaxConcurrentDeliveries and Delivery:MaxConnectionsPerDomain must be at least 1")]
    [InlineData("DkimSelector", "Delivery:DkimSelector 'a.b' must be a single DNS label")]
    [InlineData("MxPort", "Delivery:RelayPort and Delivery:MxPort must be between 1 and 65535")]
    [InlineData("ConnectTimeout", "Delivery:ConnectTimeout and Delivery:CommandTimeout must be at least one second")]
    [InlineData("SessionTimeout", "Delivery:SessionTimeout must be at least Delivery:CommandTimeout")]
    [InlineData("MaxReplyLines", "Delivery:MaxReplyLineLength must be between 512 and 1048576, Delivery:MaxReplyLines between 1 and 10000")]
    [InlineData("MaxReplyBytes", "and Delivery:MaxReplyBytes between Delivery:MaxReplyLineLength and 16777216")]
    [InlineData("MaxStoredReplyLength", "Delivery:MaxStoredReplyLength must be between 100 and 65536 characters")]
    [InlineData("MaxHostsPerAttempt", "Delivery:MaxHostsPerAttempt must be between 1 and 100")]
    public void Names_the_bad_key(string setting, string expected)
    {
        var options = Valid();
        var delivery = options.Delivery;
        switch (setting)
        {
            case "RelayTls": delivery.RelayTls = "sometimes"; break;
            case "DnsServers": delivery.DnsServers = ["dns.example"]; break;
            case "RelayUsername": delivery.RelayUsername = "user"; break;
            case "MaxConcurrentDeliveries": delivery.MaxConcurrentDeliveries = 0; break;
            case "DkimSelector": delivery.DkimSelector = "a.b"; break;
            case "MxPort": delivery.MxPort = 0; break;
            case "ConnectTimeout": delivery.ConnectTimeout = TimeSpan.Zero; break;
            case "SessionTimeout": delivery.SessionTimeout = TimeSpan.FromMinutes(1); break;
            case "MaxReplyLines": delivery.MaxReplyLines = 0; break;
            case "MaxReplyBytes": delivery.MaxReplyBytes = 100; break;
            case "MaxStoredReplyLength": delivery.MaxStoredReplyLength = 10; break;
            case "MaxHostsPerAttempt": delivery.MaxHostsPerAttempt = 0; break;
        }
        var result = ConfigurationCheck.Validate(options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected));
    }

    [Fact]
    public void Defaults_and_typical_settings_pass()
    {
        var options = Valid();
        options.Delivery.DnsServers = ["127.0.0.1", "127.0.0.1:5353", "[::1]:53", "2001:db8::1"];
        options.Delivery.RetrySchedule = [TimeSpan.FromMinutes(1)];
        Assert.True(ConfigurationCheck.Validate(options).Succeeded);
    }
}
