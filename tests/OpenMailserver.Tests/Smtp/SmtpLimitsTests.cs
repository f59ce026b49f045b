using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

public sealed class SmtpLimitsTests
{
    [Fact]
    public async Task Sessions_beyond_the_cap_get_421_and_a_freed_slot_is_reused()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Smtp:MaxConcurrentSessions"] = "2" });
        server.Started();
        await using var first = await SmtpConversation.OpenAsync(server.MxPort);
        await using var second = await SmtpConversation.OpenAsync(server.MxPort);
        Assert.StartsWith("220", await first.ReplyAsync());
        Assert.StartsWith("220", await second.ReplyAsync());

        await using (var third = await SmtpConversation.OpenAsync(server.SubmissionTlsPort))
            Assert.StartsWith("421 4.3.2", await third.ReplyAsync());

        await first.CommandAsync("QUIT");
        await Task.Delay(300);
        await using var fourth = await SmtpConversation.OpenAsync(server.MxPort);
        Assert.StartsWith("220", await fourth.ReplyAsync());
    }

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
