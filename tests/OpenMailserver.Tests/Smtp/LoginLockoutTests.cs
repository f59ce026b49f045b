using MailKit.Security;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

public sealed class LoginLockoutTests
{
    [Fact]
    public async Task Repeated_failures_lock_the_address_then_it_recovers_after_the_lock_period()
    {
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Security:MaxFailedLoginsPerAddress"] = "3",
            ["OpenMailserver:Security:LockoutPeriod"] = "00:00:04",
        });
        var box = await server.CreateMailboxAsync();
        server.Started();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var client = MailServer.SmtpClient();
            await client.ConnectAsync("127.0.0.1", server.SubmissionTlsPort, SecureSocketOptions.SslOnConnect);
            // MailKit would otherwise try LOGIN after PLAIN fails: one attempt here is one failed login.
            client.AuthenticationMechanisms.Remove("LOGIN");
            var failed = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(box.Address, "wrong-" + attempt));
            Assert.Contains("5.7.8", failed.Message);
        }

        // Locked: even the right password is refused, with a temporary error that says why.
        using (var client = MailServer.SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", server.SubmissionTlsPort, SecureSocketOptions.SslOnConnect);
            var locked = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(box.Address, box.Password));
            Assert.Contains("4.7.0 Too many failed logins", locked.Message);
        }

        // Operators see it.
        using (var admin = server.Rest(server.AdminKey))
        {
            var health = await admin.GetJsonAsync("/v1/debug/health");
            var logins = health.GetProperty("details").GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "logins");
            Assert.Equal("warn", logins.GetProperty("status").GetString());
            Assert.Contains(box.Address, logins.GetProperty("details").GetString());
            var logs = (await admin.GetJsonAsync("/v1/debug/logs?level=warning")).GetRawText();
            Assert.Contains($"Locked logins for address:{box.Address}", logs);
            Assert.DoesNotContain(box.Password, logs);
        }

        await Task.Delay(TimeSpan.FromSeconds(4.5));
        using var recovered = await server.SubmitAsAsync(box);
        Assert.True(recovered.IsAuthenticated);
    }
}
