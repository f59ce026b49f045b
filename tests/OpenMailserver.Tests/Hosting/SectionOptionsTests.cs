extern alias ServerAssembly;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Hosting;

/// <summary>An area takes only its section of the configuration (<c>IOptions&lt;DeliveryOptions&gt;</c>, …), read
/// from the same keys as before and the very section the validated whole holds.</summary>
public sealed class SectionOptionsTests
{
    [Fact]
    public async Task Each_section_is_the_validated_whole_s_section_under_the_same_keys()
    {
        await using var server = new ServerFactory(settings: new Dictionary<string, string?>
        {
            ["OpenMailserver:Limits:MaxRecipientsPerMessage"] = "7",
            ["OpenMailserver:Delivery:MaxConnectionsPerDomain"] = "3",
            ["OpenMailserver:Security:MaxFailedLoginsPerIp"] = "9",
        });
        var whole = server.Services.GetRequiredService<IOptions<OpenMailserverOptions>>().Value;
        Assert.Same(whole.Limits, server.Services.GetRequiredService<IOptions<LimitsOptions>>().Value);
        Assert.Same(whole.Delivery, server.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value);
        Assert.Same(whole.Security, server.Services.GetRequiredService<IOptions<SecurityOptions>>().Value);
        Assert.Equal(7, server.Services.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRecipientsPerMessage);
        Assert.Equal(3, server.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.MaxConnectionsPerDomain);
        Assert.Equal(9, server.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.MaxFailedLoginsPerIp);
    }

    [Fact]
    public async Task The_top_level_keys_are_storage_and_server_options()
    {
        await using var server = new ServerFactory(settings: new Dictionary<string, string?> { ["OpenMailserver:Domain"] = "Example.TEST." });
        var whole = server.Services.GetRequiredService<IOptions<OpenMailserverOptions>>().Value;
        Assert.Equal(whole.DataDirectory, server.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory);
        var top = server.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        Assert.Equal(("example.test", "mail.example.test", "127.0.0.1"), (top.Domain, top.Hostname, top.BindAddress));
        Assert.Equal((whole.HttpPort, whole.GrpcPort, whole.HttpsPort, whole.AdminApiKey), (top.HttpPort, top.GrpcPort, top.HttpsPort, top.AdminApiKey));
    }

    [Fact]
    public void Each_area_registers_the_check_of_its_own_section()
    {
        var areas = ConfigurationCheck.Validators.Select(v => v.GetType().Namespace!["OpenMailserver.Server.".Length..]).Order().ToList();
        Assert.Equal(["Accounts", "Delivery", "Hosting", "Imap", "MailAuthentication", "Messages", "Net", "Operations.Backup", "Smtp"], areas);
    }
}
