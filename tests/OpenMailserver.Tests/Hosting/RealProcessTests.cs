using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMailserver.Sdk;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Hosting;

/// <summary>The server as its own process on real sockets: REST on HTTP/1.1, the SDK over cleartext
/// HTTP/2 on the gRPC port, a crash, and start-up refusing bad configuration.</summary>
public sealed class RealProcessTests
{
    [Fact]
    public async Task Sdk_talks_native_grpc_over_the_h2c_port_and_rest_shares_the_same_state()
    {
        await using var server = await ServerProcess.StartAsync();
        using var admin = new OpenMailserverClient(server.GrpcBase, server.AdminKey);
        var created = await admin.CreateMailboxAsync("grpc", "example.test");
        using var agent = new OpenMailserverClient(server.GrpcBase, created.ApiKey.Key);
        await agent.SendAsync(created.Mailbox.Email, [created.Mailbox.Email], "h2c", "over a real socket");

        using var rest = server.Rest(created.ApiKey.Key);
        var inbox = await rest.GetJsonAsync($"/v1/mailboxes/{created.Mailbox.Email}/messages");
        Assert.Equal("h2c", Assert.Single(inbox.EnumerateArray()).GetProperty("subject").GetString());
        Assert.Contains($"gRPC (HTTP/2 cleartext) listening on http://127.0.0.1:{server.GrpcPort}", server.Output);
        Assert.Contains($"REST /v1 and /health listening on http://127.0.0.1:{server.HttpPort}", server.Output);
        Assert.Contains("admin-api-key", server.Output);
        Assert.DoesNotContain(server.AdminKey, server.Output);
    }

    [Fact]
    public async Task A_send_acknowledged_with_200_survives_kill_9()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        string messageId;
        await using (var server = await ServerProcess.StartAsync(directory))
        {
            using var admin = server.Rest(server.AdminKey);
            var created = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "crash", domain = "example.test" })).Content.ReadAsStringAsync()).RootElement;
            box = new TestMailbox("crash@example.test", created.GetProperty("password").GetString()!, created.GetProperty("api_key").GetProperty("key").GetString()!, 0);
            using var client = server.Rest(box.Key);
            var sent = await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "acknowledged", text_body = "must survive" });
            messageId = sent.GetProperty("message_id").GetString()!;
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(directory);
        using var reader = restarted.Rest(box.Key);
        var summary = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        Assert.Equal("acknowledged", summary.GetProperty("subject").GetString());
        var outbound = Assert.Single((await reader.GetJsonAsync("/v1/outbound")).EnumerateArray());
        Assert.Equal(messageId, outbound.GetProperty("message_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}")).StatusCode);
    }

    [Theory]
    [InlineData("OpenMailserver__HttpPort", "70000", "HttpPort must be between 0 (disabled) and 65535")]
    [InlineData("OpenMailserver__BindAddress", "not-an-ip", "BindAddress 'not-an-ip' is not an IP address")]
    [InlineData("OpenMailserver__Delivery__Mode", "carrier-pigeon", "Delivery:Mode must be 'direct' or 'relay'")]
    [InlineData("OpenMailserver__AdminApiKey", "short", "AdminApiKey is too short")]
    [InlineData("OpenMailserver__Limits__MaxSendsPerHour", "0", "Limits:MaxSendsPerHour must be at least 1")]
    [InlineData("OpenMailserver__Tls__CertificatePath", "/nonexistent/cert.pem", "Tls:CertificatePath and Tls:KeyPath go together")]
    [InlineData("OpenMailserver__Smtp__CommandTimeout", "00:00:00", "Smtp:CommandTimeout must be at least one second")]
    public async Task Bad_configuration_stops_start_up_with_a_sentence_naming_the_key(string key, string value, string message)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(TestPaths.RepositoryRoot(), "src", "Server", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "OpenMailserver.Server.dll") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["OpenMailserver__DataDirectory"] = TestPaths.NewTempDirectory();
        info.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, await stderr + await stdout);
    }

    [Fact]
    public async Task Production_without_a_domain_refuses_to_start()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(TestPaths.RepositoryRoot(), "src", "Server", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "OpenMailserver.Server.dll") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["OpenMailserver__DataDirectory"] = TestPaths.NewTempDirectory();
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Domain is required outside Development", stderr);
    }
}
