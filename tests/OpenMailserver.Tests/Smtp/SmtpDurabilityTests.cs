using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

public sealed class SmtpDurabilityTests
{
    [Fact]
    public async Task A_message_acknowledged_with_250_survives_kill_9()
    {
        var directory = TestPaths.NewTempDirectory();
        var mx = TestPaths.FreeTcpPort();
        var environment = new Dictionary<string, string> { ["OpenMailserver__Smtp__Port"] = mx.ToString() };
        TestMailbox box;
        await using (var server = await ServerProcess.StartAsync(directory, environment: environment))
        {
            using var admin = server.Rest(server.AdminKey);
            var created = System.Text.Json.JsonDocument.Parse(await (await admin.PostAsync("/v1/mailboxes",
                new StringContent("{\"local_part\":\"durable\",\"domain\":\"example.test\"}", System.Text.Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync()).RootElement;
            box = new TestMailbox("durable@example.test", "", created.GetProperty("api_key").GetProperty("key").GetString()!, 0);

            using var client = MailServer.SmtpClient();
            await client.ConnectAsync("127.0.0.1", mx, SecureSocketOptions.None);
            var reply = await client.SendAsync(new MimeMessage
            {
                From = { MailboxAddress.Parse("a@outside.test") }, To = { MailboxAddress.Parse(box.Address) }, Subject = "acknowledged over smtp",
                Body = new TextPart("plain") { Text = "kept" },
            });
            Assert.StartsWith("2.0.0 Ok", reply);
            // The very next thing after the 250: a crash, with no chance to flush anything.
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(directory, environment: environment);
        using var reader = restarted.Rest(box.Key);
        var summary = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        Assert.Equal("acknowledged over smtp", summary.GetProperty("subject").GetString());
        Assert.Equal("kept", (await reader.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}")).GetProperty("body").GetString()!.Trim());
        Assert.Contains($"SMTP inbound (MX) listening on 127.0.0.1:{mx}", restarted.Output);
    }
}
