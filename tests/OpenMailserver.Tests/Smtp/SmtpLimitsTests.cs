using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

public sealed class SmtpLimitsTests
{
    [Fact]
    public async Task Hourly_send_limit_over_smtp_is_a_temporary_450()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxSendsPerHour"] = "1" });
        var box = await server.CreateMailboxAsync();
        using var client = await server.SubmitAsAsync(box);
        MimeMessage Message(string subject) => new()
        {
            From = { MailboxAddress.Parse(box.Address) }, To = { MailboxAddress.Parse(box.Address) }, Subject = subject, Body = new TextPart("plain") { Text = "x" },
        };
        await client.SendAsync(Message("first"));
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("second")));
        Assert.Equal(SmtpStatusCode.MailboxBusy, error.StatusCode);
        Assert.Contains("4.7.0", error.Message);
        Assert.Contains("MaxSendsPerHour", error.Message);
    }

    [Fact]
    public async Task A_port_already_in_use_stops_start_up_with_a_clear_error()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        await using var server = new ServerFactory(settings: new Dictionary<string, string?> { ["OpenMailserver:Smtp:Port"] = port.ToString() });
        var error = Assert.ThrowsAny<Exception>(() => server.Server);
        Assert.Contains($"port {port}", error.GetBaseException().Message + error.Message);
    }
}
