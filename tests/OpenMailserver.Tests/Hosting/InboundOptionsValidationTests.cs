extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Hosting;

namespace OpenMailserver.Tests.Hosting;

/// <summary>Bad inbound limits stop the server at start with a sentence naming the key.</summary>
public sealed class InboundOptionsValidationTests
{
    private static OpenMailserverOptions Valid() => new() { DataDirectory = "/tmp/x", BindAddress = "127.0.0.1", Domain = "example.test" };

    [Theory]
    [InlineData("MaxMimeParts", "Inbound:MaxMimeParts, Inbound:MaxMimeDepth and Inbound:MaxHeaders must be at least 1.")]
    [InlineData("MaxMimeDepth", "Inbound:MaxMimeParts, Inbound:MaxMimeDepth and Inbound:MaxHeaders must be at least 1.")]
    [InlineData("MaxHeaders", "Inbound:MaxMimeParts, Inbound:MaxMimeDepth and Inbound:MaxHeaders must be at least 1.")]
    [InlineData("MaxDkimSignatures", "Inbound:MaxDkimSignatures must be 0 (none checked) or more.")]
    [InlineData("AuthenticationBudget", "Inbound:AuthenticationBudget must be at least one second, e.g. 00:00:10.")]
    public void Names_the_bad_key(string setting, string expected)
    {
        var options = Valid();
        var inbound = options.Inbound;
        switch (setting)
        {
            case "MaxMimeParts": inbound.MaxMimeParts = 0; break;
            case "MaxMimeDepth": inbound.MaxMimeDepth = 0; break;
            case "MaxHeaders": inbound.MaxHeaders = 0; break;
            case "MaxDkimSignatures": inbound.MaxDkimSignatures = -1; break;
            case "AuthenticationBudget": inbound.AuthenticationBudget = TimeSpan.FromMilliseconds(500); break;
        }
        var result = ConfigurationCheck.Validate(options);
        Assert.True(result.Failed);
        Assert.Contains("OpenMailserver:" + expected, result.Failures!);
    }

    [Fact]
    public void The_defaults_pass()
    {
        var options = Valid();
        Assert.Equal((1000, 50, 1000, 3, TimeSpan.FromSeconds(10)),
            (options.Inbound.MaxMimeParts, options.Inbound.MaxMimeDepth, options.Inbound.MaxHeaders, options.Inbound.MaxDkimSignatures,
                options.Inbound.AuthenticationBudget));
        Assert.True(ConfigurationCheck.Validate(options).Succeeded);
    }
}
