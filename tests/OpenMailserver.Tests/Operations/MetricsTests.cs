using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Operations;

public sealed class MetricsTests
{
    /// <summary>A real process: the OpenTelemetry pipeline is per process, and in-process test servers share one.</summary>
    [Fact]
    public async Task Metrics_count_mail_sessions_logins_and_the_queue_in_prometheus_format()
    {
        var (mx, imapTls) = (TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort());
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Smtp__Port"] = mx.ToString(),
            ["OpenMailserver__Imap__TlsPort"] = imapTls.ToString(),
            ["OpenMailserver__Delivery__DnsServers__0"] = Dnsmasq.Shared.Address,
            ["OpenMailserver__Delivery__MxOverrides__away.test"] = $"127.0.0.1:{TestPaths.FreeTcpPort()}",
            ["OpenMailserver__Delivery__RetrySchedule__0"] = "01:00:00",
        });
        using var admin = server.Rest(server.AdminKey);
        var created = await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "agent", domain = "one.test" });
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var box = new TestMailbox("agent@one.test", json.GetProperty("password").GetString()!, json.GetProperty("api_key").GetProperty("key").GetString()!, 0);
        using var rest = server.Rest(box.Key);
        await rest.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "local", text_body = "x" });
        await rest.SendAsync(new { sender = box.Address, recipients = new[] { "far@away.test" }, subject = "remote", text_body = "x" });

        using (var smtp = MailServer.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", mx, SecureSocketOptions.StartTls);
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("a@elsewhere.test")], [MailboxAddress.Parse(box.Address)], "in", new TextPart("plain") { Text = "x" }));
        }
        using (var imap = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await imap.ConnectAsync("127.0.0.1", imapTls, SecureSocketOptions.SslOnConnect);
            await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync(box.Address, "not the password"));
        }

        using var http = server.Rest(server.AdminKey);
        string metrics = "";
        // The queue gauges are refreshed by the delivery worker every few seconds; a loaded machine may take longer.
        bool Ready() => Regex.IsMatch(metrics, @"(?m)^openmailserver_queue_depth(\{[^}]*\})? 1") && metrics.Contains("openmailserver_messages_submitted_total");
        for (var i = 0; i < 300 && !Ready(); i++)
        {
            await Task.Delay(100);
            metrics = await http.GetStringAsync("/metrics");
        }
        Assert.True(Ready(), metrics);
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

    [Fact]
    public async Task Metrics_need_a_key_with_the_debug_read_scope()
    {
        await using var server = new ServerFactory();
        var box = await server.CreateMailboxAsync();
        using var anonymous = server.Rest();
        var refused = await anonymous.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("""{"code":16,"message":"Missing API key: send it in the X-OpenMailserver-Key header.","details":[]}""", await refused.Content.ReadAsStringAsync());
        using var mailbox = server.Rest(box.Key);
        var forbidden = await mailbox.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("""{"code":7,"message":"This API key lacks the 'debug:read' scope needed here.","details":[]}""", await forbidden.Content.ReadAsStringAsync());
        using var admin = server.Rest(server.AdminKey);
        var metrics = await admin.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType);
    }
}
