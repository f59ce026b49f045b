using System.Text.RegularExpressions;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Operations;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_mail_sessions_logins_and_the_queue_in_prometheus_format()
    {
        var down = TestPaths.FreeTcpPort();
        await using var server = new MailServer(DeliverySettings.For("one.test", mxOverrides: new Dictionary<string, int> { ["away.test"] = down }, retryDelay: "01:00:00"));
        var box = await server.CreateMailboxAsync("agent", "one.test");
        using var rest = server.Rest(box.Key);
        await rest.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "local", text_body = "x" });
        await rest.SendAsync(new { sender = box.Address, recipients = new[] { "far@away.test" }, subject = "remote", text_body = "x" });

        using (var smtp = MailServer.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.StartTls);
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("a@elsewhere.test")], [MailboxAddress.Parse(box.Address)], "in", new TextPart("plain") { Text = "x" }));
        }
        using (var imap = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await imap.ConnectAsync("127.0.0.1", server.ImapTlsPort, SecureSocketOptions.SslOnConnect);
            await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync(box.Address, "not the password"));
        }

        using var http = server.Rest();
        string metrics = "";
        for (var i = 0; i < 100 && !Regex.IsMatch(metrics, @"(?m)^openmailserver_queue_depth(\{[^}]*\})? 1"); i++)
        {
            await Task.Delay(100);
            metrics = await http.GetStringAsync("/metrics");
        }
        double Value(string pattern) =>
            double.Parse(Regex.Match(metrics, $@"(?m)^{pattern} (?<value>[0-9.e+]+)").Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(2, Value(@"openmailserver_messages_submitted_total(\{[^}]*\})?"));
        Assert.Equal(1, Value(@"openmailserver_messages_received_total(\{[^}]*\})?"));
        Assert.True(Value(@"openmailserver_delivery_recipients_total\{[^}]*outcome=""deferred""[^}]*\}") >= 1);
        Assert.True(Value(@"openmailserver_logins_failed_total(\{[^}]*\})?") >= 1); // a client may try more than one mechanism
        Assert.True(Value(@"openmailserver_sessions_total\{[^}]*protocol=""smtp""[^}]*\}") >= 1);
        Assert.True(Value(@"openmailserver_sessions_total\{[^}]*protocol=""imap""[^}]*\}") >= 1);
        Assert.Equal(1, Value(@"openmailserver_queue_depth(\{[^}]*\})?"));
        Assert.Matches(@"(?m)^openmailserver_queue_oldest_age_seconds", metrics);
        Assert.Matches(@"(?m)^http_server_request_duration_seconds_bucket\{", metrics);
    }
}
