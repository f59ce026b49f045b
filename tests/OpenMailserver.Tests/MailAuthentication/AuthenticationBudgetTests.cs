using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.MailAuthentication;

/// <summary>All of one message's DKIM and SPF work shares one time budget (Inbound:AuthenticationBudget):
/// with a resolver that never answers, the checks give up together when it is spent instead of each
/// waiting out its own DNS timeouts, and the message is still delivered.</summary>
public sealed class AuthenticationBudgetTests : IAsyncDisposable
{
    private static readonly string BodyHash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("Body.\r\n"u8));
    private readonly UdpClient _silentResolver = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly MailServer _server;

    public AuthenticationBudgetTests()
    {
        var settings = DeliverySettings.For("x.test", $"127.0.0.1:{((IPEndPoint)_silentResolver.Client.LocalEndPoint!).Port}");
        settings["OpenMailserver:Inbound:AuthenticationBudget"] = "00:00:01";
        _server = new MailServer(settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _silentResolver.Dispose();
    }

    [Fact]
    public async Task Dkim_and_spf_give_up_together_when_the_budget_is_spent_and_the_message_is_delivered()
    {
        var box = await _server.CreateMailboxAsync("inbox", "x.test");
        var message = Encoding.ASCII.GetBytes(
            // The body hash is right, so the verifier goes on to look the key up.
            $"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=silent.test; s=sel; h=from; bh={BodyHash}; b=AAAA\r\n" +
            $"From: a@silent.test\r\nTo: {box.Address}\r\nSubject: budget\r\n\r\nBody.\r\n");

        var clock = Stopwatch.StartNew();
        var reply = await SmtpConversation.DeliverAsync(_server.Started().MxPort, "a@silent.test", box.Address, message);
        clock.Stop();

        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply);
        // Without the shared budget the DKIM key lookup alone waits two tries of three seconds, then SPF as long again.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"DATA took {clock.ElapsedMilliseconds} ms");
        using var rest = _server.Rest(box.Key);
        var id = Assert.Single((await rest.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString()!;
        var raw = Encoding.ASCII.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, id));
        Assert.Contains("Authentication-Results: mx.x.test;\r\n\tdkim=temperror header.d=silent.test header.s=sel header.b=AAAA;\r\n\tspf=temperror smtp.mailfrom=a@silent.test\r\n", raw);
    }
}
