using System.Text;
using MailKit.Security;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Operations;

/// <summary>Provision, send, fail and succeed at logging in over SMTP and IMAP, then search every debug
/// response and the log file for the secrets that went by.</summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task No_key_password_or_auth_payload_reaches_debug_output_or_the_log_file()
    {
        await using var server = new MailServer(DeliverySettings.For("one.test"));
        var box = await server.CreateMailboxAsync("agent", "one.test");
        const string wrongPassword = "Wrong-Password-4711!";
        using var rest = server.Rest(box.Key);
        var id = (await rest.SendAsync(new { sender = box.Address, recipients = new[] { "far@away.test" }, subject = "s", text_body = "x" })).GetProperty("id").GetInt64();

        using (var smtp = MailServer.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.SubmissionTlsPort, SecureSocketOptions.SslOnConnect);
            await Assert.ThrowsAsync<AuthenticationException>(() => smtp.AuthenticateAsync(box.Address, wrongPassword));
            await smtp.AuthenticateAsync(box.Address, box.Password);
        }
        using (var imap = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await imap.ConnectAsync("127.0.0.1", server.ImapTlsPort, SecureSocketOptions.SslOnConnect);
            await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync(box.Address, wrongPassword));
        }
        using var stranger = server.Rest("oms_not-a-real-key-but-long-enough-1234567890");
        await stranger.GetAsync("/v1/outbound");

        using var admin = server.Rest(server.AdminKey);
        var secrets = new[]
        {
            box.Key, box.Password, wrongPassword, server.AdminKey, "oms_not-a-real-key-but-long-enough-1234567890",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{box.Address}\0{box.Password}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(box.Password)), Convert.ToBase64String(Encoding.UTF8.GetBytes(wrongPassword)),
        };
        var outputs = new List<string>();
        foreach (var path in new[] { "/v1/debug/config", "/v1/debug/logs?limit=2000", "/v1/debug/health", $"/v1/debug/messages/{id}/trace", "/v1/queue?state=all", "/health" })
            outputs.Add(await admin.GetStringAsync(path));

        var logFile = Path.Combine(server.DataDirectory, "logs", "openmailserver.log");
        string log = "";
        for (var i = 0; i < 50 && !log.Contains("failed", StringComparison.OrdinalIgnoreCase); i++)
        {
            await Task.Delay(100);
            log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile) : "";
        }
        Assert.Contains($"Created mailbox {box.Address}", log);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(logFile));
        outputs.Add(log);

        foreach (var output in outputs)
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, output);
    }
}
